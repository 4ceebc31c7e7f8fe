"""Attacks tried in a real browser against the real app: a stolen client token, a signed-out tab,
the cookies' flags, the Content-Security-Policy and what Reflex keeps on disk."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from repair_portal.settings import PROJECT_ROOT

from .test_foundation_e2e import _sign_in


def _frames(page) -> list[str]:
    """Every websocket frame the page receives from now on."""
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: received.append(str(data))))
    return received


def _open_customer(page, app) -> tuple[str, str]:
    """A customer's page as staff see it: (client token of the tab, the customer's email shown)."""
    page.goto(app.url("/staff/customers"))
    page.locator(".customer-link").first.click()
    email = page.locator("#customer-view-email")
    expect(email).to_contain_text("@")
    return page.evaluate("window.sessionStorage.getItem('token')"), email.inner_text().strip()


def test_a_stolen_client_token_gives_a_new_browser_nothing(live_app, browser, desktop):
    started = time.time()
    console: list[str] = []
    desktop.on("console", lambda msg: console.append(msg.text))
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    token, email = _open_customer(desktop, live_app)
    session_cookie = next(c for c in desktop.context.cookies() if c["name"] == "rp_staff_session")
    assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict"
    assert desktop.evaluate("document.cookie").find("rp_staff_session") == -1  # JavaScript can't read it

    thief = browser.new_context()
    thief.add_init_script(f"window.sessionStorage.setItem('token', {token!r})")
    page = thief.new_page()
    received = _frames(page)
    page.goto(live_app.url(desktop.url.split(live_app.base_url, 1)[1]))
    expect(page).to_have_url(re.compile(r"/staff/login"))
    expect(page.locator("#sign-in")).to_be_visible()
    assert received, "the thief's page never talked to the server"
    assert not any(email in frame for frame in received)
    thief.close()
    # The owner's tab was reset by the thief's cookieless connection; on its next load it fills again.
    desktop.reload()
    expect(desktop.locator("#customer-view-email")).to_contain_text(email)
    assert not [line for line in console if "Content Security Policy" in line], console
    # Nothing of any tab's state is written to disk (the state manager keeps it in memory).
    states = PROJECT_ROOT / ".states"
    written = (
        [p for p in states.glob("**/*") if p.is_file() and p.stat().st_mtime >= started] if states.exists() else []
    )
    assert written == []


def test_after_sign_out_the_tab_holds_no_one_elses_data(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    _, email = _open_customer(desktop, live_app)
    received = _frames(desktop)
    desktop.click("#sign-out")
    expect(desktop).to_have_url(re.compile(r"/staff/login"))
    expect(desktop.locator("#sign-in")).to_be_visible()
    desktop.goto(live_app.url("/staff/login"))  # the same tab, reloaded
    expect(desktop.locator("#sign-in")).to_be_visible()
    assert received and not any(email in frame for frame in received)
    assert "rp_staff_session" not in {c["name"] for c in desktop.context.cookies()}


def test_pages_carry_a_content_security_policy(live_app, desktop):
    response = desktop.goto(live_app.url("/staff/login"))
    csp = response.headers["content-security-policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert re.search(r"script-src[^;]*'sha256-", csp)
    expect(desktop.locator("#sign-in")).to_be_visible()  # the page still runs under it
