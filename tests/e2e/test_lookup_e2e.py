"""Find my repair: the lookup page, its widget in an iframe on another website, and the portal's
off-switch, in the real app. Every change to the shared app's settings is undone at the end."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from repair_portal.db import write_session
from repair_portal.models import ShopSettings

from . import axe
from .conftest import shot
from .test_foundation_e2e import _sign_in
from .test_quote_e2e import _engine, _new_quoted_order


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *_args):  # the test log stays readable
        pass


@pytest.fixture(scope="module")
def shop_website(tmp_path_factory, live_app):
    """The shop's own website: another origin (127.0.0.1, not localhost) on a free port, serving pages
    that frame the live app's lookup widget and, to prove it is refused, a tracking page."""
    root = tmp_path_factory.mktemp("shop-website")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def page(name: str, frame_src: str, height: int = 420) -> str:
        (root / name).write_text(
            "<!doctype html><html><head><meta charset='utf-8'><title>Myshop</title></head>"
            "<body style='margin:0;font-family:sans-serif;background:#fde68a'>"
            "<header style='padding:1rem 2rem;background:#1e293b;color:white'><b>Myshop — phone repairs</b></header>"
            "<main style='padding:1.5rem 2rem'><h1>Track your repair</h1>"
            f"<iframe id='widget' src='{frame_src}' title='Find my repair' width='100%' height='{height}' "
            "style='border:0;max-width:28rem'></iframe></main></body></html>"
        )
        return f"{origin}/{name}"

    (root / "closed.html").write_text("<!doctype html><title>Closed</title><h1 id='closed'>Call us</h1>")
    yield {"origin": origin, "page": page, "closed": f"{origin}/closed.html"}
    server.shutdown()
    server.server_close()


@contextmanager
def _shop_settings(app, **values):
    """Set shop settings in the live app's database, and put them back whatever happens."""
    engine = _engine(app)
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        before = {name: getattr(shop, name) for name in values}
        for name, value in values.items():
            setattr(shop, name, value)
    try:
        yield
    finally:
        with write_session(engine) as s:
            shop = s.get(ShopSettings, 1)
            for name, value in before.items():
                setattr(shop, name, value)
        engine.dispose()


def _open_refused_in_frame(page, host: str, app) -> None:
    """Open a page whose iframe holds ours; the browser refuses to show it there: Chromium puts its error page
    in the frame instead. The frame's navigation is waited for (it can land after the page's own load)."""
    landed = lambda f: f != page.main_frame and f.url not in ("", "about:blank")  # noqa: E731
    with page.expect_event("framenavigated", predicate=landed, timeout=15_000) as seen:
        page.goto(host)
    frame = seen.value
    assert frame.url.startswith("chrome-error://") and not frame.url.startswith(app.base_url), frame.url


def _find(page, reference: str, last_name: str) -> None:
    page.fill("#lookup-reference", reference)
    page.fill("#lookup-last-name", last_name)
    page.click("#lookup-submit")


