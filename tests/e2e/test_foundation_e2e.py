"""The foundation in a real browser: staff sign-in and order list, tracking links."""

from __future__ import annotations

import base64
import os
import re
import socket
import urllib.request

from playwright.sync_api import expect

from .conftest import shot


def _credentials(app) -> tuple[str, str]:
    out = app.bootstrap_output
    return re.search(r"Email:\s+(\S+)", out).group(1), re.search(r"Password:\s+(\S+)", out).group(1)


def _links(app) -> list[tuple[str, str, str]]:
    """(reference, stage, url) for each printed demo link."""
    return [(ref, stage, url) for ref, stage, _, url in demo_links(app)]


def demo_links(app) -> list[tuple[str, str, str, str]]:
    """(reference, stage, last name, url) for each printed demo link, URLs pointing at the test app."""
    found = re.findall(r"- (R-\d+)\s+(.+?)\s+last name: (.+)\n\s+(http\S+)", app.bootstrap_output)
    assert len(found) >= 3, app.bootstrap_output
    return [
        (ref, stage.strip(), last.strip(), app.base_url + "/track/" + url.rsplit("/track/", 1)[1])
        for ref, stage, last, url in found
    ]


def open_verified(page, url: str, last_name: str) -> None:
    page.goto(url)
    page.fill("#last-name", last_name)
    page.click("#gate-submit")
    expect(page.locator("#stage-label")).to_be_visible()


def _sign_in(page, app, password: str | None = None):
    email, real_password = _credentials(app)
    page.goto(app.url("/staff/login"))
    page.fill("#email", email)
    page.fill("#password", password or real_password)
    page.click("#sign-in")


def test_staff_signs_in_with_the_printed_credentials_and_sees_the_order_list(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    expect(desktop.locator(".order-row").first).to_be_visible()
    assert desktop.locator(".order-row").count() == 25
    # 49 demo orders, the business account's 9 included (other tests in this session may have booked more in)
    expect(desktop.locator("#page-label")).to_have_text(re.compile(r"^1–25 of (49|[5-9]\d)$"))
    expect(desktop.locator("#staff-name")).to_have_text("Sam Carter")
    reference, _, _ = _links(live_app)[0]
    desktop.fill("#order-search", reference)
    expect(desktop.locator(".order-row")).to_have_count(1)
    expect(desktop.locator(".order-row").first).to_contain_text(reference)
    expect(desktop.locator(".order-row").first).to_contain_text("Awaiting approval")
    shot(desktop, "staff-orders-desktop")


def test_a_wrong_password_shows_a_clear_message_and_no_access(live_app, desktop):
    _sign_in(desktop, live_app, password="definitely-not-the-password")
    expect(desktop.locator("#login-error")).to_contain_text("don't match")
    expect(desktop).to_have_url(re.compile(r"/staff/login"))
    desktop.goto(live_app.url("/staff"))
    expect(desktop).to_have_url(re.compile(r"/staff/login"))


def test_staff_pages_need_a_session_and_sign_out_ends_it(live_app, desktop):
    desktop.goto(live_app.url("/staff"))
    expect(desktop).to_have_url(re.compile(r"/staff/login"))
    assert desktop.locator(".order-row").count() == 0
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    cookie = next(c for c in desktop.context.cookies() if c["name"] == "rp_staff_session")
    desktop.click("#sign-out")
    expect(desktop).to_have_url(re.compile(r"/staff/login"))
    # replaying the old cookie value in a fresh browser gets nowhere: the session is revoked server-side
    replay = desktop.context.browser.new_context()
    replay.add_cookies([{**cookie, "value": cookie["value"]}])
    page = replay.new_page()
    page.goto(live_app.url("/staff"))
    expect(page).to_have_url(re.compile(r"/staff/login"))
    replay.close()


def test_a_tracking_link_shows_its_order_on_a_phone(live_app, phone):
    for reference, stage, last_name, url in demo_links(live_app)[:2]:
        open_verified(phone, url, last_name)
        expect(phone.locator("#order-reference")).to_have_text(reference)
        expect(phone.locator("#stage-label")).to_have_text(stage.strip())
        expect(phone.locator("#call-shop")).to_have_attribute("href", re.compile(r"^tel:\+44"))
        width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"horizontal scroll on a phone: {width}"
    shot(phone, "track-phone")


def test_an_unknown_code_shows_a_friendly_page_with_the_shop_phone(live_app, phone):
    phone.goto(live_app.url("/track/this-code-does-not-exist-anywhere"))
    expect(phone.locator("#link-problem")).to_have_text("We couldn't find that link")
    expect(phone.get_by_text(re.compile(r"^Call 0\d"))).to_be_visible()  # the shop phone, in national form
    assert phone.locator("#order-reference").count() == 0
    shot(phone, "track-not-found-phone")


def test_responses_carry_no_referrer_and_nosniff_headers(live_app):
    _, _, url = _links(live_app)[0]
    code = url.rsplit("/", 1)[1]
    with urllib.request.urlopen(live_app.url(f"/track/{code}")) as response:
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert code not in live_app.log_path.read_text()  # tokens never written to logs


def _socket_handshake(app, origin: str) -> int:
    """Status of a raw websocket upgrade to Reflex's event endpoint with the given Origin."""
    host, port = app.base_url.removeprefix("http://").split(":")
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(1024).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_websocket_accepts_only_the_public_origin(live_app):
    assert _socket_handshake(live_app, live_app.base_url) == 101
    assert _socket_handshake(live_app, "http://evil.example") >= 400
