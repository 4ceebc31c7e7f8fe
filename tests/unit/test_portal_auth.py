"""Portal sessions (expiry, idle, revoke, disabled users) and one-time links (single use, lifetimes,
two spends at once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from repair_portal.models import PortalSession, PortalToken
from repair_portal.services import audit, portal_auth
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import database_bytes
from ..portal_factories import portal_user


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return portal_user(s)


def _open(write, settings, user, **kw):
    with write() as s:
        return portal_auth.open_session(
            s, settings, s.get(type(user), user.id), ip="198.51.100.4", user_agent="pytest", mfa_passed=True, **kw
        )


def _resolve(write, settings, token):
    with write() as s:
        return portal_auth.resolve(s, settings, token)


def test_a_session_is_stored_hashed_and_resolves_to_its_user_and_account(engine, write, settings, user, clock):
    token = _open(write, settings, user)
    identity = _resolve(write, settings, token)
    assert identity.user_id == user.id and identity.customer_id == user.customer_id
    assert portal_auth.signed_in(identity)
    with write() as s:
        row = s.exec(select(PortalSession)).one()
        assert row.token_hash == hash_token(token) and row.ip == "198.51.100.4"
    assert token.encode() not in database_bytes(engine)
    assert _resolve(write, settings, token + "x") is None
    assert _resolve(write, settings, "") is None


def test_sessions_end_when_idle_at_the_absolute_limit_and_when_revoked(write, settings, user, clock):
    idle = _open(write, settings, user)
    clock.advance(minutes=settings.portal_session_idle_minutes)
    assert _resolve(write, settings, idle) is None

    kept = _open(write, settings, user)
    days = settings.portal_session_absolute_hours // 24
    for _ in range(days - 1):  # used every day, so never idle: it still ends at the absolute limit
        clock.advance(hours=24)
        assert _resolve(write, settings, kept) is not None
    clock.advance(hours=24)
    assert _resolve(write, settings, kept) is None

    first, second = _open(write, settings, user), _open(write, settings, user)
    with write() as s:
        assert portal_auth.sign_out(s, first) is True
        assert portal_auth.sign_out(s, first) is False  # once
    assert _resolve(write, settings, first) is None and _resolve(write, settings, second) is not None


def test_revoke_all_can_keep_this_browser(write, settings, user, clock):
    here, there, elsewhere = (_open(write, settings, user) for _ in range(3))
    keep = _resolve(write, settings, here).session_id
    with write() as s:
        assert portal_auth.revoke_all(s, user.id, keep_session_id=keep) == 2
    assert _resolve(write, settings, here) is not None
    assert _resolve(write, settings, there) is None and _resolve(write, settings, elsewhere) is None
    with write() as s:
        assert portal_auth.revoke_all(s, user.id) == 1
    assert _resolve(write, settings, here) is None


def test_a_disabled_user_is_signed_out_at_once(write, settings, user, clock):
    token = _open(write, settings, user)
    with write() as s:
        s.get(type(user), user.id).active = False
    assert _resolve(write, settings, token) is None


def test_enrolled_totp_is_asked_for_even_where_the_account_does_not_require_it(write, settings, user, clock):
    with write() as s:
        u = s.get(type(user), user.id)
        assert not portal_auth.needs_mfa(s, u)
        u.totp_enabled_at = clock.now()
        assert portal_auth.needs_mfa(s, u) and not portal_auth.mfa_required(s, u)
        token = portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=False)
    identity = _resolve(write, settings, token)
    assert identity.needs_mfa and not portal_auth.signed_in(identity)


@pytest.mark.parametrize(
    ("purpose", "lifetime"),
    [("magic", timedelta(minutes=15)), ("invite", timedelta(hours=72)), ("reset", timedelta(minutes=30))],
)
def test_links_work_once_and_only_within_their_lifetime(engine, write, user, clock, purpose, lifetime):
    with write() as s:
        token = portal_auth.issue_token(s, s.get(type(user), user.id), purpose)
    assert token.encode() not in database_bytes(engine)
    with write() as s:
        assert portal_auth.peek_token(s, token, purpose).id == user.id  # looking spends nothing
        assert portal_auth.peek_token(s, token, "magic" if purpose != "magic" else "reset") is None  # wrong kind
        assert portal_auth.consume_token(s, token, purpose, audit.SYSTEM).id == user.id
        assert portal_auth.consume_token(s, token, purpose, audit.SYSTEM) is None
        late = portal_auth.issue_token(s, s.get(type(user), user.id), purpose)
    clock.advance(seconds=lifetime.total_seconds() - 1)
    with write() as s:
        assert portal_auth.peek_token(s, late, purpose) is not None
    clock.advance(seconds=1)
    with write() as s:
        assert portal_auth.peek_token(s, late, purpose) is None
        assert portal_auth.consume_token(s, late, purpose, audit.SYSTEM) is None


def test_a_new_link_kills_the_older_one_of_the_same_kind(write, user, clock):
    with write() as s:
        u = s.get(type(user), user.id)
        old, reset = portal_auth.issue_token(s, u, "magic"), portal_auth.issue_token(s, u, "reset")
        new = portal_auth.issue_token(s, u, "magic")
    with write() as s:
        assert portal_auth.consume_token(s, old, "magic", audit.SYSTEM) is None
        assert portal_auth.consume_token(s, reset, "reset", audit.SYSTEM) is not None
        assert portal_auth.consume_token(s, new, "magic", audit.SYSTEM) is not None


def test_a_disabled_users_link_does_nothing(write, user, clock):
    with write() as s:
        token = portal_auth.issue_token(s, s.get(type(user), user.id), "magic")
        s.get(type(user), user.id).active = False
    with write() as s:
        assert portal_auth.peek_token(s, token, "magic") is None
        assert portal_auth.consume_token(s, token, "magic", audit.SYSTEM) is None


def test_two_spends_of_one_link_at_once_give_one_user(engine, write, user):
    from repair_portal.db import write_session

    with write() as s:
        token = portal_auth.issue_token(s, s.get(type(user), user.id), "magic")
    barrier, results = threading.Barrier(2), []

    def spend():
        barrier.wait()
        with write_session(engine) as s:
            results.append(portal_auth.consume_token(s, token, "magic", audit.SYSTEM))

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r is not None for r in results) == [False, True]
    with write() as s:
        assert s.exec(select(PortalToken)).one().used_at is not None
