"""TOTP for portal users: enrolment, the ±1 step window, each step once, recovery codes once, limits."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.integrations import vault
from repair_portal.models import PortalSession, PortalUser, RecoveryCode
from repair_portal.services import audit, portal_auth, portal_mfa
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import database_bytes
from ..portal_factories import code_at, portal_user

ACTOR = audit.Actor("portal", None, "pat@quay.test", "198.51.100.3", "pytest")


@pytest.fixture
def key(settings) -> bytes:
    return settings.passcode_key()


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return portal_user(s)


def _enrol(write, key, user) -> tuple[str, list[str]]:
    """(the secret, the recovery codes) of a user who scanned and confirmed."""
    with write() as s:
        enrolment = portal_mfa.start_enrolment(s, key, user.id)
    with write() as s:
        outcome = portal_mfa.confirm_enrolment(
            s, key, user.id, code_at(enrolment.secret, portal_mfa.current_step()), ACTOR
        )
    assert outcome.ok, outcome.error
    return enrolment.secret, list(outcome.codes)


def _verify(write, key, user, code):
    with write() as s:
        return portal_mfa.verify(s, key, user.id, code, ACTOR)


def test_enrolment_stores_the_secret_encrypted_and_needs_a_code_from_it(engine, write, key, user, clock):
    with write() as s:
        enrolment = portal_mfa.start_enrolment(s, key, user.id)
    assert enrolment.uri.startswith("otpauth://totp/") and "issuer=Test%20Repairs" in enrolment.uri
    assert enrolment.grouped_secret.replace(" ", "") == enrolment.secret and len(enrolment.secret) == 32
    with write() as s:
        stored = s.get(PortalUser, user.id)
        assert stored.totp_enabled_at is None and vault.decrypt(key, stored.totp_secret_encrypted) == enrolment.secret
        wrong = portal_mfa.confirm_enrolment(s, key, user.id, "000000", ACTOR)
    assert not wrong.ok and wrong.error == portal_mfa.WRONG_TOTP
    with write() as s:
        good = portal_mfa.confirm_enrolment(
            s, key, user.id, code_at(enrolment.secret, portal_mfa.current_step()), ACTOR
        )
    assert good.ok and len(good.codes) == 10 and len(set(good.codes)) == 10
    assert enrolment.secret.encode() not in database_bytes(engine)
    with write() as s:
        assert s.get(PortalUser, user.id).totp_enabled_at is not None
        assert portal_mfa.status(s, user.id) == portal_mfa.MfaStatus(True, False, 10)


def test_totp_cannot_be_replaced_while_it_is_on(write, key, user, clock):
    _enrol(write, key, user)
    with write() as s, pytest.raises(portal_mfa.MfaError, match="already on"):
        portal_mfa.start_enrolment(s, key, user.id)


def test_a_code_works_one_step_either_side_of_now_and_only_once(write, key, user, clock):
    secret, _ = _enrol(write, key, user)  # spends the current step
    now = portal_mfa.current_step()
    assert not _verify(write, key, user, code_at(secret, now)).ok  # replay of the enrolment code
    assert not _verify(write, key, user, code_at(secret, now + 2)).ok  # too far ahead
    assert _verify(write, key, user, code_at(secret, now + 1)).method == "totp"
    again = _verify(write, key, user, code_at(secret, now + 1))
    assert not again.ok and again.error == portal_mfa.WRONG_CODE
    clock.advance(seconds=60)  # now+2 is now "now"; now+1 is one behind but already used
    assert not _verify(write, key, user, code_at(secret, now + 1)).ok
    assert _verify(write, key, user, f" {code_at(secret, now + 2)[:3]} {code_at(secret, now + 2)[3:]} ").ok
    clock.advance(seconds=30)
    assert not _verify(write, key, user, code_at(secret, now + 1)).ok  # two steps behind
    assert _verify(write, key, user, code_at(secret, now + 4)).ok  # a phone a step ahead


def test_recovery_codes_are_hashed_and_work_once(engine, write, key, user, clock):
    _, codes = _enrol(write, key, user)
    assert all(code.encode() not in database_bytes(engine) for code in codes)
    assert _verify(write, key, user, codes[0].upper().replace("-", " ")).method == "recovery"
    assert not _verify(write, key, user, codes[0]).ok
    with write() as s:
        assert portal_mfa.codes_left(s, user.id) == 9


def test_another_users_recovery_code_is_no_use(write, key, user, clock):
    _, codes = _enrol(write, key, user)
    with write() as s:
        other = portal_user(s, email="sam@quay.test", customer=None)
    _enrol(write, key, other)
    assert not _verify(write, key, other, codes[1]).ok
    assert _verify(write, key, user, codes[1]).ok


def test_new_recovery_codes_need_a_current_code_and_end_the_old_ones(write, key, user, clock):
    secret, old = _enrol(write, key, user)
    clock.advance(seconds=30)
    with write() as s:
        assert not portal_mfa.renew_recovery_codes(s, key, user.id, old[0], ACTOR).ok  # a recovery code won't do
        renewed = portal_mfa.renew_recovery_codes(s, key, user.id, code_at(secret, portal_mfa.current_step()), ACTOR)
    assert renewed.ok and set(renewed.codes).isdisjoint(old)
    assert not _verify(write, key, user, old[2]).ok
    assert _verify(write, key, user, renewed.codes[0]).ok


def test_switching_off_needs_a_current_code_and_is_refused_when_required(write, key, user, clock):
    secret, _ = _enrol(write, key, user)
    clock.advance(seconds=30)
    with write() as s:
        assert not portal_mfa.disable(s, key, user.id, "123456", ACTOR).ok
        s.get(PortalUser, user.id).require_mfa = True
    with write() as s:
        refused = portal_mfa.disable(s, key, user.id, code_at(secret, portal_mfa.current_step()), ACTOR)
        assert not refused.ok and "requires" in refused.error
        s.get(PortalUser, user.id).require_mfa = False
    with write() as s:
        assert portal_mfa.disable(s, key, user.id, code_at(secret, portal_mfa.current_step()), ACTOR).ok
    with write() as s:
        u = s.get(PortalUser, user.id)
        assert u.totp_enabled_at is None and u.totp_secret_encrypted is None
        assert s.exec(select(RecoveryCode)).all() == []
        assert not portal_auth.needs_mfa(s, u)


def test_wrong_codes_are_limited_per_user_before_they_are_checked(write, key, user, clock):
    secret, codes = _enrol(write, key, user)
    for _ in range(portal_mfa.USER_LIMIT.max_failures):
        assert _verify(write, key, user, "000000").error == portal_mfa.WRONG_CODE
    clock.advance(seconds=30)
    blocked = _verify(write, key, user, code_at(secret, portal_mfa.current_step()))
    assert not blocked.ok and "Too many" in blocked.error
    assert not _verify(write, key, user, codes[0]).ok  # recovery codes are behind the same count
    clock.advance(minutes=15)
    assert _verify(write, key, user, code_at(secret, portal_mfa.current_step())).ok


def test_passing_the_second_step_marks_only_that_session(write, key, settings, user, clock):
    secret, _ = _enrol(write, key, user)
    with write() as s:
        u = s.get(PortalUser, user.id)
        tokens = [portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=False) for _ in range(2)]
        ids = [portal_auth.resolve(s, settings, t).session_id for t in tokens]
    clock.advance(seconds=30)
    with write() as s:
        outcome = portal_mfa.pass_second_step(
            s, key, user.id, ids[0], code_at(secret, portal_mfa.current_step()), ACTOR
        )
    assert outcome.ok
    with write() as s:
        rows = {r.token_hash: r.mfa_passed for r in s.exec(select(PortalSession))}
    assert rows == {hash_token(tokens[0]): True, hash_token(tokens[1]): False}


def test_one_code_sent_twice_at_once_passes_once(engine, write, key, user, clock):
    secret, _ = _enrol(write, key, user)
    clock.advance(seconds=30)
    code = code_at(secret, portal_mfa.current_step())
    barrier, results = threading.Barrier(2), []

    def send():
        barrier.wait()
        with write_session(engine) as s:
            results.append(portal_mfa.verify(s, key, user.id, code, ACTOR).ok)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
