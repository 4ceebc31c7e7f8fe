"""Sliding-window failure counters kept in the database (they survive restarts and are shared by every worker).

Counting is atomic across processes: each key is counted under its own lock (`_lock_key`), and the
attempt is counted before the secret is checked (`acquire`), so a burst checks at most the limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..models import RateLimitEvent
from . import clock, locking
from .tokens import hash_token


@dataclass(frozen=True)
class Limit:
    scope: str
    max_failures: int
    window: timedelta


@dataclass(frozen=True)
class Verdict:
    blocked: bool
    retry_after_seconds: int = 0

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


def _key(scope: str, key: str) -> str:
    return hash_token(f"{scope}:{key.strip().lower()}")


def check(session: Session, limit: Limit, key: str) -> Verdict:
    """Whether `key` is over the limit. Takes the key's lock until the transaction ends, so a caller
    that checks, does its (cheap) work and then calls `record_failure` in the same transaction is
    atomic too: a burst can't all pass the check before any failure is recorded."""
    key_hash = _key(limit.scope, key)
    _lock_key(session, key_hash)
    return _verdict(session, limit, key_hash)


def _verdict(session: Session, limit: Limit, key_hash: str) -> Verdict:
    since = clock.now() - limit.window
    rows = session.exec(
        select(RateLimitEvent.at)
        .where(RateLimitEvent.scope == limit.scope)
        .where(RateLimitEvent.key_hash == key_hash)
        .where(RateLimitEvent.at > since)
        .order_by(RateLimitEvent.at.desc())
        .limit(limit.max_failures)
    ).all()
    if len(rows) < limit.max_failures:
        return Verdict(blocked=False)
    oldest_counted = rows[-1]
    retry = (oldest_counted + limit.window) - clock.now()
    return Verdict(blocked=True, retry_after_seconds=max(1, int(retry.total_seconds())))


def _lock_key(session: Session, key_hash: str) -> None:
    """Serialise everything that counts one key until this transaction ends, across every worker:
    SQLite takes the database's write lock (already held inside `write_session`), PostgreSQL a
    transaction-scoped advisory lock on the key. The count is then read after the previous holder's
    commit, never from a copy a concurrent attempt is about to add to."""
    locking.hold_sqlite_write_lock(session)
    locking.advisory_xact_lock(session, int(key_hash[:15], 16))


def acquire(session: Session, limit: Limit, key: str) -> tuple[Verdict, int | None]:
    """Count an attempt *before* the secret is checked: (verdict, id of the counted attempt).

    Run inside `write_session()` and commit before the expensive check (bcrypt): the count and the
    insert happen under the key's lock, so N parallel attempts on any number of workers check at most
    `max_failures` secrets. A successful check gives its attempt back with `release`.
    """
    key_hash = _key(limit.scope, key)
    _lock_key(session, key_hash)
    verdict = _verdict(session, limit, key_hash)
    if verdict.blocked:
        return verdict, None
    event = RateLimitEvent(scope=limit.scope, key_hash=key_hash, at=clock.now())
    session.add(event)
    session.flush()
    return verdict, event.id


def release(session: Session, attempt_ids) -> None:
    """Give back attempts that turned out to be right (they were counted before the check)."""
    ids = [i for i in attempt_ids if i is not None]
    if ids:
        session.execute(delete(RateLimitEvent).where(RateLimitEvent.id.in_(ids)))


def record_failure(session: Session, limit: Limit, key: str) -> None:
    session.add(RateLimitEvent(scope=limit.scope, key_hash=_key(limit.scope, key), at=clock.now()))


def clear(session: Session, limit: Limit, key: str) -> None:
    session.execute(
        delete(RateLimitEvent)
        .where(RateLimitEvent.scope == limit.scope)
        .where(RateLimitEvent.key_hash == _key(limit.scope, key))
    )


def count(session: Session, limit: Limit, key: str) -> int:
    since = clock.now() - limit.window
    return session.exec(
        select(func.count())
        .select_from(RateLimitEvent)
        .where(RateLimitEvent.scope == limit.scope)
        .where(RateLimitEvent.key_hash == _key(limit.scope, key))
        .where(RateLimitEvent.at > since)
    ).one()


def prune(session: Session, older_than: timedelta = timedelta(days=2)) -> None:
    session.execute(delete(RateLimitEvent).where(RateLimitEvent.at < clock.now() - older_than))
