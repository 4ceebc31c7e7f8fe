"""counter signing: a staff session can be locked to one order's signing screen; signed texts kept

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from repair_portal.models.base import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_session") as batch:
        batch.add_column(sa.Column("counter_order_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("counter_purpose", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("counter_signed_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_staff_session_counter_order_id_repair_order"), "repair_order", ["counter_order_id"], ["id"]
        )
    op.create_table(
        "signed_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.String(length=40000), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_text")),
        sa.UniqueConstraint("sha256", name=op.f("uq_signed_text_sha256")),
    )


def downgrade() -> None:
    op.drop_table("signed_text")
    with op.batch_alter_table("staff_session") as batch:
        batch.drop_constraint(op.f("fk_staff_session_counter_order_id_repair_order"), type_="foreignkey")
        batch.drop_column("counter_signed_at")
        batch.drop_column("counter_purpose")
        batch.drop_column("counter_order_id")
