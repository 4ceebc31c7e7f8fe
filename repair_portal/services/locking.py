"""Transaction-level locks for read-then-write decisions, on SQLite and PostgreSQL.

Callers normally open `db.write_session` (BEGIN IMMEDIATE on SQLite). These helpers make a
service safe even when it is handed a deferred session: the worst case is then a loud
"database is locked" error, never two writers deciding on the same stale read.

Every editor with optimistic locking reads the record it compares against with `row()`: on
PostgreSQL (READ COMMITTED, several workers) a plain read lets two saves compare against the
same old copy and both write; `SELECT … FOR UPDATE` makes the second wait for the first to
commit and then compare against what the first saved.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import text
from sqlmodel import Session

Row = TypeVar("Row")


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def hold_sqlite_write_lock(session: Session) -> None:
    """Take SQLite's database write lock now (a no-op write), before reading what we decide on.

    Inside BEGIN IMMEDIATE this changes nothing. In a deferred transaction it waits for
    other writers (busy_timeout) and fails if this transaction already read a snapshot
    that another writer has since changed.
    """
    if dialect(session) == "sqlite":
        session.execute(text("UPDATE counter SET value = value WHERE 0"))


def advisory_xact_lock(session: Session, key: int) -> None:
    """PostgreSQL: serialise writers on `key` until this transaction ends. Other backends: nothing."""
    if dialect(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def row(session: Session, model: type[Row], pk) -> Row | None:
    """The row as committed now, locked until this transaction ends (None: no such row).

    PostgreSQL: `SELECT … FOR UPDATE`, re-read even if the session already holds the object, so a
    decision made on it can't be overtaken by another worker. SQLite: the database's write lock."""
    hold_sqlite_write_lock(session)
    return session.get(model, pk, with_for_update=True, populate_existing=True)
