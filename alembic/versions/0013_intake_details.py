"""intake details: accessories, the shop's pre-repair checklist, an encrypted device passcode

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

DEFAULT_CHECKLIST = "Powers on\nScreen cracked\nTouch works\nCameras work\nCharges\nSigns of liquid damage"


def upgrade() -> None:
    with op.batch_alter_table("repair_order") as batch:
        batch.add_column(sa.Column("accessories", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("intake_checks_json", sa.String(length=4000), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("passcode_encrypted", sa.String(length=500), nullable=True))
        batch.add_column(
            sa.Column("passcode_deleted_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(
            sa.Column("intake_checklist", sa.String(length=2000), nullable=False, server_default=DEFAULT_CHECKLIST)
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.drop_column("intake_checklist")
    with op.batch_alter_table("repair_order") as batch:
        batch.drop_column("passcode_deleted_at")
        batch.drop_column("passcode_encrypted")
        batch.drop_column("intake_checks_json")
        batch.drop_column("accessories")
