"""Settings in the real app: workflow labels and shop settings reach the portal; staff invitations work end to end."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import shot
from .test_foundation_e2e import _sign_in, demo_links, open_verified


def _stage_row(page, name: str):
    return page.locator(".workflow-row", has=page.get_by_text(name, exact=True))


def _set_customer_label(page, stage: str, label: str) -> None:
    _stage_row(page, stage).locator("[id^=stage-edit-]").click()
    page.fill("#stage-label", label)
    page.click("#stage-save")
    expect(_stage_row(page, stage)).to_contain_text(label)


def test_a_renamed_customer_label_shows_on_the_open_portal(live_app, desktop, phone):
    _, _, last_name, url = next(link for link in demo_links(live_app) if link[1] == "Diagnosing")
    open_verified(phone, url, last_name)
    expect(phone.locator("#stage-label")).to_have_text("Diagnosing")
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/workflow"))
    expect(desktop.locator("#workflow-table")).to_be_visible()
    shot(desktop, "staff-workflow-desktop")
    try:
        _set_customer_label(desktop, "Diagnosing", "Finding the fault")
        phone.reload()
        expect(phone.locator("#stage-label")).to_have_text("Finding the fault")
    finally:
        _set_customer_label(desktop, "Diagnosing", "Diagnosing")


def test_owner_invites_a_technician_who_sets_a_password_and_signs_in(live_app, desktop, browser):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/staff"))
    desktop.click("#invite-open")
    desktop.fill("#invite-name", "Nadia Haddad")
    desktop.fill("#invite-email", "nadia@example.com")
    desktop.click("#invite-submit")
    link = desktop.locator("#issued-link")
    expect(link).to_contain_text("/staff/set-password/")
    shot(desktop, "staff-users-desktop")
    path = "/staff/set-password/" + link.inner_text().rsplit("/staff/set-password/", 1)[1].strip()

    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.goto(live_app.url(path))
        expect(page.locator("#set-password-account")).to_contain_text("nadia@example.com")
        shot(page, "staff-set-password-1024")
        page.fill("#new-password", "NADIA@example.com")  # long enough, but it's the email
        page.fill("#confirm-password", "NADIA@example.com")
        page.click("#set-password-submit")
        expect(page.locator("#new-password-error")).to_be_visible()
        page.fill("#new-password", "lantern orchard velvet 93")
        page.fill("#confirm-password", "lantern orchard velvet 93")
        page.click("#set-password-submit")
        expect(page.locator("#set-password-done")).to_be_visible()
        # the link is single-use
        page.goto(live_app.url(path))
        expect(page.locator("#set-password-invalid")).to_be_visible()
        page.goto(live_app.url("/staff/login"))
        page.fill("#email", "nadia@example.com")
        page.fill("#password", "lantern orchard velvet 93")
        page.click("#sign-in")
        expect(page.locator("#staff-name")).to_have_text("Nadia Haddad")
        # a technician sees no settings in the sidebar, and the pages send them back
        expect(page.get_by_role("link", name="Workflow")).to_have_count(0)
        page.goto(live_app.url("/staff/settings/staff"))
        expect(page).to_have_url(re.compile(r"/staff$"))
    finally:
        context.close()


def _save_shop(page) -> None:
    page.click("#shop-save")
    expect(page.get_by_text("Saved").first).to_be_visible()


def test_shop_settings_change_what_the_portal_shows(live_app, desktop, phone):
    ready = next(link for link in demo_links(live_app) if link[1] == "Repair in progress")  # not the locked one
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/shop"))
    expect(desktop.locator("#shop-name")).to_be_visible()
    shot(desktop, "staff-shop-settings-desktop")
    desktop.set_viewport_size({"width": 1024, "height": 768})
    shot(desktop, "staff-shop-settings-1024")
    original_welcome = desktop.locator("#shop-welcome").input_value()
    try:
        desktop.fill("#shop-welcome", "Closed on Monday 1 December for stocktaking.")
        desktop.click("#shop-show-payments")  # switch payments off
        _save_shop(desktop)
        open_verified(phone, ready[3], ready[2])
        expect(phone.get_by_text("Closed on Monday 1 December for stocktaking.")).to_be_visible()
        expect(phone.locator("#balance-due")).to_have_count(0)
        shot(phone, "portal-settings-applied-phone")
    finally:
        desktop.fill("#shop-welcome", original_welcome)
        desktop.click("#shop-show-payments")
        _save_shop(desktop)
    phone.reload()
    expect(phone.locator("#balance-due")).to_be_visible()


def test_new_back_office_pages_at_1440_and_1024(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    pages = {
        "customers": ("/staff/customers", "#customers-table"),
        "locations": ("/staff/settings/locations", "#loc-list"),
        "workflow": ("/staff/settings/workflow", "#workflow-table"),
        "staff-users": ("/staff/settings/staff", "#staff-table"),
    }
    for name, (path, ready) in pages.items():
        for width, height in ((1440, 900), (1024, 768)):
            desktop.set_viewport_size({"width": width, "height": height})
            desktop.goto(live_app.url(path))
            expect(desktop.locator(ready)).to_be_visible()
            overflow = desktop.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width}px"
            shot(desktop, f"staff-{name}-{width}")
    desktop.set_viewport_size({"width": 1440, "height": 900})
    desktop.goto(live_app.url("/staff/customers"))
    desktop.fill("#customer-search", "07700")
    desktop.locator(".customer-link").first.click()
    expect(desktop.locator("#customer-orders-table")).to_be_visible()
    shot(desktop, "staff-customer-detail-desktop")
