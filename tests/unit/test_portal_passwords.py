"""Portal passwords: the policy (with the shop's optional character mix), links to choose one, changing it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, OutboxMessage, PortalUser, ShopSettings
from repair_portal.services import portal_auth, portal_passwords, portal_signin
from repair_portal.services.mail import LinkSettings
from repair_portal.services.passwords import PasswordPolicyError, verify_password

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import PORTAL_PASSWORD, portal_user

GOOD = "violet kettle under the bridge"


@pytest.mark.parametrize(
    ("password", "mix", "problem"),
    [
        ("b7k2-x9qz-m", False, "at least 12"),  # 11 characters
        ("x7#Kq" + "w" * 124, False, "at most 128"),  # 129
        ("Pat@Quay.test", False, "email"),
        ("  PAT@quay.TEST ", False, "email"),
        ("pat @ quay . test", False, "email"),  # any spacing
        ("password1234", False, "too common"),
        ("qwertyqwerty", False, "too common"),
        (GOOD, True, "capital"),
        ("Violet kettle under the bridge", True, "capital"),  # no digit, no symbol
        ("Violet kettle 7 under the bridge", True, "capital"),  # no symbol
    ],
)
def test_the_policy_refuses_with_a_clear_message(password, mix, problem):
    with pytest.raises(PasswordPolicyError, match=problem):
        portal_passwords.check_policy(password, "pat@quay.test", mix=mix)


@pytest.mark.parametrize(
    ("password", "mix"),
    [
        ("b7k2-x9qz-m4w", False),  # 12
        ("x7#Kq" + "w" * 123, False),  # 128
        (GOOD, False),
        ("Violet kettle #7 under the bridge", True),
        ("Żółw pije 3 kawy!", True),  # letters beyond ASCII count as capitals and small letters
    ],
)
def test_the_policy_accepts(password, mix):
    portal_passwords.check_policy(password, "pat@quay.test", mix=mix)


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return portal_user(s)


def _link(write, user, purpose="reset"):
    with write() as s:
        return portal_auth.issue_token(s, s.get(PortalUser, user.id), purpose)


def test_an_invitation_sets_the_password_once_and_signs_every_other_browser_out(write, settings, user, clock):
    token = _link(write, user, "invite")
    with write() as s:
        elsewhere = portal_auth.open_session(
            s, settings, s.get(PortalUser, user.id), ip="", user_agent="", mfa_passed=True
        )
        assert portal_passwords.check_link(s, token).email == user.email
        done = portal_passwords.redeem_link(s, token, GOOD, ip="198.51.100.1")
    assert done.ok and done.user_id == user.id
    with write() as s:
        assert verify_password(GOOD, s.get(PortalUser, user.id).password_hash)
        assert portal_auth.resolve(s, settings, elsewhere) is None
        again = portal_passwords.redeem_link(s, token, "another fine long password", ip="198.51.100.1")
        assert not again.ok and again.error == portal_passwords.LINK_ERROR
        assert "portal.password_set" in [e.action for e in s.exec(select(AuditEvent))]


def test_a_refused_password_leaves_the_link_usable(write, user, clock):
    token = _link(write, user)
    with write() as s:
        s.get(ShopSettings, 1).portal_password_mix = True
    with write() as s:
        assert portal_passwords.check_link(s, token).mix is True
        refused = portal_passwords.redeem_link(s, token, GOOD)
        assert not refused.ok and refused.field == "password" and "capital" in refused.error
        assert portal_passwords.redeem_link(s, token, "Violet kettle #7 under the bridge").ok


def test_a_reset_link_is_dead_after_30_minutes(write, user, clock):
    token = _link(write, user)
    clock.advance(minutes=30)
    with write() as s:
        assert portal_passwords.check_link(s, token).error == portal_passwords.LINK_ERROR
        assert not portal_passwords.redeem_link(s, token, GOOD).ok
        assert verify_password(PORTAL_PASSWORD, s.get(PortalUser, user.id).password_hash)


def test_bad_links_are_limited_per_address(write, user, clock):
    with write() as s:
        for i in range(portal_passwords.LINK_LIMIT.max_failures):
            assert portal_passwords.check_link(s, f"guess-{i}-aaaaaaaaaaaaaaaa", ip="203.0.113.5").error
    token = _link(write, user)
    with write() as s:
        assert "Too many attempts" in portal_passwords.check_link(s, token, ip="203.0.113.5").error
        assert portal_passwords.check_link(s, token, ip="203.0.113.6").email == user.email


def test_setting_a_password_blanks_the_links_in_earlier_emails(write, user, clock):
    links = LinkSettings("http://shop.test", TEST_SECRET_KEY)
    with write() as s:
        portal_signin.request_link(s, links, email=user.email, purpose="reset")
        sent = s.exec(select(OutboxMessage)).one()
        token = sent.text_body.split("/portal/set-password/")[1].split()[0]
        assert portal_passwords.redeem_link(s, token, GOOD).ok
    with write() as s:
        body = s.exec(select(OutboxMessage)).one().text_body
        assert token not in body and "[link no longer valid]" in body


def _change(engine, settings, user, session_id, current, new):
    return portal_passwords.change_password(
        engine, user_id=user.id, session_id=session_id, current=current, new=new, ip="198.51.100.2"
    )


def test_changing_the_password_needs_the_current_one_and_keeps_only_this_browser(engine, write, settings, user, clock):
    with write() as s:
        u = s.get(PortalUser, user.id)
        here = portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=True)
        there = portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=True)
        here_id = portal_auth.resolve(s, settings, here).session_id
    with pytest.raises(portal_passwords.PasswordError) as wrong:
        _change(engine, settings, user, here_id, "not my password at all", GOOD)
    assert wrong.value.field == "current"
    with pytest.raises(portal_passwords.PasswordError) as weak:
        _change(engine, settings, user, here_id, PORTAL_PASSWORD, "password1234")
    assert weak.value.field == "new"
    assert _change(engine, settings, user, here_id, PORTAL_PASSWORD, GOOD) == 1
    with write() as s:
        assert verify_password(GOOD, s.get(PortalUser, user.id).password_hash)
        assert portal_auth.resolve(s, settings, here) is not None
        assert portal_auth.resolve(s, settings, there) is None


def test_wrong_current_passwords_are_limited(engine, write, settings, user, clock):
    for _ in range(portal_passwords.CHANGE_LIMIT.max_failures):
        with pytest.raises(portal_passwords.PasswordError, match="isn't your current"):
            _change(engine, settings, user, 0, "not my password at all", GOOD)
    with pytest.raises(portal_passwords.PasswordError, match="Too many"):
        _change(engine, settings, user, 0, PORTAL_PASSWORD, GOOD)  # even the right one, for now
    clock.advance(minutes=15)
    _change(engine, settings, user, 0, PORTAL_PASSWORD, GOOD)


def test_a_user_without_a_password_is_told_to_ask_for_a_link(engine, write, settings, clock):
    with write() as s:
        factories.shop(s)
        user = portal_user(s, password=None)
    with pytest.raises(portal_passwords.PasswordError, match="haven't chosen"):
        _change(engine, settings, user, 0, "", GOOD)


def test_a_password_reset_keeps_totp_on(write, settings, user, clock):
    token = _link(write, user)
    with write() as s:
        s.get(PortalUser, user.id).totp_enabled_at = clock.now()
    with write() as s:
        assert portal_passwords.redeem_link(s, token, GOOD).ok
        u = s.get(PortalUser, user.id)
        assert u.totp_enabled_at is not None and portal_auth.needs_mfa(s, u)
