"""An account customer pays two invoices at once on a phone, one in part, through the demo's Stripe
stand-in; the invoice list shows one paid and one part paid when they come back."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from ..portal_factories import business, portal_user
from . import axe
from .conftest import PHONE, shot
from .test_account_money_e2e import _issued, database
from .test_portal_signin_e2e import _password_sign_in

EMAIL = "penny.payer@e2e.test"


def test_two_invoices_paid_at_once_one_in_part(live_app, browser):
    from repair_portal.models import Payment

    with database(live_app) as s:
        account = business(s, "Payables Depot Ltd")
        portal_user(s, email=EMAIL, name="Penny Payer", customer=account)
        first, _ = _issued(live_app, s, account, days_ago=3)
        second, _ = _issued(live_app, s, account, days_ago=1)
        numbers, ids, orders = (
            (first.number_text, second.number_text),
            (first.id, second.id),
            (first.order_id, second.order_id),
        )

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    try:
        _password_sign_in(phone, live_app, EMAIL)
        expect(phone).to_have_url(re.compile(r"/portal/?$"))
        phone.goto(live_app.url("/portal/invoices"))
        expect(phone.locator("#pay-invoices")).to_be_visible()
        expect(phone.locator("#invoice-pay-demo")).to_contain_text("no money moves")
        phone.get_by_label(f"Pay {numbers[0]}").check()
        phone.get_by_label(f"Pay {numbers[1]}").check()
        phone.get_by_label(f"Amount for {numbers[1]}").fill("20.00")
        expect(phone.locator("#pay-invoices")).to_have_text(re.compile(r"Pay £140\.00 for 2 invoices"))
        axe.check(phone, "invoices with Pay")
        shot(phone, "portal-invoices-pay-phone")
        phone.click("#pay-invoices")

        expect(phone.get_by_text("Demo checkout — no money moves")).to_be_visible()
        expect(phone.locator("body")).to_contain_text("£140.00")
        phone.get_by_role("button", name="Pay (test card)").click()
        expect(phone.locator("#pay-result-heading")).to_have_text("Payment received", timeout=15_000)
        expect(phone.locator("#pay-lines")).to_contain_text(f"{numbers[0]}: £120.00")
        expect(phone.locator("#pay-lines")).to_contain_text(f"{numbers[1]}: £20.00")
        phone.click("#pay-back")
        expect(phone).to_have_url(re.compile(r"/portal/invoices/?$"))
        rows = phone.locator(".account-invoice")
        expect(rows.filter(has_text=numbers[0])).to_contain_text("Paid")
        expect(rows.filter(has_text=numbers[1])).to_contain_text("Part paid")
        expect(phone.get_by_label(f"Pay {numbers[0]}")).to_have_count(0)  # nothing left to pay on it
    finally:
        context.close()

    with database(live_app) as s:
        paid = s.exec(select(Payment).where(Payment.order_id.in_(orders))).all()
        assert sorted((p.order_id, p.amount_minor, p.method) for p in paid) == sorted(
            [(orders[0], 12000, "card_online"), (orders[1], 2000, "card_online")]
        )
        assert ids
