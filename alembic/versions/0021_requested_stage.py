"""a "Requested" stage: where a job a customer asks for from their account waits for the shop

An existing workflow gets the stage first (every other stage moves one place down); a fresh database has
no stages yet and gets it with the default workflow (services/workflow.py). Walk-in orders still start
at the first stage after it (services/workflow.first_stage).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

STAGE = sa.table(
    "stage",
    sa.column("id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("name", sa.String),
    sa.column("customer_label", sa.String),
    sa.column("customer_explanation", sa.String),
    sa.column("kind", sa.String),
    sa.column("is_terminal", sa.Boolean),
    sa.column("notify_customer", sa.Boolean),
    sa.column("active", sa.Boolean),
    sa.column("color", sa.String),
)
EXPLANATION = "We've received your request and will confirm it shortly."


def _renumber(conn) -> None:
    """Positions 1..N again: active stages first, by position (the workflow editor's rule)."""
    rows = conn.execute(sa.select(STAGE.c.id, STAGE.c.position, STAGE.c.active)).all()
    ordered = sorted(rows, key=lambda r: (not r.active, r.position, r.id))
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            conn.execute(STAGE.update().where(STAGE.c.id == row.id).values(position=position))


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(STAGE.c.name, STAGE.c.kind)).all()
    if not rows or any(r.kind == "requested" for r in rows):
        return  # a new shop gets it with the default stages; never twice
    taken = {r.name.casefold() for r in rows}
    name = next(n for n in ("Requested", "Requested online", "Customer request") if n.casefold() not in taken)
    conn.execute(STAGE.update().values(position=STAGE.c.position + 1))
    conn.execute(
        STAGE.insert().values(
            position=0,
            name=name,
            customer_label="Requested",
            customer_explanation=EXPLANATION,
            kind="requested",
            is_terminal=False,
            notify_customer=False,
            active=True,
            color="cyan",
        )
    )
    _renumber(conn)


def downgrade() -> None:
    """The stage goes when nothing points at it; otherwise it stays as a plain stage (history kept)."""
    conn = op.get_bind()
    for (stage_id,) in conn.execute(sa.select(STAGE.c.id).where(STAGE.c.kind == "requested")).all():
        used = conn.execute(
            sa.text(
                "SELECT (SELECT COUNT(*) FROM repair_order WHERE stage_id = :id)"
                " + (SELECT COUNT(*) FROM status_event WHERE to_stage_id = :id OR from_stage_id = :id)"
                " + (SELECT COUNT(*) FROM stage WHERE approve_to_stage_id = :id OR decline_to_stage_id = :id)"
            ),
            {"id": stage_id},
        ).scalar()
        if used:
            conn.execute(STAGE.update().where(STAGE.c.id == stage_id).values(kind="normal"))
        else:
            conn.execute(STAGE.delete().where(STAGE.c.id == stage_id))
    _renumber(conn)
