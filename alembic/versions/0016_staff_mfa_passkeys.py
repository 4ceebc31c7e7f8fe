"""staff two-step sign-in and passkeys: the TOTP secret stored encrypted, its enrolment time and last
accepted step, "MFA pending" staff sessions, and server-side WebAuthn challenges

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime


def _drop_column(table: str, column: str) -> None:
    # Not a batch: recreating staff_user would mean re-pointing every foreign key at it.
    if op.get_bind().dialect.name == "sqlite":  # SQLite ≥ 3.35 drops a plain column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    # The plain-text column was never written by any release: replaced by an encrypted one.
    _drop_column("staff_user", "totp_secret")
    op.add_column("staff_user", sa.Column("totp_secret_encrypted", sa.String(length=500), nullable=True))
    op.add_column("staff_user", sa.Column("totp_enabled_at", UTC(timezone=True), nullable=True))
    op.add_column("staff_user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    # Sessions open before this revision were full sign-ins.
    op.add_column("staff_session", sa.Column("mfa_passed", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "webauthn_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("owner_kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webauthn_challenge")),
    )
    op.create_index(op.f("ix_webauthn_challenge_challenge_hash"), "webauthn_challenge", ["challenge_hash"], unique=True)
    op.create_index(op.f("ix_webauthn_challenge_expires_at"), "webauthn_challenge", ["expires_at"])


def downgrade() -> None:
    op.drop_table("webauthn_challenge")
    _drop_column("staff_session", "mfa_passed")
    for column in ("totp_last_step", "totp_enabled_at", "totp_secret_encrypted"):
        _drop_column("staff_user", column)
    op.add_column("staff_user", sa.Column("totp_secret", sa.String(length=64), nullable=True))
