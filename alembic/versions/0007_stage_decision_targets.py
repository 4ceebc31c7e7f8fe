"""stages say where a quote approval or decline moves an order

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Existing workflows get the defaults a new shop gets: an awaiting-approval stage moves an approved
order to the next public stage after it, and a declined one to the ready-to-collect stage.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stage") as batch:
        batch.add_column(sa.Column("approve_to_stage_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decline_to_stage_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_stage_approve_to_stage_id_stage"), "stage", ["approve_to_stage_id"], ["id"])
        batch.create_foreign_key(op.f("fk_stage_decline_to_stage_id_stage"), "stage", ["decline_to_stage_id"], ["id"])
    bind = op.get_bind()
    stage = sa.table(
        "stage",
        sa.column("id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("customer_explanation", sa.String),
        sa.column("approve_to_stage_id", sa.Integer),
        sa.column("decline_to_stage_id", sa.Integer),
    )
    rows = bind.execute(
        sa.select(stage.c.id, stage.c.position, stage.c.kind, stage.c.customer_explanation)
        .where(stage.c.active.is_(True))
        .order_by(stage.c.position)
    ).all()
    ready = next((r.id for r in rows if r.kind == "ready"), None)
    for row in rows:
        if row.kind != "awaiting_approval":
            continue
        after = next(
            (r.id for r in rows if r.position > row.position and r.kind == "normal" and r.customer_explanation), None
        )
        bind.execute(
            stage.update().where(stage.c.id == row.id).values(approve_to_stage_id=after, decline_to_stage_id=ready)
        )


def downgrade() -> None:
    with op.batch_alter_table("stage") as batch:
        batch.drop_constraint(op.f("fk_stage_decline_to_stage_id_stage"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_stage_approve_to_stage_id_stage"), type_="foreignkey")
        batch.drop_column("decline_to_stage_id")
        batch.drop_column("approve_to_stage_id")
