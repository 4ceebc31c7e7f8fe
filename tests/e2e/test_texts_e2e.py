"""Issue 16's done-when, in the real app against a local stand-in of Twilio's API (no internet): a customer
who ticked "Text me updates" at the counter gets the booked-in text with the tracking link, replies "is it
ready?", the shop sees it live on the order and answers (by text), and "STOP" ends texts."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, session_scope
from repair_portal.models import Customer, SmsConsent

from . import axe
from .conftest import shot
from .helpers import refresh_until_visible
from .test_foundation_e2e import _sign_in

MOBILE, E164 = "07400 900888", "+447400900888"


def _book_in_with_texts(page, app) -> str:
    _sign_in(page, app)
    expect(page.locator(".order-row").first).to_be_visible()
    page.click("#new-order")
    expect(page.locator("#f-last_name")).to_be_visible()
    page.fill("#f-first_name", "Tomasz")
    page.fill("#f-last_name", "Textowski")
    page.fill("#f-phone", MOBILE)
    page.fill("#f-make", "Google")
    page.fill("#f-model", "Pixel 8")
    page.fill("#f-problem", "Won't charge")
    texts = page.locator("#f-sms_updates")
    expect(texts).to_be_enabled()
    expect(page.locator("#f-sms_updates-wording")).to_contain_text("Reply STOP at any time")
    texts.click()
    expect(texts).to_have_attribute("data-state", "checked")
    page.click("#book-in")
    expect(page).to_have_url(re.compile(r"/staff/orders/\d+$"), timeout=20_000)
    return page.url


def test_booked_in_text_then_a_reply_the_shop_answers_and_stop(live_app, desktop, twilio):
    standin = twilio.standin
    inbound = live_app.url("/api/twilio/inbound")
    shop_number = sorted(standin.numbers)[0]
    _book_in_with_texts(desktop, live_app)

    sent = desktop.locator(".text-row", has_text="Order booked in")
    refresh_until_visible(desktop, "#texts-refresh", sent.filter(has_text="Sent"))  # the delivery loop ran
    to_customer = [m for m in standin.messages.values() if m["to"] == E164]
    assert len(to_customer) == 1
    booked = to_customer[0]
    assert "we've booked in your Google Pixel 8" in booked["body"] and "/track/" in booked["body"]
    assert booked["status_callback"] == live_app.url("/api/twilio/status")
    assert standin.deliver(booked["sid"]).status_code == 204  # Twilio's signed delivery report
    expect(sent.filter(has_text="Delivered")).to_be_visible(timeout=10_000)  # live, no reload

    answer = standin.inbound(E164, shop_number, "is it ready?", inbound)
    assert answer.status_code == 200 and "<Message>" not in answer.text
    reply = desktop.locator(".staff-message", has_text="is it ready?")
    expect(reply).to_be_visible(timeout=10_000)  # live on the order, no reload
    expect(reply.locator(".by-text")).to_be_visible()
    axe.check(desktop, "order page with texts")
    shot(desktop, "staff-order-texts-desktop")

    desktop.fill("#staff-reply", "Not yet: tomorrow by noon.")
    desktop.click("#staff-reply-send")
    expect(desktop.locator(".staff-message", has_text="tomorrow by noon")).to_be_visible()
    answered = desktop.locator(".text-row", has_text="Reply from the shop")
    refresh_until_visible(desktop, "#texts-refresh", answered.filter(has_text="Sent"))
    assert any("tomorrow by noon" in m["body"] for m in standin.messages.values() if m["to"] == E164)

    stop = standin.inbound(E164, shop_number, "STOP", inbound)
    assert "won't get texts" in stop.text  # confirmed once…
    again = standin.inbound(E164, shop_number, "stop", inbound)
    assert again.status_code == 200 and "<Message>" not in again.text  # …and only once
    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with session_scope(engine) as s:
        customer = s.exec(select(Customer).where(Customer.phone == E164)).one()
        assert customer.sms_updates is False
        ledger = s.exec(select(SmsConsent).where(SmsConsent.customer_id == customer.id).order_by(SmsConsent.id)).all()
        assert [(r.granted, r.channel) for r in ledger] == [(True, "intake"), (False, "keyword"), (False, "keyword")]
        assert "Reply STOP" in ledger[0].wording
    engine.dispose()
    # After STOP nothing automated goes: "Text link" says so, and no new text reaches Twilio.
    count = len(standin.messages)
    desktop.click("#text-link")
    expect(desktop.get_by_text("The customer replied STOP to our texts")).to_be_visible()
    assert len(standin.messages) == count


def test_an_unknown_number_goes_to_alerts_and_staff_add_it_to_an_order(live_app, desktop, twilio):
    from .test_quote_e2e import _new_quoted_order

    reference, _url = _new_quoted_order(live_app, "Unmatchedson")
    standin = twilio.standin
    answer = standin.inbound(
        "+447400900777", sorted(standin.numbers)[0], "Hi, it's Ola: any news?", live_app.url("/api/twilio/inbound")
    )
    assert answer.status_code == 200
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/alerts"))
    section = desktop.locator("#unmatched-texts")
    expect(section).to_contain_text("07400 900777")
    expect(section).to_contain_text("Hi, it's Ola: any news?")
    axe.check(desktop, "alerts with an unmatched text")
    shot(desktop, "staff-unmatched-texts-desktop")
    section.locator(".unmatched-attach").first.click()
    desktop.get_by_label("Order reference").fill(reference)
    desktop.locator(".unmatched-add").click()
    expect(desktop.get_by_text("Hi, it's Ola: any news?")).to_have_count(0)  # dealt with: the list is empty again
    desktop.goto(live_app.url("/staff"))
    desktop.fill("#order-search", reference)
    desktop.locator(".order-row").first.click()
    expect(desktop.locator(".staff-message", has_text="any news?").locator(".by-text")).to_be_visible()


def test_a_customer_switches_texts_off_on_the_tracking_page(live_app, phone):
    from .test_foundation_e2e import open_verified
    from .test_quote_e2e import _new_quoted_order

    _reference, url = _new_quoted_order(live_app, "Switchley")
    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    from repair_portal.db import write_session
    from repair_portal.services import audit, sms_consent

    with write_session(engine) as s:
        customer = s.exec(select(Customer).where(Customer.last_name == "Switchley")).one()
        customer.phone = "+447400900666"
        sms_consent.set_consent(s, customer, True, "intake", audit.SYSTEM, wording=sms_consent.INTAKE_WORDING)
        customer_id = customer.id
    open_verified(phone, url, "switchley")
    card = phone.locator("#texts-card")
    expect(card).to_contain_text("0666")
    expect(phone.locator("#texts-switch")).to_have_attribute("data-state", "checked")
    axe.check(phone, "tracking page texts switch")
    shot(phone, "track-texts-switch-phone")
    phone.click("#texts-switch")
    expect(phone.locator("#texts-switch")).to_have_attribute("data-state", "unchecked")
    with session_scope(engine) as s:
        last = s.exec(
            select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id.desc())
        ).first()
        assert (last.granted, last.channel) == (False, "portal")
        assert s.get(Customer, customer_id).sms_updates is False
    engine.dispose()


def test_the_texts_settings_page_previews_a_text_as_it_is_typed(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/texts"))
    preview = desktop.locator("#text-order-booked-preview")
    expect(preview).to_contain_text("we've booked in your iPhone 13")
    expect(desktop.locator("#text-status")).to_contain_text("Twilio")  # this app's texts go to the stand-in
    shot(desktop, "staff-text-settings-desktop")
    box = desktop.get_by_label("Order booked in", exact=False).first
    box.fill("{shop_name}: booked in {reference} ✓ {link}")
    expect(desktop.get_by_text("UCS-2").first).to_be_visible()  # the tick isn't GSM-7: 70 characters a part
