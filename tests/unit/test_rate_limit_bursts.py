"""Rate limits hold under bursts, on SQLite and on PostgreSQL (several workers share one database).

Fifteen attempts released at the same moment against a limit of N: exactly N get as far as the
secret's check (a password, a customer's last name, a link) and the rest are refused before it.
Each door is burst ROUNDS times, the clock moving past the window between rounds.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from repair_portal.db import make_engine, session_scope, write_session
from repair_portal.models import AuditEvent
from repair_portal.services import (
    audit,
    messages,
    order_lookup,
    passwords,
    portal_passwords,
    portal_signin,
    ratelimit,
    staff_auth,
    staff_users,
)

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import portal_user
from .race_helpers import ROUNDS, together

BURST = 15
CUSTOMER = audit.Actor("customer", None, "Ada Nowak")


@pytest.fixture(autouse=True)
def _quick_dummy_check(monkeypatch):
    """Refused attempts spend a dummy bcrypt check at cost 12 (made at import); cost 4 here, as for every
    hash made in tests: the cost is a property of the hash, not of the limit under test."""
    monkeypatch.setattr(passwords, "_DUMMY_HASH", bcrypt.hashpw(b"dummy", bcrypt.gensalt(4)).decode())


@dataclass(frozen=True)
class Door:
    setup: Callable[[Session], object]
    attempt: Callable[..., None]  # (engine, settings, what setup made, round, attempt number)
    checked: str  # the audit entry each attempt that reached the check leaves
    limit: Callable[[object], int]  # N, from the settings


def _staff_sign_in(engine, settings, _ctx, r, i):
    ip = f"198.51.{r}.{i}"
    staff_auth.sign_in(engine, settings, email="tech@example.com", password=f"guess {r}.{i}", ip=ip)


def _portal_sign_in(engine, settings, _ctx, r, i):
    ip = f"198.51.{r}.{i}"
    portal_signin.sign_in(engine, settings, email="pat@quay.test", password=f"guess {r}.{i}", ip=ip)


def _order(s: Session) -> tuple[int, str]:
    location = s.exec(select(factories.Location)).first()
    order = factories.order(s, location).order
    return order.id, order.reference


def _look_up(engine, _settings, ctx, r, i):
    with write_session(engine) as s:
        order_lookup.look_up(
            s, TEST_SECRET_KEY, ctx[1], f"Wrong{r}x{i}", f"device-{r}-{i}-" + "0" * 20, ip=f"10.{r}.0.{i}"
        )


def _portal_link(engine, _settings, _ctx, r, i):
    with write_session(engine) as s:
        portal_passwords.check_link(s, f"not-a-link-{r}-{i}", ip="203.0.113.7")


def _staff_link(engine, _settings, _ctx, r, i):
    with write_session(engine) as s:
        staff_users.check_link(s, f"not-a-link-{r}-{i}", ip="203.0.113.7")


def _message(engine, _settings, ctx, r, i):
    with write_session(engine) as s:
        messages.post_customer_message(s, ctx[0], f"Message {r}.{i}", "Ada Nowak", CUSTOMER)


DOORS = {
    "staff sign-in": Door(
        lambda s: factories.staff(s),
        _staff_sign_in,
        "staff.login.failure",
        lambda st: st.login_max_failures_per_account,
    ),
    "portal sign-in": Door(
        lambda s: portal_user(s), _portal_sign_in, "portal.login.failure", lambda st: st.login_max_failures_per_account
    ),
    "order lookup": Door(_order, _look_up, "portal.lookup_failed", lambda st: order_lookup.CODE_LIMIT.max_failures),
    "portal password link": Door(
        lambda s: None, _portal_link, "portal.link_failed", lambda st: portal_passwords.LINK_LIMIT.max_failures
    ),
    "staff password link": Door(
        lambda s: None,
        _staff_link,
        "staff.password_link_failed",
        lambda st: staff_users.SET_PASSWORD_LIMIT.max_failures,
    ),
    "customer messages": Door(
        _order, _message, "portal.message", lambda st: messages.CUSTOMER_MESSAGE_LIMIT.max_failures
    ),
}


def _audits(engine, action: str) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)).one()


@pytest.mark.parametrize("door", list(DOORS))
def test_a_burst_of_fifteen_reaches_the_check_exactly_the_limit_times(door, each_engine, settings, clock, monkeypatch):
    engine, spec = each_engine, DOORS[door]
    monkeypatch.setattr(messages, "CUSTOMER_MESSAGE_LIMIT", ratelimit.Limit("portal_messages", 5, timedelta(hours=1)))
    with write_session(engine) as s:
        factories.shop(s)
        ctx = spec.setup(s)
    limit = spec.limit(settings)
    assert limit < BURST
    wrong: list[str] = []
    for r in range(ROUNDS):
        before = _audits(engine, spec.checked)
        results = together([lambda i=i, r=r: spec.attempt(engine, settings, ctx, r, i) for i in range(BURST)])
        errors = [res for res in results if isinstance(res, Exception) and not isinstance(res, messages.MessageError)]
        checked = _audits(engine, spec.checked) - before
        if checked != limit or errors:
            wrong.append(f"round {r}: {checked} of {BURST} checked (limit {limit}); errors: {errors}")
        clock.advance(hours=2)  # past every window: the next round starts from nothing
    assert not wrong, f"{door}: {len(wrong)}/{ROUNDS} rounds went wrong:\n" + "\n".join(wrong)


def test_a_burst_of_fifteen_acquires_counts_exactly_the_limit(each_engine, clock):
    engine = each_engine
    limit = ratelimit.Limit("burst_test", 5, timedelta(minutes=15))

    def acquire(key: str) -> bool:
        with write_session(engine) as s:
            return not ratelimit.acquire(s, limit, key)[0].blocked

    counts = []
    for r in range(ROUNDS):
        results = together([lambda r=r: acquire(f"key {r}") for _ in range(BURST)])
        assert not [res for res in results if isinstance(res, Exception)], results
        with session_scope(engine) as s:
            counts.append((sum(results), ratelimit.count(s, limit, f"key {r}")))
    assert counts == [(5, 5)] * ROUNDS


PROCESS_ROUNDS = 3  # a round starts fifteen processes' attempts together (slower than threads)


def _attempt_in_processes(url: str, settings, clock, barrier, i: int) -> None:
    """One worker process: its own engine and connections, as a separate app worker has."""
    code = 0
    try:
        engine = make_engine(url)
        for r in range(PROCESS_ROUNDS):
            barrier.wait(timeout=120)
            _staff_sign_in(engine, settings, None, r, i)
            barrier.wait(timeout=120)
            clock.advance(hours=2)
    except BaseException:  # the parent sees the exit code
        code = 1
    finally:
        os._exit(code)


def test_fifteen_processes_guessing_at_once_check_exactly_the_limit(each_engine, settings, clock):
    engine = each_engine
    with write_session(engine) as s:
        factories.shop(s)
        factories.staff(s)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()  # no connection of ours is inherited by the children
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(BURST + 1)
    workers = [
        fork.Process(target=_attempt_in_processes, args=(url, settings, clock, barrier, i)) for i in range(BURST)
    ]
    for w in workers:
        w.start()
    checked = []
    try:
        for _ in range(PROCESS_ROUNDS):
            before = _audits(engine, "staff.login.failure")
            barrier.wait(timeout=120)  # go
            barrier.wait(timeout=120)  # every attempt of the round answered
            checked.append(_audits(engine, "staff.login.failure") - before)
    finally:
        for w in workers:
            w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * BURST
    assert checked == [settings.login_max_failures_per_account] * PROCESS_ROUNDS
