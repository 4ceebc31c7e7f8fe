"""the shop's price list (services and parts for quick quote lines); a staff-recorded decision's note

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01


"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_list_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("optional_by_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list_item")),
    )
    # Unique among active items only (a retired code may be reused).
    op.create_index(
        "uq_price_list_item_active_code",
        "price_list_item",
        ["code"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("decision_note", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quote") as batch:
        batch.drop_column("decision_note")
    op.drop_index("uq_price_list_item_active_code", table_name="price_list_item")
    op.drop_table("price_list_item")
