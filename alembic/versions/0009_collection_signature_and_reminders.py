"""shop settings: may customers sign for collection on the portal (off: at the counter); reminder days

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(sa.Column("sign_collection_remotely", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("quote_reminder_days", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("collection_reminder_days", sa.Integer(), nullable=False, server_default="5"))


def downgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.drop_column("collection_reminder_days")
        batch.drop_column("quote_reminder_days")
        batch.drop_column("sign_collection_remotely")
