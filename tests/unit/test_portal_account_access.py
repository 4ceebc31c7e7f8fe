"""A customer account's portal access switch: off signs every portal user of the account out at once, spends
their unused links and refuses every way in with the generic answers; on again lets them back. And the last
sign-in is recorded only once a sign-in is complete (after the second step where one is owed)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Customer, OutboxMessage, PermissionGroup, PortalUser, Role
from repair_portal.services import (
    audit,
    passkeys,
    portal_account_access,
    portal_auth,
    portal_mfa,
    portal_passwords,
    portal_signin,
    portal_users,
)
from repair_portal.services.mail import LinkSettings
from repair_portal.services.portal_users import PortalUserError

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import PORTAL_PASSWORD, business, code_at, portal_user
from ..soft_authenticator import SoftAuthenticator

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)
NEW_PASSWORD = "copper kettle by the harbour 9"


@pytest.fixture
def shop(write):
    """An account with two portal users (one signed in twice), and another account with its own user."""
    with write() as s:
        factories.shop(s)
        owner = factories.staff(s, email="owner@example.com", role=Role.OWNER)
        tech = factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        account = business(s)
        pat = portal_user(s, customer=account)
        sam = portal_user(s, customer=account, email="sam@quay.test", name="Sam Quay", password=None)
        other = portal_user(s, customer=business(s, "Other Works"), email="olu@other.test", name="Olu")
        return {
            "account": account.id,
            "other_account": other.customer_id,
            "pat": pat.id,
            "sam": sam.id,
            "olu": other.id,
            "owner": audit.Actor("staff", owner.id, owner.email),
            "tech": audit.Actor("staff", tech.id, tech.email),
        }


def _open(write, settings, user_id, *, mfa_passed=True) -> str:
    with write() as s:
        user = s.get(PortalUser, user_id)
        return portal_auth.open_session(
            s, settings, user, ip="198.51.100.4", user_agent="pytest", mfa_passed=mfa_passed
        )


def _resolve(write, settings, token):
    with write() as s:
        return portal_auth.resolve(s, settings, token)


def _switch(write, shop, enabled: bool, actor=None):
    with write() as s:
        return portal_account_access.set_portal_access(s, shop["account"], enabled, actor or shop["owner"])


def _issue(write, user_id, purpose) -> str:
    with write() as s:
        return portal_auth.issue_token(s, s.get(PortalUser, user_id), purpose)


def test_switching_an_account_off_signs_all_its_users_out_and_spends_their_links(write, settings, shop):
    tokens = [
        _open(write, settings, shop["pat"]),
        _open(write, settings, shop["pat"]),
        _open(write, settings, shop["sam"]),
    ]
    elsewhere = _open(write, settings, shop["olu"])
    with write() as s:  # a sign-in link by email, and the shop's invitation: both unused
        portal_signin.request_link(s, LINKS, email="pat@quay.test", purpose="magic")
        invited = portal_users.send_invite(s, LINKS, shop["account"], shop["sam"], shop["owner"])
    magic = _emailed(write, "pat@quay.test", "/api/portal/magic/")
    invite = invited.url.rsplit("/", 1)[1]
    other_link = _issue(write, shop["olu"], "magic")

    changed = _switch(write, shop, False)

    assert (changed.enabled, changed.sessions_ended, changed.links_cancelled) == (False, 3, 2)
    assert all(_resolve(write, settings, t) is None for t in tokens)
    assert _resolve(write, settings, elsewhere).user_id == shop["olu"]  # another account is untouched
    with write() as s:
        assert portal_signin.redeem_magic(s, settings, magic) is None
        assert portal_passwords.check_link(s, invite).error == portal_passwords.LINK_ERROR
        assert portal_signin.magic_link_live(s, other_link)
        bodies = " ".join(m.text_body for m in s.exec(select(OutboxMessage)))
        assert magic not in bodies and invite not in bodies  # blanked in the unsent copies
        assert {u.active for u in s.exec(select(PortalUser))} == {True}  # each user's own switch is kept
        assert s.get(Customer, shop["account"]).portal_enabled is False
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "customer.portal_access_disabled")).one()
        assert event.actor_id == shop["owner"].id and '"sessions_ended": 3' in event.detail


def _emailed(write, email, marker) -> str:
    with write() as s:
        body = (
            s.exec(select(OutboxMessage).where(OutboxMessage.to_email == email).order_by(OutboxMessage.id.desc()))
            .first()
            .text_body
        )
    return body.split(marker)[1].split()[0]


def test_while_off_every_way_in_gets_the_generic_answer(engine, write, settings, shop):
    device = SoftAuthenticator()
    with write() as s:
        options = passkeys.registration_options(
            s, settings, owner_kind="portal", owner_id=shop["pat"], user_name="pat@quay.test", display_name="Pat"
        )
    with write() as s:
        assert passkeys.register(
            s, settings, owner_kind="portal", owner_id=shop["pat"], response_json=device.register(options), name="P"
        ).ok
    _switch(write, shop, False)
    # Links made after the switch (say, by a request that raced it) don't work either.
    magic, reset = _issue(write, shop["pat"], "magic"), _issue(write, shop["pat"], "reset")
    late_session = _open(write, settings, shop["pat"])

    password = portal_signin.sign_in(engine, settings, email="pat@quay.test", password=PORTAL_PASSWORD)
    assert (password.ok, password.error, password.token) == (False, portal_signin.GENERIC_LOGIN_ERROR, None)
    with write() as s:
        asked = passkeys.authentication_options(s, settings, owner_kind="portal", client_ip="198.51.100.7")
    by_passkey = portal_signin.sign_in_with_passkey(engine, settings, response_json=device.assert_(asked))
    assert not by_passkey.ok and by_passkey.token is None
    with write() as s:
        answer = portal_signin.request_link(s, LINKS, email="pat@quay.test", purpose="magic")
        assert answer.message == portal_signin.LINK_ANSWER  # the same words as for an unknown address
        assert s.exec(select(OutboxMessage)).all() == []
        assert not portal_signin.magic_link_live(s, magic)
        assert portal_signin.redeem_magic(s, settings, magic) is None
        assert portal_passwords.check_link(s, reset).error == portal_passwords.LINK_ERROR
        assert not portal_passwords.redeem_link(s, reset, NEW_PASSWORD).ok
    assert _resolve(write, settings, late_session) is None
    with write() as s:
        assert s.get(PortalUser, shop["pat"]).password_hash is not None
        with pytest.raises(portal_mfa.MfaError):
            portal_mfa.start_enrolment(s, settings.passcode_key(), shop["pat"])


def test_switching_back_on_lets_the_users_sign_in_again(engine, write, settings, shop):
    _switch(write, shop, False)
    with pytest.raises(PortalUserError, match="already off"):
        _switch(write, shop, False)
    changed = _switch(write, shop, True)
    assert changed.enabled and changed.sessions_ended == 0
    result = portal_signin.sign_in(engine, settings, email="pat@quay.test", password=PORTAL_PASSWORD)
    assert result.ok and _resolve(write, settings, result.token).user_id == shop["pat"]
    with write() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("customer.portal_access_disabled") == 1 and "customer.portal_access_enabled" in actions


def test_only_staff_who_may_edit_customers_switch_it(write, shop):
    with pytest.raises(PortalUserError):
        _switch(write, shop, False, shop["tech"])
    with write() as s:
        assert s.get(Customer, shop["account"]).portal_enabled is True
        with pytest.raises(PortalUserError, match="doesn't exist"):
            portal_account_access.set_portal_access(s, 9999, False, shop["owner"])


def test_while_off_the_shop_sends_no_links_and_bulk_invite_skips_it(write, shop):
    _switch(write, shop, False)
    with write() as s:
        with pytest.raises(PortalUserError, match="switched off"):
            portal_users.send_invite(s, LINKS, shop["account"], shop["sam"], shop["owner"])
        with pytest.raises(PortalUserError, match="switched off"):
            portal_users.send_reset(s, LINKS, shop["account"], shop["pat"], shop["owner"])
        off = Customer(first_name="Ivy", last_name="Off", email="ivy@example.com", portal_enabled=False)
        on = Customer(first_name="Ian", last_name="On", email="ian@example.com")
        s.add_all([off, on])
        s.flush()
        group = s.exec(select(PermissionGroup)).first()
        result = portal_users.bulk_invite(s, [off.id, on.id], group.id, False, shop["owner"], LINKS)
    assert result.invited == 1 and result.skipped == {"portal_off": 1}
    assert "portal access switched off: 1" in result.summary()


# --- the last sign-in counts a complete sign-in only ----------------------------------------------------


def _last_login(write, user_id):
    with write() as s:
        return s.get(PortalUser, user_id).last_login_at


def test_a_sign_in_that_still_owes_the_second_step_is_not_a_last_sign_in(engine, write, settings, shop, clock):
    key = settings.passcode_key()
    with write() as s:
        enrolment = portal_mfa.start_enrolment(s, key, shop["pat"])
    with write() as s:
        actor = audit.Actor("portal", shop["pat"], "pat@quay.test")
        code = code_at(enrolment.secret, portal_mfa.current_step())
        assert portal_mfa.confirm_enrolment(s, key, shop["pat"], code, actor).ok
    clock.advance(minutes=1)
    half = portal_signin.sign_in(engine, settings, email="pat@quay.test", password=PORTAL_PASSWORD)
    assert half.ok and half.mfa_pending
    assert _last_login(write, shop["pat"]) is None
    clock.advance(minutes=2)
    with write() as s:
        session_id = portal_auth.resolve(s, settings, half.token).session_id
        code = code_at(enrolment.secret, portal_mfa.current_step())
        assert portal_mfa.pass_second_step(s, key, shop["pat"], session_id, code, actor).ok
    assert _last_login(write, shop["pat"]) == clock.now()
    assert _last_login(write, shop["olu"]) is None  # only the session's own user


def test_a_password_only_sign_in_is_a_last_sign_in_at_once(engine, write, settings, shop, clock):
    assert portal_signin.sign_in(engine, settings, email="pat@quay.test", password=PORTAL_PASSWORD).ok
    assert _last_login(write, shop["pat"]) == clock.now()
    _open(write, settings, shop["sam"], mfa_passed=False)
    assert _last_login(write, shop["sam"]) is None
