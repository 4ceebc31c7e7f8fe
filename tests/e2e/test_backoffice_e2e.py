"""Booking in, the order page, printing and email status, template settings: the real app in Chromium."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .conftest import shot
from .helpers import refresh_until_visible, shown_tracking_url, wait_until_live
from .test_foundation_e2e import _sign_in, open_verified


def _book_in(page, app, last_name: str, email: str) -> str:
    _sign_in(page, app)
    expect(page.locator(".order-row").first).to_be_visible()
    page.click("#new-order")
    expect(page.locator("#f-last_name")).to_be_visible()
    page.fill("#f-first_name", "Łucja")
    page.fill("#f-last_name", last_name)
    page.fill("#f-phone", "07400 900999")  # a valid UK mobile number (07700 900xxx is fictional)
    page.fill("#f-email", email)
    page.fill("#f-make", "Apple")
    page.fill("#f-model", "iPhone 15 Pro")
    page.fill("#f-serial", "356789012345678")
    page.fill("#f-problem", "Dropped it; the screen is black but it vibrates")
    page.fill("#f-intake_condition", "Dent on the bottom-left corner")
    page.fill("#f-promised_date", "2026-12-04")
    page.click("#f-location_id")
    page.get_by_role("option", name="FixPoint Islington").click()
    shot(page, "staff-intake-desktop")
    page.click("#book-in")
    expect(page).to_have_url(re.compile(r"/staff/orders/\d+$"), timeout=20_000)
    expect(page.locator("#current-stage")).to_have_text("Booked in")
    return page.url


def test_front_desk_books_in_a_repair_and_the_customer_email_is_queued(live_app, desktop):
    order_url = _book_in(desktop, live_app, "Kowalska", "lucja.kowalska@example.com")
    expect(desktop.get_by_text("Order booked in").first).to_be_visible()
    # the delivery loop runs every 2 s in the app; without SendGrid the message lands in the outbox
    refresh_until_visible(desktop, "text=Refresh", desktop.get_by_text("In outbox (email not set up)"))
    assert "lucja.kowalska@example.com" in desktop.locator(".email-row").first.inner_text()
    tracking_url = shown_tracking_url(desktop)
    assert tracking_url.startswith(live_app.base_url + "/track/")
    # the printed ticket carries a QR code of exactly this link
    response = desktop.request.get(order_url.replace("/staff/orders/", "/api/staff/orders/") + "/qr.png")
    assert response.status == 200
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.body())))
    assert [d.text for d in decoded] == [tracking_url]
    ticket = desktop.request.get(order_url.replace("/staff/orders/", "/api/staff/orders/") + "/ticket.pdf?layout=a4")
    assert ticket.status == 200 and ticket.body().startswith(b"%PDF")
    shot(desktop, "staff-order-desktop")


def test_moving_the_stage_records_history_and_the_portal_follows(live_app, desktop, phone):
    _book_in(desktop, live_app, "Brennan", "")
    tracking_url = shown_tracking_url(desktop)
    desktop.click("#stage-select")
    desktop.get_by_role("option", name="Diagnosing").click()
    desktop.click("#stage-submit")
    expect(desktop.locator("#current-stage")).to_have_text("Diagnosing")
    expect(desktop.get_by_text("Diagnosing").nth(1)).to_be_visible()
    open_verified(phone, tracking_url, "brennan")
    expect(phone.locator("#stage-label")).to_have_text("Diagnosing")
    phone.click("#show-qr")
    qr = phone.locator("#portal-qr")
    expect(qr).to_be_visible()
    phone.wait_for_function("document.querySelector('#portal-qr').naturalWidth > 0")
    shot(phone, "track-qr-phone")


def test_staff_pages_for_orders_refuse_anonymous_visitors(live_app, browser):
    context = browser.new_context()
    response = context.request.get(live_app.url("/api/staff/orders/1/ticket.pdf"))
    assert response.status == 401
    page = context.new_page()
    page.goto(live_app.url("/staff/orders/1"))
    expect(page).to_have_url(re.compile(r"/staff/login"))
    context.close()


def test_owner_edits_an_email_subject_and_sees_the_preview(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/emails"))
    expect(desktop.locator("#tpl-subject")).to_have_value(re.compile(r"booked in"))
    desktop.fill("#tpl-subject", "Your {device} is with us — {reference}")
    desktop.click("#tpl-save")
    expect(desktop.locator("#preview-subject")).to_have_text(re.compile(r"^Your .+ is with us — R-\d+$"))
    shot(desktop, "staff-email-settings-desktop")
    desktop.reload()
    expect(desktop.locator("#tpl-subject")).to_have_value("Your {device} is with us — {reference}")


def test_staff_build_and_send_a_quote_and_the_open_portal_shows_it(live_app, desktop, phone):
    _book_in(desktop, live_app, "Haddad", "haddad@example.com")
    tracking_url = shown_tracking_url(desktop)
    open_verified(phone, tracking_url + "?tab=quote", "Haddad")
    expect(phone.get_by_text("your quote appears here")).to_be_visible()
    wait_until_live(phone)

    desktop.click("#quote-open")
    desktop.locator(".q-desc input, input.q-desc").first.fill("Replacement screen")
    desktop.locator(".q-price input, input.q-price").first.fill("120")
    desktop.click("#quote-add-line")
    desktop.locator(".q-desc input, input.q-desc").nth(1).fill("Screen protector")
    desktop.locator(".q-price input, input.q-price").nth(1).fill("abc")
    desktop.click("#quote-send")
    expect(desktop.locator("#quote-form-error")).to_contain_text("isn't an amount")
    desktop.locator(".q-price input, input.q-price").nth(1).fill("9.99")
    desktop.locator(".q-optional").nth(1).click()
    desktop.click("#quote-send")
    expect(desktop.locator("#staff-quote-summary")).to_contain_text("Version 1, total £155.99: sent")
    expect(desktop.locator("#current-stage")).to_have_text("Awaiting approval")
    expect(desktop.get_by_text("Quote ready for approval").first).to_be_visible()
    shot(desktop, "staff-order-quote-desktop")

    expect(phone.locator("#quote-total")).to_have_text("£155.99", timeout=10_000)  # arrived live
    expect(phone.locator(".quote-line")).to_have_count(2)
    expect(phone.locator("#stage-label")).to_have_text("Waiting for your approval")

    # a deposit at the counter: the customer's open page shows it without a refresh
    phone.click("#tab-status")
    expect(phone.locator("#balance-due")).to_have_text("£155.99")
    desktop.fill("#pay-amount", "50")
    desktop.click("#pay-submit")
    expect(desktop.locator("#staff-money")).to_contain_text("balance £105.99")
    expect(phone.locator("#balance-due")).to_have_text("£105.99", timeout=10_000)
    desktop.fill("#pay-amount", "10")
    desktop.click("#pay-refund")
    desktop.click("#pay-submit")
    expect(desktop.locator("#pay-error")).to_contain_text("reason")  # refunds need a reason

    # a photo marked visible: it appears on the customer's Photos tab, served through the authorising route
    photo = live_app.data_dir.parent / "bench-photo.jpg"
    Image.new("RGB", (800, 600), "steelblue").save(photo, format="JPEG")
    desktop.locator("#order-files input[type=file]").set_input_files(str(photo))
    desktop.click("#upload-submit")
    expect(desktop.locator(".staff-file")).to_contain_text("bench-photo")
    phone.click("#tab-documents")
    expect(phone.locator(".portal-photo")).to_have_count(1, timeout=10_000)
    src = phone.locator(".portal-photo img").get_attribute("src")
    assert phone.request.get(live_app.url(src)).headers["content-type"] == "image/jpeg"


def test_a_returning_customer_is_booked_in_from_their_record(live_app, desktop):
    """The counter's walk-in flow with a returning customer; its duration is printed (not asserted)."""
    import time

    from repair_portal.db import make_engine, write_session
    from repair_portal.models import Customer

    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        s.add(Customer(first_name="Oskar", last_name="Returning", phone="+447700900555", email="oskar@example.com"))
    engine.dispose()
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    started = time.perf_counter()
    desktop.click("#new-order")
    expect(desktop.locator("#f-phone")).to_be_visible()
    desktop.fill("#f-phone", "07700 900555")
    desktop.locator("#f-phone").blur()
    desktop.click("#use-match")
    expect(desktop.locator("#f-last_name")).to_have_value("Returning")
    expect(desktop.locator("#f-email")).to_have_value("oskar@example.com")
    desktop.fill("#f-make", "Google")
    desktop.fill("#f-model", "Pixel 7")
    desktop.fill("#f-problem", "Battery drains by lunchtime")
    desktop.get_by_role("checkbox", name="Powers on").click()  # the shop's checklist
    desktop.get_by_role("checkbox", name="Screen cracked").click()
    desktop.fill("#f-accessories", "Blue case")
    desktop.fill("#f-passcode", "271828")
    desktop.fill("#f-deposit", "20")
    expect(desktop.locator("#f-location_id")).not_to_have_text("Choose…")  # a location is preselected
    desktop.click("#book-in")
    expect(desktop).to_have_url(re.compile(r"/staff/orders/\d+$"), timeout=20_000)
    expect(desktop.locator("body")).to_contain_text("Oskar Returning")
    print(f"\nwalk-in booking with a returning customer: {time.perf_counter() - started:.2f} s (scripted)")
    checks = desktop.locator("#intake-checks")
    expect(checks).to_contain_text("Powers on (yes)")
    expect(checks).to_contain_text("Touch works (no)")
    expect(desktop.locator("#order-accessories")).to_have_text("Blue case")
    expect(desktop.locator("body")).to_contain_text("£20.00")  # the deposit, as a payment
    expect(desktop.locator("#passcode-value")).to_have_text("")  # hidden until revealed
    desktop.click("#passcode-reveal")
    expect(desktop.locator("#passcode-value")).to_have_text("271828")
    desktop.click("#passcode-hide")
    expect(desktop.locator("#passcode-value")).to_have_text("")
