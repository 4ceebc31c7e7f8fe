"""The customer portal for everyone: axe-core on every page state at 360 px and 1440 px (no serious or
critical violation), approving and signing with the keyboard alone, and no sideways scrolling or
clipped price at 320 px or with text at 200 %."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from repair_portal.db import write_session
from repair_portal.models import Order
from repair_portal.services import audit, portal_links

from . import axe
from .test_quote_e2e import _engine, _new_quoted_order

SIZES = {"360": {"width": 360, "height": 740}, "1440": {"width": 1440, "height": 900}}


def _context(browser, size: str, **extra):
    context = browser.new_context(viewport=SIZES[size], **extra)
    context.set_default_timeout(20_000)
    return context


def _order_id(app, reference: str) -> int:
    from sqlmodel import select

    engine = _engine(app)
    with write_session(engine) as s:
        found = s.exec(select(Order.id).where(Order.reference == reference)).one()
    engine.dispose()
    return found


@pytest.mark.parametrize("size", list(SIZES))
def test_every_portal_state_passes_axe(live_app, browser, size):
    reference, url = _new_quoted_order(live_app, f"Axe{size}")
    context = _context(browser, size)
    page = context.new_page()
    try:
        page.goto(live_app.url("/track/not-a-real-code-at-all"))
        expect(page.locator("#link-problem")).to_be_visible()
        axe.check(page, "not found")

        page.goto(url)
        expect(page.locator("#last-name")).to_be_visible()
        axe.check(page, "gate")
        page.fill("#last-name", "Wrong")
        page.click("#gate-submit")
        expect(page.locator("#gate-error")).to_be_visible()
        axe.check(page, "gate with an error")
        page.fill("#last-name", f"Axe{size}")
        page.click("#gate-submit")
        expect(page.locator("#stage-label")).to_be_visible()
        axe.check(page, "status")

        page.click("#tab-quote")
        expect(page.locator("#quote-total")).to_be_visible()
        axe.check(page, "quote")
        page.click("#approve-open")
        expect(page.locator("#approve-submit")).to_be_visible()
        axe.check(page, "approval form")

        page.click("#tab-documents")
        axe.check(page, "documents")
        page.click("#tab-messages")
        expect(page.locator("#message-body")).to_be_visible()
        axe.check(page, "messages")
        page.click("#tab-status")
        page.click("#show-qr")
        expect(page.locator("#portal-qr")).to_be_visible()
        axe.check(page, "QR dialog")

        engine = _engine(live_app)
        with write_session(engine) as s:
            portal_links.revoke(s, _order_id(live_app, reference), audit.SYSTEM)
        engine.dispose()
        page.goto(url)
        expect(page.locator("#link-problem")).to_be_visible()
        axe.check(page, "revoked link")
    finally:
        context.close()


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (keyboard only: no clicks, no element.focus())."""
    for _ in range(limit):
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_customer_approves_and_signs_with_the_keyboard_alone(live_app, browser):
    reference, url = _new_quoted_order(live_app, "Keyes")
    context = _context(browser, "360")
    page = context.new_page()
    try:
        page.goto(url + "?tab=quote")
        _tab_to(page, "#last-name")
        page.keyboard.type("Keyes")
        page.keyboard.press("Enter")
        expect(page.locator("#quote-total")).to_be_visible()
        _tab_to(page, "#approve-open")
        page.keyboard.press("Enter")
        _tab_to(page, "#agree-terms")
        page.keyboard.press("Space")
        _tab_to(page, "#signer-name")
        page.keyboard.type("Kim Keyes")
        _tab_to(page, "#sign-method-drawn")  # a radio group: Tab reaches the chosen one, arrows choose
        page.keyboard.press("ArrowRight")
        expect(page.locator("#sign-method-typed")).to_be_checked()
        expect(page.locator("canvas.signature-canvas")).to_be_hidden()  # nothing to draw now
        _tab_to(page, "#approve-submit")
        page.keyboard.press("Enter")
        expect(page.locator("#quote-approved")).to_be_visible()
        expect(page.locator(".signed-item")).to_contain_text("Kim Keyes")
    finally:
        context.close()
    from sqlmodel import select

    from repair_portal.models import Signature

    engine = _engine(live_app)
    with write_session(engine) as s:
        sig = s.exec(select(Signature).where(Signature.order_id == _order_id(live_app, reference))).one()
        assert (sig.method, sig.signer_name) == ("typed", "Kim Keyes")
    engine.dispose()


@pytest.mark.parametrize("setup", ["320px", "text200"])
def test_nothing_scrolls_sideways_or_clips_at_320px_or_200_percent_text(live_app, browser, setup):
    _, url = _new_quoted_order(live_app, f"Narrow{setup}")
    size = {"width": 320, "height": 640} if setup == "320px" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=size)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        if setup == "text200":  # the phone's "larger text" setting: the root font size doubles
            page.add_init_script(
                "document.addEventListener('DOMContentLoaded', () => document.documentElement.style.fontSize = '200%')"
            )
        page.goto(url + "?tab=quote")
        page.fill("#last-name", f"Narrow{setup}")
        page.click("#gate-submit")
        expect(page.locator("#quote-total")).to_be_visible()
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"the page scrolls {wide}px sideways"
        total = page.locator("#quote-total")
        clipped = total.evaluate("el => el.scrollWidth > el.clientWidth + 1")
        box = total.bounding_box()
        assert not clipped and box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5
        expect(total).to_have_text(re.compile(r"£\d"))
        broken = page.evaluate(
            """() => [...document.querySelectorAll('.money')].filter(el =>
                el.offsetHeight > parseFloat(getComputedStyle(el).lineHeight) * 1.5).map(el => el.innerText)"""
        )
        assert broken == [], f"prices split over two lines: {broken}"
    finally:
        context.close()


def test_a_light_accent_colour_cannot_make_the_portal_unreadable(live_app, browser):
    """A shop colour saved before the settings refused light ones (or set by hand): the header and
    buttons still read, because the text on it is chosen by contrast and the accent darkened."""
    from sqlmodel import select

    from repair_portal.models import Location, ShopSettings

    _, url = _new_quoted_order(live_app, "Yellow")
    engine = _engine(live_app)
    with write_session(engine) as s:
        shop = s.exec(select(ShopSettings)).one()
        before, shop.accent_color = shop.accent_color, "#ffd400"
        locations = s.exec(select(Location)).all()
        own = {loc.id: loc.accent_color for loc in locations}
        for loc in locations:
            loc.accent_color = None
    context = _context(browser, "360")
    page = context.new_page()
    try:
        page.goto(url + "?tab=quote")
        page.fill("#last-name", "Yellow")
        page.click("#gate-submit")
        expect(page.locator("#approve-open")).to_be_visible()
        found = axe.check(page, "portal with a yellow accent")
        assert not [v for v in found if v["id"] == "color-contrast"]
        ink = page.locator("#shop-name").evaluate("el => getComputedStyle(el).color")
        assert ink == "rgb(17, 24, 39)"  # near-black on yellow, not white
    finally:
        context.close()
        with write_session(engine) as s:
            s.exec(select(ShopSettings)).one().accent_color = before
            for loc in s.exec(select(Location)).all():
                loc.accent_color = own.get(loc.id)
        engine.dispose()
