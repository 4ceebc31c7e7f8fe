"""account foundations: sites, asset fields on devices, an order's site / PO number / job type / schedule /
requesting portal user, the shop's job types

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime(timezone=True)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable foreign key column without rebuilding the table (SQLite takes REFERENCES in ADD COLUMN)."""
    if op.get_context().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target}(id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_{column}", table, target, [column], ["id"])


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index(op.f("ix_site_customer_id"), "site", ["customer_id"])
    # device and repair_order carry expression/composite indexes: plain ADD COLUMN, no table rebuild.
    with op.batch_alter_table("device", recreate="never") as batch:
        batch.add_column(sa.Column("asset_tag", sa.String(length=60), nullable=False, server_default=""))
        batch.add_column(sa.Column("customer_ref", sa.String(length=100), nullable=False, server_default=""))
        batch.add_column(sa.Column("description", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("warranty_until", sa.Date(), nullable=True))
    _add_reference("device", "site_id", "site")
    op.create_index(op.f("ix_device_asset_tag"), "device", ["asset_tag"])
    op.create_index(op.f("ix_device_site_id"), "device", ["site_id"])
    with op.batch_alter_table("repair_order", recreate="never") as batch:
        batch.add_column(sa.Column("po_number", sa.String(length=60), nullable=False, server_default=""))
        batch.add_column(sa.Column("job_type", sa.String(length=60), nullable=False, server_default=""))
        batch.add_column(sa.Column("scheduled_at", UTC, nullable=True))
    _add_reference("repair_order", "site_id", "site")
    _add_reference("repair_order", "requested_by_id", "portal_user")
    op.create_index(op.f("ix_repair_order_site_id"), "repair_order", ["site_id"])
    op.create_index(op.f("ix_repair_order_scheduled_at"), "repair_order", ["scheduled_at"])
    op.create_index(op.f("ix_repair_order_requested_by_id"), "repair_order", ["requested_by_id"])
    op.create_index("ix_repair_order_customer_booked", "repair_order", ["customer_id", "booked_in_at"])
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(
            sa.Column(
                "job_types", sa.String(length=1000), nullable=False, server_default="Repair\nService\nInstallation"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.drop_column("job_types")
    if op.get_context().dialect.name != "sqlite":  # (SQLite drops a column with its REFERENCES clause)
        op.drop_constraint("fk_repair_order_requested_by_id", "repair_order", type_="foreignkey")
        op.drop_constraint("fk_repair_order_site_id", "repair_order", type_="foreignkey")
        op.drop_constraint("fk_device_site_id", "device", type_="foreignkey")
    for name in (
        "ix_repair_order_customer_booked",
        "ix_repair_order_requested_by_id",
        "ix_repair_order_scheduled_at",
        "ix_repair_order_site_id",
    ):
        op.drop_index(name, table_name="repair_order")
    for column in ("requested_by_id", "scheduled_at", "job_type", "po_number", "site_id"):
        op.drop_column("repair_order", column)
    op.drop_index("ix_device_site_id", table_name="device")
    op.drop_index("ix_device_asset_tag", table_name="device")
    for column in ("warranty_until", "description", "customer_ref", "site_id", "asset_tag"):
        op.drop_column("device", column)
    op.drop_index("ix_site_customer_id", table_name="site")
    op.drop_table("site")
