"""Human order references (R-10001, R-10002, ...) that never repeat."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

ORDER_COUNTER = "order_reference"
FIRST_ORDER_NUMBER = 10001
PREFIX = "R-"


def next_order_reference(session: Session) -> str:
    """Atomically take the next number: one UPDATE ... RETURNING, safe across threads and workers."""
    value = session.execute(
        text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value"), {"name": ORDER_COUNTER}
    ).scalar()
    if value is None:
        session.execute(
            text("INSERT INTO counter (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING"),
            {"name": ORDER_COUNTER, "value": FIRST_ORDER_NUMBER - 1},
        )
        value = session.execute(
            text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value"), {"name": ORDER_COUNTER}
        ).scalar_one()
    return f"{PREFIX}{value}"
