"""The price list on the quote card (two taps add a line) and an approval taken by phone through its
confirmation dialog (which extras, who, a note): the customer's portal shows the result at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Order, Quote

from .helpers import wait_until_live
from .test_foundation_e2e import _sign_in, open_verified
from .test_quote_e2e import _engine, _new_quoted_order


def test_staff_add_a_price_list_line_and_record_a_phone_approval_the_customer_sees(live_app, desktop, phone):
    reference, url = _new_quoted_order(live_app, "Pricey")
    engine = _engine(live_app)
    with write_session(engine) as s:
        order_id = s.exec(select(Order.id).where(Order.reference == reference)).one()
    _sign_in(desktop, live_app)
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    desktop.goto(live_app.url(f"/staff/orders/{order_id}"))
    wait_until_live(desktop)

    desktop.click("#quote-price-list")
    desktop.fill("#price-pick-search", "glass")
    pick = desktop.locator(".price-pick").first
    expect(pick).to_contain_text("glass")
    pick.click()  # tap two: the line is on the draft
    expect(desktop.locator(".q-desc input").last).to_have_value(re.compile("glass", re.I))

    desktop.click("#quote-send")
    expect(desktop.locator("#staff-quote-summary")).to_contain_text("Version 2")

    desktop.click("#quote-phone-yes")
    expect(desktop.locator("#approval-confirm")).to_be_visible()
    first_optional = desktop.get_by_role("checkbox", name=re.compile("^Include ")).first
    expect(first_optional).to_be_checked()
    first_optional.click()  # the customer said no to that extra
    expect(first_optional).not_to_be_checked()
    desktop.fill("#approval-approver", "Pat Pricey")
    desktop.fill("#approval-note", "Rang at 10:05, wants it by Friday")
    desktop.click("#approval-confirm")
    expect(desktop.locator("#staff-quote-summary")).to_contain_text("approved")
    expect(desktop.locator("#staff-quote-summary")).to_contain_text("Rang at 10:05")

    with write_session(engine) as s:
        quote = s.exec(select(Quote).where(Quote.order_id == order_id).order_by(Quote.version.desc())).first()
        assert (quote.status, quote.decision_channel, quote.decided_by_name) == ("approved", "phone", "Pat Pricey")
    engine.dispose()

    open_verified(phone, url + "?tab=quote", "Pricey")
    expect(phone.locator("#quote-approved")).to_be_visible()
    expect(phone.locator("#approve-open")).to_have_count(0)  # nothing left to do for the customer
