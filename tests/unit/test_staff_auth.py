import bcrypt
import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, RateLimitEvent, Role, StaffSession
from repair_portal.services import audit, staff_auth
from repair_portal.services.passwords import PasswordPolicyError
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import database_bytes


def _sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD, ip="198.51.100.7"):
    return staff_auth.sign_in(engine, settings, email=email, password=password, ip=ip, user_agent="pytest")


@pytest.fixture
def tech(write):
    with write() as s:
        factories.shop(s)
        return factories.staff(s)


def test_sign_in_opens_a_session_whose_token_is_stored_only_hashed(engine, settings, tech, read):
    result = _sign_in(engine, settings, email="  TECH@Example.com ")
    assert result.ok and result.token and result.user_id == tech.id
    with read() as s:
        rows = s.exec(select(StaffSession)).all()
        assert len(rows) == 1
        assert rows[0].token_hash == hash_token(result.token)
        assert rows[0].ip == "198.51.100.7" and rows[0].user_agent == "pytest"
        identity = staff_auth.resolve_session(s, settings, result.token)
        assert identity.user_id == tech.id and identity.role == Role.TECHNICIAN
        assert [e.action for e in s.exec(select(AuditEvent))][-1] == "staff.login.success"
    assert result.token.encode() not in database_bytes(engine)


def test_unknown_email_wrong_password_and_inactive_get_the_same_answer(engine, settings, tech, session):
    wrong = _sign_in(engine, settings, password="not the password at all")
    unknown = _sign_in(engine, settings, email="nobody@example.com")
    tech.active = False
    session.add(tech)
    session.commit()
    inactive = _sign_in(engine, settings)
    assert not wrong.ok and not unknown.ok and not inactive.ok
    assert wrong.error == unknown.error == inactive.error == staff_auth.GENERIC_LOGIN_ERROR


@pytest.mark.full_bcrypt_cost
def test_unknown_email_costs_the_same_bcrypt_work(engine, settings, tech, monkeypatch):
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: calls.append(h[:7]) or real(pw, h))
    _sign_in(engine, settings, email="nobody@example.com")
    unknown_calls = list(calls)
    calls.clear()
    _sign_in(engine, settings, password="wrong password here")
    assert len(unknown_calls) == len(calls) == 1
    assert unknown_calls[0] == calls[0] == b"$2b$12$"  # same cost factor on both paths


def test_five_failures_lock_the_account_even_for_the_right_password(engine, settings, tech, clock, read):
    for _ in range(5):
        assert not _sign_in(engine, settings, password="wrong password here").ok
    locked = _sign_in(engine, settings)
    assert not locked.ok
    assert "Try again in 15 minutes" in locked.error
    with read() as s:  # counters live in the database, so a restart keeps them
        assert len(s.exec(select(RateLimitEvent)).all()) == 10
    clock.advance(minutes=10)
    assert "Try again in 5 minutes" in _sign_in(engine, settings).error
    clock.advance(minutes=5, seconds=1)
    assert _sign_in(engine, settings).ok


def test_a_success_clears_the_account_counter(engine, settings, tech):
    for _ in range(4):
        _sign_in(engine, settings, password="wrong password here")
    assert _sign_in(engine, settings).ok
    for _ in range(4):
        _sign_in(engine, settings, password="wrong password here")
    assert _sign_in(engine, settings).ok


def test_one_address_trying_many_accounts_is_limited(engine, settings, tech, session):
    for i in range(20):
        _sign_in(engine, settings, email=f"guess{i}@example.com", ip="203.0.113.50")
    blocked = _sign_in(engine, settings, ip="203.0.113.50")
    assert not blocked.ok and "Too many failed sign-ins" in blocked.error
    assert _sign_in(engine, settings, ip="203.0.113.51").ok


