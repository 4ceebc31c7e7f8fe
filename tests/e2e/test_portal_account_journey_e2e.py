"""Customer accounts, the whole way (issue "Customer accounts", done when): staff invite a business
customer's contact in bulk; the contact opens the emailed link on their phone, chooses a password, sets up
the authenticator app the account requires, lands on their account, adds a passkey and later signs in with
it alone; staff look at the account through "View as this user" (read only)."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import AuditEvent, Customer, PortalUser

from . import axe
from .conftest import PHONE, shot
from .test_foundation_e2e import _sign_in
from .test_portal_signin_e2e import NEW_PASSWORD, _emailed_link
from .test_staff_mfa_e2e import _virtual_authenticator

SURNAME = "Quillfeather"


def _account(app) -> int:
    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        customer = Customer(
            first_name="Nell", last_name=SURNAME, email="nell.quillfeather@example.com", company="Quill Couriers"
        )
        s.add(customer)
        s.flush()
        found = customer.id
    engine.dispose()
    return found


def test_invited_in_bulk_then_password_totp_passkey_and_a_staff_preview(live_app, desktop, browser):
    account_id = _account(live_app)
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/customers"))
    desktop.fill("#customer-search", SURNAME)
    expect(desktop.locator(".customer-row")).to_have_count(1)
    desktop.click(f"#customer-select-{account_id}")
    desktop.click("#bulk-open")
    desktop.click("#bulk-mfa")  # two-step sign-in required
    desktop.click("#bulk-send")
    expect(desktop.locator("#bulk-result-text")).to_have_text("Invited 1 customer.")

    # The contact, on their phone: the invitation link → a password → the authenticator app.
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(_emailed_link(live_app, "nell.quillfeather@example.com", "/portal/set-password/"))
    expect(phone.locator("#set-password-account")).to_contain_text("nell.quillfeather@example.com")
    phone.fill("#new-password", NEW_PASSWORD)
    phone.fill("#confirm-password", NEW_PASSWORD)
    phone.click("#set-password-submit")
    expect(phone).to_have_url(re.compile(r"/portal/verify"))
    expect(phone.locator("#totp-secret")).to_have_text(re.compile(r"^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$"))
    secret = phone.locator("#totp-secret").inner_text().replace(" ", "")
    phone.fill("#enrol-code", pyotp.TOTP(secret).now())
    phone.click("#enrol-submit")
    expect(phone.locator("#recovery-codes li")).to_have_count(10)
    phone.click("#verify-continue")
    expect(phone).to_have_url(re.compile(r"/portal/?$"))
    expect(phone.locator("#account-name")).to_have_text("Quill Couriers")
    expect(phone.locator("#account-nav")).to_be_visible()
    shot(phone, "portal-account-landing-phone")

    # A passkey on this phone, then signing in with it alone (both steps at once).
    _virtual_authenticator(phone)
    phone.click("#account-security")
    expect(phone.locator("#passkeys-empty")).to_be_visible()
    phone.fill("#passkey-name", "Nell's phone")
    phone.click("#passkey-add")
    expect(phone.locator(".passkey-row")).to_have_count(1)
    expect(phone.locator(".passkey-row")).to_contain_text("Not used yet")
    axe.check(phone, "portal security with a passkey")
    shot(phone, "portal-security-passkey-phone")
    phone.click("#portal-sign-out")
    expect(phone).to_have_url(re.compile(r"/portal/sign-in"))
    expect(phone.locator("#sign-in-notice")).to_contain_text("signed out")  # the page is live: its loader ran
    phone.click("#passkey-sign-in")
    expect(phone).to_have_url(re.compile(r"/portal/?$"))
    expect(phone.locator("#account-name")).to_have_text("Quill Couriers")
    context.close()

    # Staff: "View as this user" opens the account read only, in a new tab, and is audited.
    desktop.goto(live_app.url(f"/staff/customers/{account_id}"))
    card = desktop.locator("#portal-access")
    expect(card.locator(".portal-user")).to_have_count(1)
    with desktop.context.expect_page() as opened:
        card.locator("[id^=portal-user-view-as-]").click()
    preview = opened.value
    expect(preview.locator("#preview-banner")).to_contain_text("Nothing can be changed here")
    expect(preview.locator("#account-name")).to_have_text("Quill Couriers")
    shot(preview, "portal-staff-preview-desktop")
    preview.click("#account-security")
    preview.click("#passkey-add")  # refused: a preview changes nothing
    expect(preview.locator("li[data-sonner-toast]")).to_contain_text("staff preview")
    preview.click("#end-preview")
    expect(preview).to_have_url(re.compile(rf"/staff/customers/{account_id}/?$"))

    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as s:
        user = s.exec(select(PortalUser).where(PortalUser.customer_id == account_id)).one()
        assert user.require_mfa and user.totp_enabled_at is not None and user.password_hash
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("portal.%"))).all()]
    engine.dispose()
    assert "portal.preview_started" in actions and "portal.passkey.added" in actions
