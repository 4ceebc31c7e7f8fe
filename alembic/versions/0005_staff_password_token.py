"""staff password tokens (invitations and reset links)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import repair_portal.models.base


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_password_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", repair_portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_staff_password_token_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_staff_password_token_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_password_token")),
    )
    with op.batch_alter_table("staff_password_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_password_token_staff_user_id"), ["staff_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_password_token_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("staff_password_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_password_token_token_hash"))
        batch_op.drop_index(batch_op.f("ix_staff_password_token_staff_user_id"))

    op.drop_table("staff_password_token")
