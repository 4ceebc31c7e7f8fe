"""Order details edited by two staff at once, the activity trail, view-as-customer and the live board."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, shot
from .helpers import shown_tracking_url
from .test_backoffice_e2e import _book_in
from .test_foundation_e2e import _sign_in, open_verified


@pytest.fixture
def second_desk(browser):
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def _edit_internal_note(page, text: str) -> None:
    page.click("#edit-open")
    page.fill("#edit-internal_note", text)
    page.click("#edit-save")


def test_two_staff_edit_the_same_note_and_the_second_gets_a_conflict(live_app, desktop, second_desk, phone):
    order_url = _book_in(desktop, live_app, "Okafor", "okafor@example.com")
    tracking_url = shown_tracking_url(desktop)
    _sign_in(second_desk, live_app)
    expect(second_desk.locator(".order-row").first).to_be_visible()
    second_desk.goto(order_url)
    expect(second_desk.locator("#current-stage")).to_have_text("Booked in")
    open_verified(phone, tracking_url, "Okafor")

    desktop.click("#edit-open")
    second_desk.click("#edit-open")
    desktop.fill("#edit-internal_note", "Board has liquid damage near the charging port")
    desktop.fill("#edit-public_note", "We are checking the charging port; no action needed from you.")
    desktop.click("#edit-save")
    expect(desktop.locator("#view-internal-note")).to_contain_text("liquid damage")
    # the customer's open page shows the public note without a refresh; never the internal one
    expect(phone.locator("#public-note")).to_contain_text("charging port", timeout=10_000)
    expect(phone.get_by_text("liquid damage")).to_have_count(0)

    second_desk.fill("#edit-internal_note", "Customer asked for a call before any repair")
    second_desk.click("#edit-save")
    conflict = second_desk.locator("#edit-conflict")
    expect(conflict).to_contain_text("internal note")
    expect(conflict).to_contain_text("liquid damage")  # their version, shown to copy from
    expect(second_desk.locator("#edit-internal_note")).to_have_value("Customer asked for a call before any repair")
    shot(second_desk, "staff-order-conflict-desktop")
    # nothing was overwritten
    desktop.reload()
    expect(desktop.locator("#view-internal-note")).to_contain_text("liquid damage")
    # the activity trail names who changed what
    expect(desktop.locator("#order-activity")).to_contain_text("Changed note for the customer, internal note")


def test_view_as_customer_is_read_only_and_leaves_the_customer_unverified(live_app, desktop, phone):
    _book_in(desktop, live_app, "Lindqvist", "lindqvist@example.com")
    tracking_url = shown_tracking_url(desktop)
    with desktop.context.expect_page() as popup:
        desktop.click("#view-as-customer")
    preview = popup.value
    expect(preview.locator("#preview-banner")).to_be_visible()
    expect(preview.locator("#stage-label")).to_have_text("Booked in")
    preview.click("#tab-messages")
    expect(preview.locator("#tab-messages")).to_have_attribute("data-state", "active")
    expect(preview.locator("#message-send")).to_be_disabled()
    preview.set_viewport_size({"width": 1024, "height": 768})
    shot(preview, "portal-staff-preview-1024")
    preview.close()
    # the customer's own browser still has to pass the last-name check
    phone.goto(tracking_url)
    expect(phone.locator("#last-name")).to_be_visible()


def test_the_board_filters_and_updates_live(live_app, desktop, second_desk):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.fill("#order-search", "07400 900999")  # the phone number _book_in uses, typed as a customer says it
    before = desktop.locator("#page-label").inner_text() if desktop.locator(".order-row").count() else "No orders"

    _book_in(second_desk, live_app, "Fairweather", "fairweather@example.com")
    expect(desktop.locator(".order-row", has_text="Fairweather")).to_be_visible(timeout=10_000)  # arrived live
    assert desktop.locator("#page-label").inner_text() != before

    desktop.fill("#order-search", "")
    desktop.locator(".stage-tile", has_text="Collected").click()
    expect(desktop.locator(".order-row").first).to_contain_text("Collected")
    expect(desktop.locator(".order-row", has_text="Booked in")).to_have_count(0)
    shot(desktop, "staff-board-filtered-desktop")
    desktop.set_viewport_size({"width": 1024, "height": 768})
    shot(desktop, "staff-board-1024")
    desktop.click("#filter-clear")
    expect(desktop.locator(".order-row", has_text="Booked in").first).to_be_visible()
