"""payment idempotency key: the staff "Record payment" form's key, unique, so a retried or double click
records one payment

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment", recreate="never") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_payment_idempotency_key"), "payment", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_payment_idempotency_key"), table_name="payment")
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("idempotency_key")