def test_a_reference_and_last_name_open_the_tracking_page_without_asking_again(live_app, phone, desktop):
    reference, url = _new_quoted_order(live_app, "Lookwell")
    phone.goto(live_app.url("/lookup"))
    expect(phone.locator("h1")).to_have_text("Find your repair")
    expect(phone.locator("label[for='lookup-reference']")).to_be_visible()
    shot(phone, "lookup-phone")
    axe.check(phone, "lookup")
    _find(phone, reference.removeprefix("R-"), "Lookgood")  # the wrong name
    expect(phone).to_have_url(re.compile(r"/lookup/?\?error=mismatch"))
    expect(phone.locator("#lookup-error")).to_have_text(re.compile(r"couldn't find an order with that reference"))
    expect(phone.locator("#lookup-reference")).to_have_value(reference)  # only the name to type again
    shot(phone, "lookup-phone-error")
    axe.check(phone, "lookup with an error")
    phone.fill("#lookup-last-name", " lookwell ")
    phone.click("#lookup-submit")
    expect(phone).to_have_url(re.compile(re.escape(url)))
    expect(phone.locator("#stage-label")).to_be_visible()  # the order itself, no last-name gate
    expect(phone.locator("#gate-submit")).to_have_count(0)
    phone.goto(url)  # the same phone later: still remembered
    expect(phone.locator("#stage-label")).to_be_visible()
    # An order nobody has: the very same message.
    desktop.goto(live_app.url("/lookup"))
    expect(desktop.locator("#lookup-submit")).to_be_visible()
    shot(desktop, "lookup-desktop")
    _find(desktop, "R-99999", "Lookwell")
    expect(desktop.locator("#lookup-error")).to_have_text(re.compile(r"couldn't find an order with that reference"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_widget_on_another_website_opens_the_order_in_the_whole_window(live_app, shop_website, request, size):
    page = request.getfixturevalue(size)
    reference, url = _new_quoted_order(live_app, f"Widgetson{size.title()}")
    host = shop_website["page"]("widget.html", live_app.url("/lookup?embed=1"))
    with _shop_settings(live_app, lookup_frame_origins=f"https://www.myshop.example\n{shop_website['origin']}"):
        header = page.request.get(live_app.url("/lookup?embed=1")).headers["content-security-policy"]
        assert f"frame-ancestors 'self' https://www.myshop.example {shop_website['origin']}" in header
        page.goto(host)
        widget = page.frame_locator("#widget")
        expect(widget.locator("#lookup-heading")).to_have_text("Find your repair")
        expect(widget.locator("#shop-name")).to_have_count(0)  # compact: no shop header inside the site
        frame = next(f for f in page.frames if f.url.startswith(live_app.base_url))
        assert frame.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
        shot(page, f"lookup-widget-{size}")
        widget.locator("#lookup-reference").fill(reference)
        widget.locator("#lookup-last-name").fill(f"widgetson{size}")
        widget.locator("#lookup-submit").click()
        # The whole window moves to our site (first-party: the device cookie sticks), on the order.
        expect(page).to_have_url(re.compile(re.escape(url)), timeout=15_000)
        expect(page.locator("#stage-label")).to_be_visible()
        expect(page.locator("#gate-submit")).to_have_count(0)
        # Any other page of the portal refuses to be framed, even by a listed website.
        track = page.request.get(url)
        assert "frame-ancestors 'none'" in track.headers["content-security-policy"]
        assert track.headers["x-frame-options"] == "DENY"
        _open_refused_in_frame(page, shop_website["page"]("track-in-frame.html", url), live_app)


def test_the_widget_isnt_shown_on_a_website_that_isnt_listed(live_app, shop_website, desktop):
    host = shop_website["page"]("unlisted.html", live_app.url("/lookup?embed=1"))
    with _shop_settings(live_app, lookup_frame_origins="https://www.myshop.example"):
        header = desktop.request.get(live_app.url("/lookup?embed=1")).headers["content-security-policy"]
        assert shop_website["origin"] not in header
        _open_refused_in_frame(desktop, host, live_app)


def test_the_portal_off_switch_sends_customers_to_the_shops_address_or_says_call_us(live_app, shop_website, phone):
    _, url = _new_quoted_order(live_app, "Offswitch")
    off_url = shop_website["closed"]
    with _shop_settings(live_app, portal_enabled=False, portal_off_url=off_url):
        for path in (url, live_app.url("/lookup"), live_app.url("/portal")):
            phone.goto(path)
            expect(phone).to_have_url(off_url)
            expect(phone.locator("#closed")).to_be_visible()
        phone.goto(live_app.url("/lookup?embed=1"))  # the widget, inside the shop's page: says so in place
        expect(phone.locator("#portal-off-more")).to_have_attribute("href", off_url)
    with _shop_settings(live_app, portal_enabled=False, portal_off_url=""):
        phone.goto(url)
        expect(phone.locator("#portal-off")).to_have_text("Repair tracking isn't available online")
        shot(phone, "portal-off-phone")
        expect(phone.locator("#call-shop")).to_have_attribute("href", re.compile(r"^tel:\+"))
        expect(phone.locator("#stage-label")).to_have_count(0)
        phone.goto(live_app.url("/lookup"))
        expect(phone.locator("#portal-off")).to_be_visible()
        axe.check(phone, "portal switched off")
    phone.goto(url)  # switched back on: the order's page again (its gate: this phone never passed it)
    expect(phone.locator("#gate-submit")).to_be_visible()


def test_staff_list_the_shops_website_and_copy_the_snippets(live_app, shop_website, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/shop"))
    snippet = desktop.locator("#shop-widget-iframe")
    expect(snippet).to_have_value(re.compile(re.escape(f'<iframe src="{live_app.base_url}/lookup?embed=1"')))
    expect(desktop.locator("#shop-widget-form")).to_have_value(
        re.compile(re.escape(f'<form action="{live_app.base_url}/api/lookup" method="post">'))
    )
    engine = _engine(live_app)
    try:
        desktop.fill("#shop-widget-origins", "www.myshop.example/track")
        desktop.click("#shop-save")
        expect(desktop.locator("#shop-widget-origins-error")).to_contain_text("isn't a website address")
        desktop.fill("#shop-widget-origins", f"{shop_website['origin']}/\nhttps://WWW.Myshop.example")
        desktop.click("#shop-save")
        expect(desktop.get_by_text("Saved").first).to_be_visible()
        expect(desktop.locator("#shop-widget-origins")).to_have_value(
            f"{shop_website['origin']}\nhttps://www.myshop.example"
        )
        desktop.locator("#shop-widget-origins").scroll_into_view_if_needed()
        shot(desktop, "staff-shop-settings-widget")
        with write_session(engine) as s:
            assert (
                s.get(ShopSettings, 1).lookup_frame_origins == f"{shop_website['origin']}\nhttps://www.myshop.example"
            )
    finally:
        with write_session(engine) as s:
            s.get(ShopSettings, 1).lookup_frame_origins = ""
        engine.dispose()
