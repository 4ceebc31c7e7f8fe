"""Portal sign-in: passwords under limits with one answer for everyone, and emailed links that say the
same whether or not the address has access."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, OutboxMessage, PortalSession, PortalToken, PortalUser
from repair_portal.services import passkeys, portal_auth, portal_signin
from repair_portal.services.mail import LinkSettings

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import PORTAL_PASSWORD, portal_user
from ..soft_authenticator import SoftAuthenticator

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return portal_user(s)


def _sign_in(engine, settings, email="pat@quay.test", password=PORTAL_PASSWORD, ip="198.51.100.8", device=None):
    return portal_signin.sign_in(
        engine, settings, email=email, password=password, ip=ip, user_agent="pytest", known_device=device
    )


def test_the_right_password_opens_a_session(engine, write, settings, user):
    result = _sign_in(engine, settings, email="  PAT@Quay.Test ")
    assert result.ok and not result.mfa_pending and result.known_device
    with write() as s:
        identity = portal_auth.resolve(s, settings, result.token)
        assert identity.user_id == user.id and portal_auth.signed_in(identity)
        assert s.get(PortalUser, user.id).last_login_at is not None


def test_a_required_or_enrolled_second_step_leaves_the_session_half_open(engine, write, settings, user, clock):
    with write() as s:
        s.get(PortalUser, user.id).require_mfa = True
    result = _sign_in(engine, settings)
    assert result.ok and result.mfa_pending
    with write() as s:
        identity = portal_auth.resolve(s, settings, result.token)
        assert not identity.mfa_passed and not portal_auth.signed_in(identity)


def test_a_passkey_signs_in_with_both_steps_passed_and_opens_nothing_once_disabled(engine, write, settings, user):
    with write() as s:
        s.get(PortalUser, user.id).require_mfa = True  # a passkey is both steps: nothing more is owed
    device = SoftAuthenticator()
    with write() as s:
        options = passkeys.registration_options(
            s, settings, owner_kind="portal", owner_id=user.id, user_name=user.email, display_name=user.name
        )
    with write() as s:
        assert passkeys.register(
            s, settings, owner_kind="portal", owner_id=user.id, response_json=device.register(options), name="Phone"
        ).ok

    def attempt():
        with write() as s:
            asked = passkeys.authentication_options(s, settings, owner_kind="portal", client_ip="198.51.100.7")
        return portal_signin.sign_in_with_passkey(engine, settings, response_json=device.assert_(asked), ip="x")

    result = attempt()
    assert result.ok and not result.mfa_pending and result.known_device
    with write() as s:
        identity = portal_auth.resolve(s, settings, result.token)
        assert identity.user_id == user.id and portal_auth.signed_in(identity)
        s.get(PortalUser, user.id).active = False
    refused = attempt()
    assert not refused.ok and refused.token is None
    with write() as s:
        events = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "portal.login.passkey_failure" in events and events.count("portal.login.success") == 1


def test_unknown_wrong_password_less_and_disabled_get_one_answer(engine, write, settings, user, monkeypatch):
    with write() as s:
        portal_user(s, email="invited@quay.test", password=None)
        portal_user(s, email="gone@quay.test", active=False)
    checks = []
    real = portal_signin.burn_dummy_check
    monkeypatch.setattr(portal_signin, "burn_dummy_check", lambda p: (checks.append(p), real(p)))
    answers = [
        _sign_in(engine, settings, email="nobody@quay.test"),
        _sign_in(engine, settings, password="not the password at all"),
        _sign_in(engine, settings, email="invited@quay.test", password=""),
        _sign_in(engine, settings, email="gone@quay.test"),
    ]
    assert {(a.ok, a.error, a.token) for a in answers} == {(False, portal_signin.GENERIC_LOGIN_ERROR, None)}
    assert len(checks) == 1  # the unknown address still cost a bcrypt check
    with write() as s:
        assert s.exec(select(PortalSession)).all() == []
        failures = [e for e in s.exec(select(AuditEvent)) if e.action == "portal.login.failure"]
    assert len(failures) == 4


def test_repeated_wrong_passwords_lock_the_account_for_strangers_but_not_a_known_device(engine, settings, user, clock):
    known = _sign_in(engine, settings).known_device
    for i in range(settings.login_max_failures_per_account):
        assert _sign_in(engine, settings, password=f"wrong {i}", ip=f"203.0.113.{i}").error
    locked = _sign_in(engine, settings, ip="203.0.113.99")
    assert not locked.ok and locked.retry_after_minutes > 0 and "Too many" in locked.error
    assert _sign_in(engine, settings, device=known).ok  # the owner's own browser
    clock.advance(minutes=settings.login_failure_window_minutes)
    assert _sign_in(engine, settings, ip="203.0.113.99").ok


def test_a_forged_known_device_cookie_counts_for_nothing(engine, settings, user, clock):
    for i in range(settings.login_max_failures_per_account):
        _sign_in(engine, settings, password=f"wrong {i}")
    forged = f"{user.id}.abc.{'0' * 32}"
    assert _sign_in(engine, settings, device=forged).retry_after_minutes > 0


def test_parallel_guesses_check_at_most_the_limit(engine, settings, user, monkeypatch):
    checked, lock = [0], threading.Lock()
    real = portal_signin.verify_password

    def counting(password, stored):
        with lock:
            checked[0] += 1
        return real(password, stored)

    monkeypatch.setattr(portal_signin, "verify_password", counting)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: _sign_in(engine, settings, password=f"guess {i}", ip=f"198.51.100.{i}"), range(24)))
    assert checked[0] <= settings.login_max_failures_per_account


def test_one_network_is_limited_across_addresses(engine, settings, user, clock):
    for i in range(settings.login_max_failures_per_ip):
        _sign_in(engine, settings, email=f"guess{i}@quay.test", ip="192.0.2.50")
    assert _sign_in(engine, settings, ip="192.0.2.50").retry_after_minutes > 0
    assert _sign_in(engine, settings, ip="192.0.2.51").ok


# --- links ---------------------------------------------------------------------------------------


def _ask(write, email, purpose="magic", ip="198.51.100.9"):
    with write() as s:
        return portal_signin.request_link(s, LINKS, email=email, purpose=purpose, ip=ip, user_agent="pytest")


@pytest.mark.parametrize("purpose", ["magic", "reset"])
def test_a_link_request_answers_the_same_for_known_unknown_and_disabled_addresses(write, user, purpose):
    with write() as s:
        portal_user(s, email="gone@quay.test", active=False)
    answers = {_ask(write, e, purpose) for e in ("pat@quay.test", "nobody@quay.test", "gone@quay.test", "x@y")}
    assert len(answers) == 1 and next(iter(answers)).ok
    assert "If that address has access" in next(iter(answers)).message
    with write() as s:
        sent = s.exec(select(OutboxMessage)).all()
        assert [m.to_email for m in sent] == ["pat@quay.test"]
        assert s.exec(select(PortalToken)).one().purpose == purpose


def test_a_link_request_does_the_same_work_for_an_unknown_address(write, user, monkeypatch):
    """Timing: both paths make and hash a token and render the email; only the known one stores them."""
    calls = []
    real_render = portal_signin.render
    monkeypatch.setattr(portal_signin, "render", lambda *a, **k: (calls.append("render"), real_render(*a, **k))[1])
    real_new = portal_signin.new_token
    monkeypatch.setattr(portal_signin, "new_token", lambda: (calls.append("token"), real_new())[1])
    _ask(write, "nobody@quay.test")
    unknown = list(calls)
    calls.clear()
    _ask(write, "pat@quay.test")
    assert unknown == ["token", "render"] and calls.count("render") == 1


def test_link_requests_take_about_as_long_for_unknown_addresses(write, user):
    def timed(email):
        started = time.perf_counter()
        _ask(write, email, ip=email)
        return time.perf_counter() - started

    for email in ("warm@quay.test", "pat@quay.test"):
        timed(email)  # warm caches
    known = sorted(timed("pat@quay.test") for _ in range(3))[1]
    unknown = sorted(timed("nobody@quay.test") for _ in range(3))[1]
    # The state handler pads every answer to 0.6 s; the work itself must stay well under that.
    assert known < 0.3 and unknown < 0.3


def test_asking_too_often_sends_nothing_more_but_says_the_same(write, user):
    answers = [_ask(write, "pat@quay.test", ip=f"198.51.100.{i}") for i in range(5)]
    assert len({a.message for a in answers}) == 1
    with write() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == portal_signin.LINK_EMAIL_LIMIT.max_failures


def test_one_network_asking_for_many_addresses_is_told_to_wait(write, user):
    for i in range(portal_signin.LINK_IP_LIMIT.max_failures):
        assert _ask(write, f"someone{i}@quay.test", ip="192.0.2.9").ok
    blocked = _ask(write, "pat@quay.test", ip="192.0.2.9")
    assert not blocked.ok and "network" in blocked.message


def _emailed_token(write) -> str:
    with write() as s:
        body = s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().text_body
    return body.split("/api/portal/magic/")[1].split()[0]


def test_an_emailed_link_signs_in_once_within_15_minutes(engine, write, settings, user, clock):
    _ask(write, "pat@quay.test")
    token = _emailed_token(write)
    with write() as s:
        assert portal_signin.magic_link_live(s, token)  # looking spends nothing
        first = portal_signin.redeem_magic(s, settings, token, ip="198.51.100.1")
    assert first is not None and not first.mfa_pending
    with write() as s:
        assert portal_auth.resolve(s, settings, first.token).user_id == user.id
        assert portal_signin.redeem_magic(s, settings, token) is None
        body = s.exec(select(OutboxMessage)).one().text_body
        assert token not in body  # the spent link no longer sits in the outbox
    _ask(write, "pat@quay.test")
    late = _emailed_token(write)
    clock.advance(minutes=15)
    with write() as s:
        assert not portal_signin.magic_link_live(s, late)
        assert portal_signin.redeem_magic(s, settings, late) is None


def test_an_emailed_link_still_leaves_the_second_step(write, settings, user, clock):
    with write() as s:
        s.get(PortalUser, user.id).require_mfa = True
    _ask(write, "pat@quay.test")
    token = _emailed_token(write)
    with write() as s:
        result = portal_signin.redeem_magic(s, settings, token)
        assert result.mfa_pending
        assert not portal_auth.signed_in(portal_auth.resolve(s, settings, result.token))


class _Delivered:
    """A mail provider that accepts everything (the link reached the person)."""

    name = "sendgrid"

    def send(self, envelope) -> str:
        return "provider-id"


@pytest.mark.parametrize(("backend", "kept"), [("outbox", True), ("provider", False)])
def test_after_delivery_the_stored_copy_keeps_the_link_only_if_nobody_received_it(
    engine, write, user, capsys, backend, kept
):
    from repair_portal.integrations.email import OutboxBackend
    from repair_portal.services.mail_delivery import Sender, deliver_due

    _ask(write, "pat@quay.test")
    token = _emailed_token(write)
    report = deliver_due(engine, OutboxBackend() if backend == "outbox" else _Delivered(), Sender("s@x.test", "S"))
    assert report.sent == 1
    with write() as s:
        stored = s.exec(select(OutboxMessage)).one()
    assert (token in stored.text_body) is kept and (token in stored.html_body) is kept
    assert token not in capsys.readouterr().out  # never printed, whichever backend
