"""shop settings: the shop's country (ISO 3166 alpha-2), for reading and showing phone numbers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(
            sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False, server_default="GB")
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_settings") as batch:
        batch.drop_column("country")
