"""The account portal's orders in a real browser: the overview's cards, finding a past job by site and by
asset, opening it (the tracking view, signed in), writing to the shop, adding a photo the shop sees, and
a phone without sideways scrolling. Each test builds its own business account."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import Attachment, Device, Location, Message, Site
from repair_portal.services import audit, clock, quotes
from repair_portal.services.orders import create_order

from ..conftest import TEST_SECRET_KEY
from ..portal_factories import business, portal_user
from . import axe
from .conftest import PHONE, shot
from .test_portal_signin_e2e import _password_sign_in


def _account(app, email: str) -> dict:
    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        location = s.exec(select(Location)).first()
        account = business(s, "Kestrel Logistics")
        depot = Site(customer_id=account.id, name="Felixstowe depot", address="Dock Road")
        office = Site(customer_id=account.id, name="Ipswich office")
        s.add_all([depot, office])
        s.flush()
        portal_user(s, customer=account, email=email, name="Kit Kestrel")
        made = {}
        for tag, site, days, model in (
            ("KL-0001", depot, 3, "ThinkPad T14"),
            ("KL-0002", office, 40, "Surface Pro"),
            ("KL-0003", depot, 90, "ThinkPad X1"),
        ):
            device = Device(customer_id=account.id, kind="laptop", make="Lenovo", model=model, asset_tag=tag)
            s.add(device)
            s.flush()
            order = create_order(
                s,
                TEST_SECRET_KEY,
                customer=account,
                location=location,
                device=device,
                problem=f"{model}: no power",
                actor=audit.SYSTEM,
                booked_in_at=clock.now() - timedelta(days=days),
            ).order
            order.site_id, order.po_number = site.id, f"PO-{tag[-1]}"
            made[tag] = order.reference
        first = s.exec(select(Device).where(Device.asset_tag == "KL-0001", Device.customer_id == account.id)).one()
        from repair_portal.models import Order

        order = s.exec(select(Order).where(Order.device_id == first.id)).one()
        order.scheduled_at = clock.now() + timedelta(days=2)
        quote = quotes.create_quote(s, order, [quotes.LineSpec("New charging port", 1, 6500)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
    engine.dispose()
    return made


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll: {width}"


def test_an_account_finds_a_past_job_writes_to_the_shop_and_adds_a_photo(live_app, desktop):
    refs = _account(live_app, "kit@kestrel.test")
    _password_sign_in(desktop, live_app, "kit@kestrel.test")
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    expect(desktop.locator("#overview-open-count")).to_have_text("3 open")
    expect(desktop.locator("#overview-decisions")).to_contain_text(refs["KL-0001"])
    expect(desktop.locator("#overview-upcoming")).to_contain_text(refs["KL-0001"])
    axe.check(desktop, "account overview")
    shot(desktop, "portal-account-overview-desktop")

    desktop.click("#nav-orders")
    expect(desktop.locator(".account-order-row")).to_have_count(3)
    desktop.fill("#order-search", "kl-0003")
    desktop.click("#order-search-submit")
    expect(desktop.locator(".account-order-row")).to_have_count(1)
    expect(desktop.locator(".account-order-row")).to_contain_text(refs["KL-0003"])
    desktop.fill("#order-search", "")
    desktop.click("#order-site")
    desktop.get_by_role("option", name="Ipswich office").click()
    desktop.click("#order-search-submit")
    expect(desktop.locator(".account-order-row")).to_have_count(1)
    expect(desktop.locator(".account-order-row")).to_contain_text("Surface Pro")
    # … and by when it was booked in: only the job of 40 days ago lies between 60 and 20 days back
    desktop.click("#order-clear")
    expect(desktop.locator(".account-order-row")).to_have_count(3)
    today = date.today()
    desktop.fill("#order-from", (today - timedelta(days=60)).isoformat())
    desktop.fill("#order-to", (today - timedelta(days=20)).isoformat())
    desktop.click("#order-search-submit")
    expect(desktop.locator(".account-order-row")).to_have_count(1)
    expect(desktop.locator(".account-order-row")).to_contain_text("Surface Pro")
    axe.check(desktop, "account orders")
    shot(desktop, "portal-account-orders-desktop")

    desktop.locator(".account-order-row").first.click()
    expect(desktop.locator("#live-marker")).to_have_attribute("data-live", "on")
    expect(desktop.locator("#order-po")).to_have_text("Your PO number: PO-2")
    desktop.click("#tab-messages")
    desktop.fill("#message-body", "Please collect it from reception.")
    desktop.click("#message-send")
    expect(desktop.locator(".message-bubble").last).to_contain_text("Please collect it from reception.")
    desktop.click("#tab-documents")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(picture, format="PNG")
    desktop.set_input_files(
        "#account-upload input[type=file]",
        files=[{"name": "damage.png", "mimeType": "image/png", "buffer": picture.getvalue()}],
    )
    desktop.click("#upload-submit")
    expect(desktop.locator("li[data-sonner-toast]").first).to_contain_text("Added 1 file")
    axe.check(desktop, "account order")
    shot(desktop, "portal-account-order-desktop")

    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        from repair_portal.models import Order

        order = s.exec(select(Order).where(Order.reference == refs["KL-0002"])).one()
        assert s.exec(select(Message).where(Message.order_id == order.id)).first() is not None
        files = s.exec(select(Attachment).where(Attachment.order_id == order.id)).all()
        assert len(files) == 1 and files[0].visible_to_customer
    engine.dispose()


def test_the_account_pages_fit_a_phone(live_app, browser):
    refs = _account(live_app, "kit.phone@kestrel.test")
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    _password_sign_in(phone, live_app, "kit.phone@kestrel.test")
    expect(phone.locator("#overview-open-count")).to_have_text("3 open")
    _no_sideways_scroll(phone)
    axe.check(phone, "account overview")
    shot(phone, "portal-account-overview-phone")
    phone.goto(live_app.url("/portal/orders"))
    expect(phone.locator(".account-order-row")).to_have_count(3)
    _no_sideways_scroll(phone)
    axe.check(phone, "account orders")
    shot(phone, "portal-account-orders-phone")
    phone.locator(".account-order-row").filter(has_text=refs["KL-0001"]).click()
    expect(phone.locator("#live-marker")).to_have_attribute("data-live", "on")
    _no_sideways_scroll(phone)
    shot(phone, "portal-account-order-phone")
    context.close()
