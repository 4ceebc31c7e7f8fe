"""Human order references (R-10001, R-10002, ...) and other shop-wide numbers that never repeat."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

ORDER_COUNTER = "order_reference"
FIRST_ORDER_NUMBER = 10001
PREFIX = "R-"


def next_counter_value(session: Session, name: str, first: int) -> int:
    """Atomically take the next number of counter `name`: one UPDATE ... RETURNING, safe across threads and
    workers. The row stays locked until the caller's transaction ends, and a rollback gives the number back
    (no gaps: the number is taken in the same transaction as the row that carries it)."""
    value = session.execute(
        text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value"), {"name": name}
    ).scalar()
    if value is None:
        session.execute(
            text("INSERT INTO counter (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING"),
            {"name": name, "value": first - 1},
        )
        value = session.execute(
            text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value"), {"name": name}
        ).scalar_one()
    return value


def next_order_reference(session: Session) -> str:
    return f"{PREFIX}{next_counter_value(session, ORDER_COUNTER, FIRST_ORDER_NUMBER)}"
