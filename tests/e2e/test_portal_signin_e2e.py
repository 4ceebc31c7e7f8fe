"""Customer accounts in a real browser: signing in at /portal by emailed link (read from the outbox) and
by password with TOTP (codes computed with pyotp), enrolling when the account requires it, a reset link,
the lockout after wrong passwords, and signing out."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from ..portal_factories import PORTAL_PASSWORD, code_at, portal_user
from . import axe
from .conftest import DESKTOP, PHONE, shot
from .helpers import wait_until_ready

NEW_PASSWORD = "violet kettle under the bridge"


@contextmanager
def _database(app):
    from repair_portal.db import make_engine, write_session

    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    try:
        with write_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _user(app, email: str, **kw) -> int:
    with _database(app) as s:
        return portal_user(s, email=email, name=kw.pop("name", "Pat Quay"), **kw).id


def _enrol(app, user_id: int) -> tuple[str, int, list[str]]:
    """TOTP switched on through the service, as the security page does: (secret, the step used, codes)."""
    from repair_portal.integrations.vault import load_key
    from repair_portal.services import audit, portal_mfa

    key = load_key(app.data_dir)  # bootstrap created it
    with _database(app) as s:
        enrolment = portal_mfa.start_enrolment(s, key, user_id)
    step = portal_mfa.current_step()
    with _database(app) as s:
        outcome = portal_mfa.confirm_enrolment(s, key, user_id, code_at(enrolment.secret, step), audit.SYSTEM)
    assert outcome.ok, outcome.error
    return enrolment.secret, step, list(outcome.codes)


def _emailed_link(app, email: str, marker: str) -> str:
    """The link in the newest email to `email` (the outbox is the default mail backend)."""
    from repair_portal.models import OutboxMessage

    with _database(app) as s:
        row = s.exec(
            select(OutboxMessage).where(OutboxMessage.to_email == email).order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None, f"no email to {email}"
        found = re.search(r"(https?://\S+" + re.escape(marker) + r"[A-Za-z0-9_-]+)", row.text_body)
    assert found, row.text_body
    return found.group(1)


def _password_sign_in(page, app, email: str, password: str = PORTAL_PASSWORD) -> None:
    page.goto(app.url("/portal/sign-in?tab=password"))
    wait_until_ready(page)
    page.fill("#password-email", email)
    page.fill("#password", password)
    page.click("#password-submit")


def test_an_emailed_link_signs_in_once(live_app, desktop, browser):
    _user(live_app, "link@e2e.test", name="Lina Link")
    desktop.goto(live_app.url("/portal/sign-in"))
    expect(desktop.locator("h1")).to_have_text("Sign in to your account")
    wait_until_ready(desktop)
    desktop.fill("#link-email", "link@e2e.test")
    desktop.click("#link-submit")
    expect(desktop.locator("#sign-in-notice")).to_contain_text("If that address has access, a link is on its way")
    # An address without access gets the very same words.
    desktop.fill("#link-email", "nobody-at-all@e2e.test")
    desktop.click("#link-submit")
    expect(desktop.locator("#link-submit")).to_be_enabled()
    expect(desktop.locator("#sign-in-notice")).to_contain_text("If that address has access, a link is on its way")

    link = _emailed_link(live_app, "link@e2e.test", "/api/portal/magic/")
    desktop.goto(link)  # opening it spends nothing (mail scanners open links): one button does
    expect(desktop.locator("#magic-continue")).to_be_visible()
    shot(desktop, "portal-magic-link-desktop")
    desktop.click("#magic-continue")
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    expect(desktop.locator("#account-user")).to_contain_text("Lina Link")
    assert next(c for c in desktop.context.cookies() if c["name"] == "rp_portal_session")["httpOnly"]

    other = browser.new_context(**DESKTOP)
    page = other.new_page()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/portal/sign-in/?\?error=link"))
    expect(page.locator("#sign-in-error")).to_contain_text("expired or was already used")
    other.close()


def test_password_and_a_code_from_the_app_then_sign_out(live_app, phone):
    user_id = _user(live_app, "totp@e2e.test", name="Tom Totp")
    secret, step, codes = _enrol(live_app, user_id)
    _password_sign_in(phone, live_app, "totp@e2e.test")
    expect(phone).to_have_url(re.compile(r"/portal/verify"))
    expect(phone.locator("#verify-user")).to_contain_text("Tom Totp")
    phone.fill("#verify-code", "000000")
    phone.click("#verify-submit")
    expect(phone.locator("#verify-code-error")).to_contain_text("didn't work")
    phone.fill("#verify-code", code_at(secret, step + 1))  # the enrolment spent `step`; the window allows +1
    phone.click("#verify-submit")
    expect(phone).to_have_url(re.compile(r"/portal/?$"))
    expect(phone.locator("#account-user")).to_contain_text("Tom Totp")
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll on a phone: {width}"

    phone.click("#portal-sign-out")
    expect(phone).to_have_url(re.compile(r"/portal/sign-in"))
    expect(phone.locator("#sign-in-notice")).to_have_text("You're signed out.")
    phone.goto(live_app.url("/portal"))
    expect(phone).to_have_url(re.compile(r"/portal/sign-in"))

    # Lost phone: a recovery code instead, once.
    _password_sign_in(phone, live_app, "totp@e2e.test")
    expect(phone).to_have_url(re.compile(r"/portal/verify"))
    phone.click("#verify-toggle-recovery")
    expect(phone.locator("label[for=verify-code]")).to_have_text("Recovery code")
    phone.fill("#verify-code", codes[0])
    phone.click("#verify-submit")
    expect(phone).to_have_url(re.compile(r"/portal/?$"))


def test_an_account_that_requires_two_step_sign_in_enrols_after_the_password(live_app, desktop):
    _user(live_app, "strict@e2e.test", name="Sam Strict", require_mfa=True)
    _password_sign_in(desktop, live_app, "strict@e2e.test")
    expect(desktop).to_have_url(re.compile(r"/portal/verify"))
    expect(desktop.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(desktop.locator("#totp-qr")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    expect(desktop.locator("#totp-secret")).to_have_text(re.compile(r"^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$"))
    axe.check(desktop, "portal second step (set up)")
    shot(desktop, "portal-verify-enrol-desktop")
    desktop.goto(live_app.url("/portal"))  # the account waits until the second step is done
    expect(desktop).to_have_url(re.compile(r"/portal/verify"))
    expect(desktop.locator("#totp-secret")).to_have_text(re.compile(r"^[A-Z2-7 ]{39}$"))
    secret = desktop.locator("#totp-secret").inner_text().replace(" ", "")
    import pyotp

    desktop.fill("#enrol-code", pyotp.TOTP(secret).now())
    desktop.click("#enrol-submit")
    expect(desktop.locator("#recovery-codes li")).to_have_count(10)
    expect(desktop.locator("#recovery-codes li").first).to_have_text(re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$"))
    axe.check(desktop, "portal recovery codes")
    shot(desktop, "portal-recovery-codes-desktop")
    desktop.click("#verify-continue")
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    expect(desktop.locator("#account-user")).to_contain_text("Sam Strict")
    desktop.click("#account-security")
    expect(desktop.locator("#totp-status")).to_have_text("On")
    expect(desktop.locator("#codes-left")).to_have_text("10")
    axe.check(desktop, "portal security")
    shot(desktop, "portal-security-desktop")


def test_forgot_password_sends_a_link_that_sets_it_and_signs_in(live_app, desktop):
    _user(live_app, "forgot@e2e.test", name="Fay Forgot")
    desktop.goto(live_app.url("/portal/sign-in"))
    wait_until_ready(desktop)  # a tab clicked before the page's state arrives is switched back
    desktop.click("#tab-password")
    desktop.click("#forgot-open")
    desktop.fill("#reset-email", "forgot@e2e.test")
    desktop.click("#reset-submit")
    expect(desktop.locator("#sign-in-notice")).to_contain_text("choose a new password is on its way")
    desktop.goto(_emailed_link(live_app, "forgot@e2e.test", "/portal/set-password/"))
    expect(desktop.locator("#set-password-account")).to_contain_text("forgot@e2e.test")
    axe.check(desktop, "portal choose a password")
    shot(desktop, "portal-set-password-desktop")
    desktop.fill("#new-password", "password1234")
    desktop.fill("#confirm-password", "password1234")
    desktop.click("#set-password-submit")
    expect(desktop.locator("#new-password-error")).to_contain_text("too common")
    desktop.fill("#new-password", NEW_PASSWORD)
    desktop.fill("#confirm-password", NEW_PASSWORD)
    desktop.click("#set-password-submit")
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    expect(desktop.locator("#account-user")).to_contain_text("Fay Forgot")


def test_wrong_passwords_lock_the_account_and_say_so(live_app, desktop):
    _user(live_app, "locked@e2e.test")
    for _ in range(5):
        _password_sign_in(desktop, live_app, "locked@e2e.test", "not the right password")
        expect(desktop.locator("#sign-in-error")).to_contain_text("don't match an account with access")
        expect(desktop.locator("#password-form")).to_be_visible()
    _password_sign_in(desktop, live_app, "locked@e2e.test")  # even the right one, for now
    expect(desktop.locator("#sign-in-error")).to_contain_text(re.compile(r"Too many failed sign-ins. Try again in \d+"))
    desktop.goto(live_app.url("/portal"))
    expect(desktop).to_have_url(re.compile(r"/portal/sign-in"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_sign_in_and_second_step_pages_pass_axe(live_app, browser, size):
    user_id = _user(live_app, f"axe-{size}@e2e.test", name="Ada Axe")
    _enrol(live_app, user_id)
    context = browser.new_context(**(DESKTOP if size == "desktop" else PHONE))
    page = context.new_page()
    try:
        page.goto(live_app.url("/portal/sign-in"))
        expect(page.locator("#link-submit")).to_be_visible()
        axe.check(page, "portal sign-in (link)")
        shot(page, f"portal-sign-in-{size}")
        page.click("#tab-password")
        expect(page.locator("#password-submit")).to_be_visible()
        axe.check(page, "portal sign-in (password)")
        shot(page, f"portal-sign-in-password-{size}")
        _password_sign_in(page, live_app, f"axe-{size}@e2e.test")
        expect(page.locator("#verify-submit")).to_be_visible()
        axe.check(page, "portal second step")
        shot(page, f"portal-verify-{size}")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"horizontal scroll: {width}"
    finally:
        context.close()
