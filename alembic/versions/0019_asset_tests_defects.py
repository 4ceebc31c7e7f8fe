"""assets: tests (with a certificate PDF), defects and their photos; the shop's asset label and the asset
fields portal users see

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime(timezone=True)
DEFAULT_FIELDS = "asset_tag,kind,make,model,serial,customer_ref,description,site,warranty_until,tests,defects"


def upgrade() -> None:
    op.create_table(
        "asset_test",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("certificate_name", sa.String(length=100), nullable=True),
        sa.Column("certificate_filename", sa.String(length=255), nullable=False),
        sa.Column("certificate_bytes", sa.Integer(), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_asset_test_device_id_device")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"], name=op.f("fk_asset_test_staff_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_test")),
        sa.UniqueConstraint("certificate_name", name=op.f("uq_asset_test_certificate_name")),
    )
    op.create_index("ix_asset_test_device_tested", "asset_test", ["device_id", "tested_on", "id"])
    op.create_table(
        "defect",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("fixed_on", sa.Date(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_defect_device_id_device")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"], name=op.f("fk_defect_staff_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defect")),
    )
    op.create_index(op.f("ix_defect_device_id"), "defect", ["device_id"])
    op.create_table(
        "defect_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("defect_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["defect_id"], ["defect.id"], name=op.f("fk_defect_photo_defect_id_defect")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["staff_user.id"], name=op.f("fk_defect_photo_uploaded_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defect_photo")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_defect_photo_storage_name")),
    )
    op.create_index(op.f("ix_defect_photo_defect_id"), "defect_photo", ["defect_id"])
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(sa.Column("asset_label", sa.String(length=40), nullable=False, server_default="Asset ID"))
        batch.add_column(
            sa.Column("asset_customer_fields", sa.String(length=300), nullable=False, server_default=DEFAULT_FIELDS)
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.drop_column("asset_customer_fields")
        batch.drop_column("asset_label")
    op.drop_index(op.f("ix_defect_photo_defect_id"), table_name="defect_photo")
    op.drop_table("defect_photo")
    op.drop_index(op.f("ix_defect_device_id"), table_name="defect")
    op.drop_table("defect")
    op.drop_index("ix_asset_test_device_tested", table_name="asset_test")
    op.drop_table("asset_test")
