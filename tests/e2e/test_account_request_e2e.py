"""Request a job from the account portal (on a phone) while the shop's board is open (on a desktop): the
request lands on the board live, flagged as a customer request, and the customer is taken to its page."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import Device, Order, Site

from ..portal_factories import business, portal_user
from . import axe
from .conftest import PHONE, shot
from .test_foundation_e2e import _sign_in
from .test_portal_signin_e2e import _password_sign_in


def _account(app) -> None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        account = business(s, "Osprey Clinics")
        site = Site(customer_id=account.id, name="Harbourside clinic", address="1 Quay Street")
        s.add(site)
        s.flush()
        s.add(
            Device(
                customer_id=account.id,
                kind="printer",
                make="Brother",
                model="HL-L2350",
                asset_tag="OS-0042",
                site_id=site.id,
            )
        )
        portal_user(s, customer=account, email="olu@osprey.test", name="Olu Osprey")
    engine.dispose()


def _choose(page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option).click()


def test_a_requested_job_appears_on_the_staff_board_live(live_app, desktop, browser):
    _account(live_app)
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()  # loaded, then joined the board's channel

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    _password_sign_in(phone, live_app, "olu@osprey.test")
    expect(phone).to_have_url(re.compile(r"/portal/?$"))
    phone.click("#nav-orders")
    phone.click("#request-job")
    expect(phone).to_have_url(re.compile(r"/portal/orders/new"))
    _choose(phone, "#request-site", "Harbourside clinic")
    _choose(phone, "#request-job_type", "Service")
    _choose(phone, "#request-asset", re.compile("OS-0042"))
    phone.fill("#request-description", "Paper jams on every second page; the tray spring looks bent.")
    phone.fill("#request-po_number", "PO-7781")
    axe.check(phone, "request a job")
    shot(phone, "portal-request-job-phone")
    phone.click("#request-submit")
    expect(phone).to_have_url(re.compile(r"/portal/orders/\d+$"))
    expect(phone.locator("#order-po")).to_contain_text("PO-7781")
    expect(phone.locator("#stage-label")).to_contain_text("Requested")

    flagged = desktop.locator(".order-row").filter(has_text="HL-L2350")
    expect(flagged.locator(".customer-request")).to_be_visible()  # no reload: the board moved by itself
    shot(desktop, "staff-board-customer-request-desktop")
    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        order = s.exec(select(Order).where(Order.po_number == "PO-7781")).one()
        assert order.requested_by_id is not None and order.job_type == "Service"
    engine.dispose()
    context.close()
