"""Staff two-step sign-in and passkeys in a real browser: enrol TOTP on /staff/profile (codes computed
from the secret the page shows), sign in again through /staff/verify, a recovery code that works once,
and a passkey registered and used through Chromium's virtual authenticator (CDP WebAuthn domain).

Each test makes its own staff member through the services (the demo owner is other tests' account)."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import expect

from . import axe
from .conftest import shot

PASSWORD = "copper lantern over the quiet harbour"


def _in_app_db(app, work) -> None:
    from repair_portal.db import make_engine, write_session

    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as session:
        work(session)
    engine.dispose()


def _new_staff(app, email: str, name: str, role: str = "technician") -> None:
    from repair_portal.services.staff_auth import create_staff_user

    _in_app_db(app, lambda s: create_staff_user(s, email=email, name=name, password=PASSWORD, role=role))


def _require_totp_for(app, roles: str) -> None:
    from repair_portal.models import ShopSettings

    def change(session):
        shop = ShopSettings.current(session)
        shop.staff_mfa_roles = roles
        session.add(shop)

    _in_app_db(app, change)


def _password_step(page, app, email: str) -> None:
    page.goto(app.url("/staff/login"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")


def _sign_out(page) -> None:
    if page.locator("#sign-out").is_visible():
        page.click("#sign-out")
    else:  # a phone: the account block is in the menu
        page.click("#staff-menu")
        page.click("#menu-sign-out")
    expect(page).to_have_url(re.compile(r"/staff/login"))


def _enrol(page, app, label: str = "desktop", *, go: bool = True) -> tuple[str, list[str]]:
    """Turn TOTP on from the profile page; returns (secret as shown, the ten recovery codes shown)."""
    if go:
        page.goto(app.url("/staff/profile"))
    expect(page.locator("#totp-status")).to_have_text("Off")
    page.click("#totp-start")
    secret_box = page.locator("#totp-secret")
    expect(secret_box).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{4})+$"))
    expect(page.locator("#totp-qr")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    expect(page.locator("#totp-app-link")).to_have_attribute("href", re.compile(r"^otpauth://totp/"))
    secret = secret_box.inner_text().replace(" ", "")
    shot(page, f"staff-profile-totp-setup-{label}")
    _check(page, f"profile, setting up TOTP ({label})")
    page.fill("#totp-code", pyotp.TOTP(secret).now())
    page.click("#totp-confirm")
    codes_box = page.locator("#recovery-codes")
    expect(codes_box).to_have_text(re.compile(r"^([a-z2-9]{5}-[a-z2-9]{5}\s*){10}$"))
    codes = codes_box.inner_text().split()
    expect(page.locator("#totp-status")).to_have_text("On")
    return secret, codes


def _check(page, label: str) -> None:
    """axe on the page, once any toast is closed (the toaster's own colours are the whole app's matter)."""
    for close in page.locator("[data-sonner-toast] [data-close-button]").all():
        close.click()
    expect(page.locator("[data-sonner-toast]")).to_have_count(0)
    axe.check(page, label)


def _next_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: ±1 step), so no code is reused and no test waits."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_totp_then_sign_in_with_a_code_and_a_recovery_code_once(live_app, desktop, phone):
    email = "mfa.tess@example.com"
    _new_staff(live_app, email, "Mfa Tess")
    _password_step(desktop, live_app, email)
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    desktop.click("#profile-link")
    expect(desktop).to_have_url(re.compile(r"/staff/profile"))
    secret, codes = _enrol(desktop, live_app)
    assert len(codes) == 10
    shot(desktop, "staff-profile-recovery-codes-desktop")
    _check(desktop, "profile, recovery codes shown")
    desktop.click("#recovery-done")
    expect(desktop.locator("#recovery-codes")).to_have_count(0)
    expect(desktop.locator("#recovery-left")).to_have_text("10 recovery codes left.")
    shot(desktop, "staff-profile-desktop")
    _sign_out(desktop)

    # The password now opens only the second step; the board stays shut until the code.
    _password_step(desktop, live_app, email)
    expect(desktop).to_have_url(re.compile(r"/staff/verify"))
    expect(desktop.locator("#mfa-code")).to_be_visible()
    shot(desktop, "staff-verify-desktop")
    _check(desktop, "verify")
    desktop.goto(live_app.url("/staff"))
    expect(desktop).to_have_url(re.compile(r"/staff/verify"))
    desktop.fill("#mfa-code", "000000")
    desktop.click("#mfa-submit")
    expect(desktop.locator("#mfa-error")).to_contain_text("didn't work")
    _check(desktop, "verify, wrong code")
    desktop.fill("#mfa-code", _next_code(secret))
    desktop.click("#mfa-submit")
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    expect(desktop.locator("#staff-name")).to_have_text("Mfa Tess")
    expect(desktop.locator(".order-row").first).to_be_visible()

    # On a phone: a recovery code instead of the app, once.
    _password_step(phone, live_app, email)
    expect(phone).to_have_url(re.compile(r"/staff/verify"))
    expect(phone.locator("#mfa-code")).to_be_visible()
    shot(phone, "staff-verify-phone")
    _check(phone, "verify")
    phone.fill("#mfa-code", codes[0].upper())
    phone.click("#mfa-submit")
    expect(phone).to_have_url(re.compile(r"/staff/?$"))
    phone.click("#staff-menu")
    phone.click("#menu-profile-link")
    expect(phone).to_have_url(re.compile(r"/staff/profile"))
    expect(phone.locator("#recovery-left")).to_have_text("9 recovery codes left.")
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll on a phone: {width}"
    shot(phone, "staff-profile-phone")
    _check(phone, "profile")
    _sign_out(phone)
    _password_step(phone, live_app, email)
    expect(phone).to_have_url(re.compile(r"/staff/verify"))
    phone.fill("#mfa-code", codes[0])
    phone.click("#mfa-submit")
    expect(phone.locator("#mfa-error")).to_contain_text("didn't work")
    expect(phone).to_have_url(re.compile(r"/staff/verify"))


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_passkey_added_on_the_profile_signs_in_without_the_password(live_app, desktop):
    email = "passkey.pat@example.com"
    _new_staff(live_app, email, "Passkey Pat")
    _virtual_authenticator(desktop)
    _password_step(desktop, live_app, email)
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    desktop.goto(live_app.url("/staff/profile"))
    expect(desktop.locator("#passkeys-empty")).to_be_visible()
    desktop.fill("#passkey-name", "Test laptop")
    desktop.click("#passkey-add")
    expect(desktop.locator(".passkey-row")).to_have_count(1)
    expect(desktop.locator(".passkey-row")).to_contain_text("Test laptop")
    expect(desktop.locator(".passkey-row")).to_contain_text("Not used yet")
    shot(desktop, "staff-profile-passkey-desktop")
    _check(desktop, "profile with a passkey")
    _sign_out(desktop)

    desktop.click("#passkey-sign-in")
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    expect(desktop.locator("#staff-name")).to_have_text("Passkey Pat")
    desktop.goto(live_app.url("/staff/profile"))
    expect(desktop.locator(".passkey-row")).not_to_contain_text("Not used yet")
    _sign_out(desktop)

    # Twice: the authenticator's counter moved on, and a new challenge was needed.
    desktop.click("#passkey-sign-in")
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    expect(desktop.locator("#staff-name")).to_have_text("Passkey Pat")


def test_passkey_sign_in_without_a_passkey_says_so(live_app, desktop):
    _virtual_authenticator(desktop)  # an authenticator that holds nothing for this site
    desktop.goto(live_app.url("/staff/login"))
    desktop.click("#passkey-sign-in")
    expect(desktop.locator("#login-error")).to_be_visible(timeout=60_000)
    expect(desktop).to_have_url(re.compile(r"/staff/login"))
    expect(desktop.locator("#passkey-sign-in")).to_be_enabled()
    shot(desktop, "staff-login-passkey-refused-desktop")
    _check(desktop, "sign-in, passkey refused")


def test_a_role_that_must_use_totp_sets_it_up_before_anything_else(live_app, phone):
    email = "desk.dana@example.com"
    _new_staff(live_app, email, "Desk Dana", role="front_desk")
    _require_totp_for(live_app, "front_desk")
    try:
        _password_step(phone, live_app, email)
        expect(phone).to_have_url(re.compile(r"/staff/profile"))
        expect(phone.locator("#must-enrol")).to_be_visible()
        expect(phone.locator("#passkey-section")).to_have_count(0)  # nothing but the enrolment meanwhile
        shot(phone, "staff-profile-must-enrol-phone")
        _check(phone, "profile, must set up TOTP")
        phone.goto(live_app.url("/staff/customers"))
        expect(phone).to_have_url(re.compile(r"/staff/profile"))
        expect(phone.locator("#totp-start")).to_be_visible()
        _, codes = _enrol(phone, live_app, "phone", go=False)
        assert len(codes) == 10
        expect(phone.locator("#must-enrol")).to_have_count(0)
        expect(phone.locator("#totp-required-note")).to_be_visible()  # it can't be turned off
        phone.click("#recovery-continue")
        expect(phone).to_have_url(re.compile(r"/staff/?$"))
        expect(phone.locator(".order-row").first).to_be_visible()
    finally:
        _require_totp_for(live_app, "")  # the demo shop's other staff (other tests) are not asked
