import threading
import time

from sqlalchemy import text

from repair_portal.db import write_session


def test_sqlite_connections_use_wal_full_sync_busy_timeout_and_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_write_sessions_take_the_write_lock_up_front_and_queue_instead_of_failing(engine):
    """Two read-then-write transactions on one row: the second waits, neither fails."""
    with write_session(engine) as s:
        s.execute(text("INSERT INTO counter (name, value) VALUES ('t', 0)"))
    order: list[str] = []

    def worker(name: str, hold: float):
        with write_session(engine) as s:
            value = s.execute(text("SELECT value FROM counter WHERE name='t'")).scalar()
            order.append(f"{name}:read")
            time.sleep(hold)
            s.execute(text("UPDATE counter SET value=:v WHERE name='t'"), {"v": value + 1})
            order.append(f"{name}:write")

    a = threading.Thread(target=worker, args=("a", 0.3))
    a.start()
    time.sleep(0.05)
    b = threading.Thread(target=worker, args=("b", 0))
    b.start()
    a.join()
    b.join()
    assert order == ["a:read", "a:write", "b:read", "b:write"]
    with write_session(engine) as s:
        assert s.execute(text("SELECT value FROM counter WHERE name='t'")).scalar() == 2  # no lost update


def test_foreign_keys_are_enforced(engine):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), write_session(engine) as s:
        s.execute(
            text(
                "INSERT INTO device (customer_id, kind, make, model, serial, notes, created_at) "
                "VALUES (999, 'phone', '', '', '', '', '2026-01-01 00:00:00')"
            )
        )
