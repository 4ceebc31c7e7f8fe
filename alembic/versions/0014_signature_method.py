"""signature.method: drawn on screen, or a typed name rendered as the signature

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.add_column(sa.Column("method", sa.String(length=10), nullable=False, server_default="drawn"))


def downgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.drop_column("method")
