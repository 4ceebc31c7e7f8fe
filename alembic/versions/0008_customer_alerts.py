"""customer alerts for staff: one per customer action, read per staff member, handled once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("created_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["repair_order.id"], name=op.f("fk_customer_alert_order_id_repair_order")
        ),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_customer_alert_location_id_location")),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["staff_user.id"], name=op.f("fk_customer_alert_handled_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_alert")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_customer_alert_dedupe_key")),
    )
    op.create_index(op.f("ix_customer_alert_order_id"), "customer_alert", ["order_id"])
    op.create_index(op.f("ix_customer_alert_location_id"), "customer_alert", ["location_id"])
    op.create_index(op.f("ix_customer_alert_created_at"), "customer_alert", ["created_at"])
    op.create_index("ix_customer_alert_open", "customer_alert", ["handled_at", "order_id"])
    op.create_table(
        "alert_read",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("read_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_alert_read_staff_user_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["customer_alert.id"], name=op.f("fk_alert_read_alert_id_customer_alert")
        ),
        sa.PrimaryKeyConstraint("staff_user_id", "alert_id", name=op.f("pk_alert_read")),
    )
    op.create_index(op.f("ix_alert_read_alert_id"), "alert_read", ["alert_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_read_alert_id"), table_name="alert_read")
    op.drop_table("alert_read")
    op.drop_index("ix_customer_alert_open", table_name="customer_alert")
    op.drop_index(op.f("ix_customer_alert_created_at"), table_name="customer_alert")
    op.drop_index(op.f("ix_customer_alert_location_id"), table_name="customer_alert")
    op.drop_index(op.f("ix_customer_alert_order_id"), table_name="customer_alert")
    op.drop_table("customer_alert")
