"""service reports (drafts and approved revisions of an order's report) and shared resources (folders of
files shared with every account or with chosen accounts)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "service_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("findings", sa.String(length=8000), nullable=False),
        sa.Column("work_done", sa.String(length=8000), nullable=False),
        sa.Column("tests_performed", sa.String(length=4000), nullable=False),
        sa.Column("parts_used", sa.String(length=4000), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("photo_ids_json", sa.String(length=400), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        _fk("service_report", "order_id", "repair_order"),
        _fk("service_report", "technician_id", "staff_user"),
        _fk("service_report", "created_by_id", "staff_user"),
        _fk("service_report", "approved_by_id", "staff_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_report")),
        sa.UniqueConstraint("order_id", "revision", name="uq_service_report_order_revision"),
    )
    op.create_index(op.f("ix_service_report_order_id"), "service_report", ["order_id"])

    op.create_table(
        "resource_folder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_folder")),
        sa.UniqueConstraint("name", name=op.f("uq_resource_folder_name")),
    )
    op.create_table(
        "resource_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("storage_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("shared_with_all", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        _fk("resource_file", "folder_id", "resource_folder"),
        _fk("resource_file", "uploaded_by_id", "staff_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_file")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_resource_file_storage_name")),
    )
    op.create_index(op.f("ix_resource_file_folder_id"), "resource_file", ["folder_id"])
    op.create_table(
        "resource_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        _fk("resource_share", "file_id", "resource_file"),
        _fk("resource_share", "customer_id", "customer"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_share")),
        sa.UniqueConstraint("file_id", "customer_id", name="uq_resource_share_file_customer"),
    )
    op.create_index(op.f("ix_resource_share_file_id"), "resource_share", ["file_id"])
    op.create_index(op.f("ix_resource_share_customer_id"), "resource_share", ["customer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_resource_share_customer_id"), table_name="resource_share")
    op.drop_index(op.f("ix_resource_share_file_id"), table_name="resource_share")
    op.drop_table("resource_share")
    op.drop_index(op.f("ix_resource_file_folder_id"), table_name="resource_file")
    op.drop_table("resource_file")
    op.drop_table("resource_folder")
    op.drop_index(op.f("ix_service_report_order_id"), table_name="service_report")
    op.drop_table("service_report")
