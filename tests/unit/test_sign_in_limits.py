"""Sign-in limits hold under parallel guesses, and strangers' failures never lock a known device out."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent
from repair_portal.services import known_devices, staff_auth

from .. import factories


def _tech(engine):
    from repair_portal.db import write_session

    with write_session(engine) as s:
        factories.shop(s)
        return factories.staff(s).id


def _count_password_checks(monkeypatch) -> list[int]:
    checked, lock = [0], threading.Lock()
    real = staff_auth.verify_password

    def counting(password, stored):
        with lock:
            checked[0] += 1
        return real(password, stored)

    monkeypatch.setattr(staff_auth, "verify_password", counting)
    return checked


GUESSES = 24  # at once, against a limit of 5


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_parallel_wrong_passwords_check_at_most_the_limit(database, request, settings, monkeypatch):
    engine = request.getfixturevalue("engine" if database == "sqlite" else "pg_engine")
    settings = settings.__class__(**{**settings.__dict__, "database_url": str(engine.url)})
    _tech(engine)
    checked = _count_password_checks(monkeypatch)

    def guess(i):
        return staff_auth.sign_in(
            engine, settings, email="tech@example.com", password=f"wrong guess {i}", ip=f"198.51.100.{i % 200}"
        )

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(guess, range(GUESSES)))
    assert checked[0] <= settings.login_max_failures_per_account
    assert sum(1 for r in results if r.retry_after_minutes) >= GUESSES - settings.login_max_failures_per_account
    # The right password inside the window is refused too: the account is locked for strangers.
    right = staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD)
    assert not right.ok and right.retry_after_minutes > 0
    from repair_portal.db import session_scope

    with session_scope(engine) as s:
        failures = s.exec(select(AuditEvent).where(AuditEvent.action == "staff.login.failure")).all()
        assert len(failures) == checked[0]


def test_a_device_that_signed_in_before_is_not_locked_out_by_strangers(engine, settings):
    user_id = _tech(engine)
    first = staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD)
    assert first.ok and known_devices.entries(settings.secret_key, first.known_device).keys() == {user_id}
    for i in range(8):  # a stranger hammers the account from elsewhere
        staff_auth.sign_in(engine, settings, email="tech@example.com", password=f"nope {i}", ip="203.0.113.66")
    stranger = staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD)
    assert not stranger.ok and stranger.retry_after_minutes  # a new device waits
    owner = staff_auth.sign_in(
        engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD, known_device=first.known_device
    )
    assert owner.ok  # the owner's own browser still gets in
    forged = first.known_device.replace(first.known_device[-4:], "0000")
    assert known_devices.entries(settings.secret_key, forged) == {}
    blocked = staff_auth.sign_in(
        engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD, known_device=forged
    )
    assert not blocked.ok


def test_a_known_device_has_its_own_limit(engine, settings):
    _tech(engine)
    first = staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD)
    for i in range(settings.login_max_failures_per_account):
        staff_auth.sign_in(
            engine, settings, email="tech@example.com", password=f"x{i}", known_device=first.known_device
        )
    again = staff_auth.sign_in(
        engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD, known_device=first.known_device
    )
    assert not again.ok and again.retry_after_minutes


def test_known_device_cookie_keeps_a_few_staff_and_ignores_garbage(settings):
    value = None
    for user_id in range(1, 8):
        value = known_devices.remember(settings.secret_key, value, user_id)
    assert list(known_devices.entries(settings.secret_key, value)) == [7, 6, 5, 4, 3]
    for junk in ("", "|||", "1.2", "99999999999999999999.a.b", "x" * 5000):
        assert known_devices.entries(settings.secret_key, junk) == {}
    assert known_devices.entries("another-installation-key-xxxxxxxxxxxxxxxx", value) == {}
