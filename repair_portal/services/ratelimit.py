"""Sliding-window failure counters kept in the database (they survive restarts)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, text
from sqlmodel import Session, select

from ..models import RateLimitEvent
from . import clock
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
    since = clock.now() - limit.window
    rows = session.exec(
        select(RateLimitEvent.at)
        .where(RateLimitEvent.scope == limit.scope)
        .where(RateLimitEvent.key_hash == _key(limit.scope, key))
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
    """Serialise attempts on one key. SQLite's BEGIN IMMEDIATE already holds the database's write lock;
    PostgreSQL takes a transaction-scoped advisory lock on the key."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(key_hash[:15], 16)})


def acquire(session: Session, limit: Limit, key: str) -> tuple[Verdict, int | None]:
    """Count an attempt *before* the secret is checked: (verdict, id of the counted attempt).

    Run inside `write_session()`: the count and the insert happen under one lock, so N parallel
    attempts check at most `max_failures` secrets. A successful check gives its attempt back
    with `release`.
    """
    key_hash = _key(limit.scope, key)
    _lock_key(session, key_hash)
    verdict = check(session, limit, key)
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