def test_session_expires_after_the_idle_limit(engine, settings, tech, clock, read):
    token = _sign_in(engine, settings).token
    clock.advance(minutes=settings.staff_session_idle_minutes - 1)
    with read() as s:
        assert staff_auth.resolve_session(s, settings, token) is not None  # and refreshes last_seen
    clock.advance(minutes=settings.staff_session_idle_minutes - 1)
    with read() as s:
        assert staff_auth.resolve_session(s, settings, token) is not None
    clock.advance(minutes=settings.staff_session_idle_minutes)
    with read() as s:
        assert staff_auth.resolve_session(s, settings, token) is None


def test_session_expires_at_the_absolute_limit_even_when_active(engine, settings, tech, clock, read):
    token = _sign_in(engine, settings).token
    for _ in range(settings.staff_session_absolute_hours * 2 - 1):
        clock.advance(minutes=30)
        with read() as s:
            assert staff_auth.resolve_session(s, settings, token) is not None
    clock.advance(minutes=30)
    with read() as s:
        assert staff_auth.resolve_session(s, settings, token) is None


def test_sign_out_and_deactivation_revoke_server_side(engine, settings, tech, read):
    first = _sign_in(engine, settings).token
    second = _sign_in(engine, settings).token
    with read() as s:
        assert staff_auth.sign_out(s, first)
    with read() as s:
        assert staff_auth.resolve_session(s, settings, first) is None
        assert staff_auth.resolve_session(s, settings, second) is not None
        staff_auth.deactivate_user(s, tech.id, audit.Actor("staff", 99, "owner@example.com"))
    with read() as s:
        assert staff_auth.resolve_session(s, settings, second) is None
        assert all(row.revoked_at for row in s.exec(select(StaffSession)))


def test_forged_or_empty_tokens_resolve_to_nobody(settings, tech, session):
    assert staff_auth.resolve_session(session, settings, "") is None
    assert staff_auth.resolve_session(session, settings, None) is None
    assert staff_auth.resolve_session(session, settings, "x" * 27) is None


def test_create_staff_user_applies_the_password_rules(session):
    factories.shop(session)
    with pytest.raises(PasswordPolicyError):
        staff_auth.create_staff_user(session, email="a@b.co", name="A", password="short", role=Role.OWNER)
    with pytest.raises(staff_auth.AccountError):
        staff_auth.create_staff_user(
            session, email="not-an-email", name="A", password="x" * 5 + "quietriver", role="owner"
        )
    factories.staff(session, email="dup@example.com")
    with pytest.raises(staff_auth.AccountError, match="already exists"):
        factories.staff(session, email="DUP@example.com")


def test_a_corrupt_stored_hash_still_costs_a_full_bcrypt_check(monkeypatch):
    from repair_portal.services.passwords import verify_password

    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: calls.append(h[:7]) or real(pw, h))
    assert not verify_password("whatever password", "$2b$12$corrupt")
    assert calls and calls[-1] == b"$2b$12$"


@pytest.mark.full_bcrypt_cost
def test_every_demo_account_is_hashed_at_full_cost(engine, tmp_path):
    from repair_portal.db import write_session
    from repair_portal.models import StaffUser
    from repair_portal.services.demo import seed_demo

    with write_session(engine) as s:
        seed_demo(s, "k" * 40, tmp_path / "files")
    with write_session(engine) as s:
        assert {u.password_hash[:7] for u in s.exec(select(StaffUser))} == {"$2b$12$"}


def test_concurrent_session_checks_and_sign_ins_do_not_fail(engine, settings, tech):
    """Session refreshes write; several at once must queue, never fail with 'database is locked'."""
    import threading

    from repair_portal.db import write_session

    token = _sign_in(engine, settings).token
    errors = []

    def check():
        try:
            for _ in range(10):
                with write_session(engine) as s:
                    assert staff_auth.resolve_session(s, settings, token) is not None
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def login():
        try:
            _sign_in(engine, settings, password="wrong password here", ip="192.0.2.1")
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=check) for _ in range(3)] + [threading.Thread(target=login) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
