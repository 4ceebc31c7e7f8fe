"""services/totp.py: the ±1 step window, no replay, malformed codes, single-use hashed recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from repair_portal.models import RecoveryCode, StaffUser
from repair_portal.services import totp

from .. import factories
from ..conftest import database_bytes


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return factories.staff(s)


def _code(secret: str, moment, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(moment + timedelta(seconds=30 * steps))


def test_a_code_is_accepted_one_step_either_side_and_not_beyond(clock):
    secret = totp.new_secret()
    now_step = totp.step_at(clock.now())
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, _code(secret, clock.now(), offset), None) == now_step + offset
    for offset in (-3, -2, 2, 3):
        assert totp.matching_step(secret, _code(secret, clock.now(), offset), None) is None


def test_codes_from_the_app_work_with_spaces_and_are_refused_when_malformed(clock):
    secret = totp.new_secret()
    good = _code(secret, clock.now())
    assert totp.matching_step(secret, f" {good[:3]} {good[3:]} ", None) is not None
    wrong = str((int(good) + 1) % 1_000_000).zfill(6)
    for bad in (wrong, good[:5], good + "0", "abcdef", "", "²²²²²²", "1" * 5000, None):
        assert totp.matching_step(secret, bad, None) is None
    assert totp.matching_step(totp.new_secret(), good, None) is None  # another person's secret


def test_a_code_works_once_and_an_older_one_never_after_a_newer(clock, write, user):
    secret = totp.new_secret()
    code_now, code_before = _code(secret, clock.now()), _code(secret, clock.now(), -1)
    with write() as s:
        step = totp.matching_step(secret, code_now, s.get(StaffUser, user.id).totp_last_step)
        assert step is not None and totp.accept_step(s, StaffUser, user.id, step)
    with write() as s:
        last = s.get(StaffUser, user.id).totp_last_step
        assert last == step
        assert totp.matching_step(secret, code_now, last) is None  # replayed
        assert totp.matching_step(secret, code_before, last) is None  # older than the last one accepted
        assert not totp.accept_step(s, StaffUser, user.id, step)  # a second request with the same step loses
    clock.advance(seconds=30)
    with write() as s:
        assert totp.matching_step(secret, _code(secret, clock.now()), s.get(StaffUser, user.id).totp_last_step)


def test_the_uri_names_the_shop_as_issuer():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "tess@example.com", "Fix-It Shop")
    assert uri.startswith("otpauth://totp/Fix-It%20Shop:tess%40example.com?")
    assert "issuer=Fix-It%20Shop" in uri and "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri


def test_recovery_codes_are_ten_single_use_and_stored_only_hashed(write, read, engine, user):
    with write() as s:
        codes = totp.new_recovery_codes(s, "staff", user.id)
    assert len(codes) == 10 and len(set(codes)) == 10
    with read() as s:
        assert totp.recovery_codes_left(s, "staff", user.id) == 10
    with write() as s:
        assert totp.use_recovery_code(s, "staff", user.id, codes[0].upper())  # as typed off paper
    with write() as s:
        assert not totp.use_recovery_code(s, "staff", user.id, codes[0])  # spent
        assert not totp.use_recovery_code(s, "portal", user.id, codes[1])  # another owner kind
        assert not totp.use_recovery_code(s, "staff", user.id + 1, codes[1])  # another owner
        assert not totp.use_recovery_code(s, "staff", user.id, "not-a-code")
        assert totp.recovery_codes_left(s, "staff", user.id) == 9
    data = database_bytes(engine)
    assert not any(code.encode() in data for code in codes)


def test_new_recovery_codes_replace_the_old_ones(write, read, user):
    with write() as s:
        old = totp.new_recovery_codes(s, "staff", user.id)
    with write() as s:
        new = totp.new_recovery_codes(s, "staff", user.id)
    with write() as s:
        assert not totp.use_recovery_code(s, "staff", user.id, old[0])
        assert totp.use_recovery_code(s, "staff", user.id, new[0])
    with read() as s:
        assert len(s.exec(select(RecoveryCode)).all()) == 10
