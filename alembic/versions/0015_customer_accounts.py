"""customer accounts: portal users, permission groups (Admin and Non-portal visitor built in), portal
sessions, one-time links, recovery codes, passkeys; customer kind; portal switches in shop settings

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime
ADMIN_PERMS = (
    '["assets.view", "files.upload", "files.view", "invoices.pay", "invoices.view", "messages.send", '
    '"orders.request", "orders.view_all", "orders.view_mine", "overview.view", "payments.view", '
    '"privacy.manage", "quotes.decide", "resources.view"]'
)
VISITOR_PERMS = '["files.view", "invoices.view", "messages.send", "payments.view", "quotes.decide"]'


def upgrade() -> None:
    # Not a batch: recreating `customer` would lose its expression indexes (lower(last_name), ...).
    op.add_column("customer", sa.Column("kind", sa.String(length=10), nullable=False, server_default="person"))
    with op.batch_alter_table("shop_settings") as batch:
        batch.add_column(sa.Column("portal_enabled", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("portal_off_url", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("portal_password_mix", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("lookup_frame_origins", sa.String(length=2000), nullable=False, server_default=""))
        batch.add_column(sa.Column("staff_mfa_roles", sa.String(length=100), nullable=False, server_default=""))

    groups = op.create_table(
        "permission_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("builtin", sa.String(length=20), nullable=True),
        sa.Column("permissions_json", sa.String(length=2000), nullable=False),
        sa.Column("require_mfa", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permission_group")),
        sa.UniqueConstraint("name", name=op.f("uq_permission_group_name")),
        sa.UniqueConstraint("builtin", name=op.f("uq_permission_group_builtin")),
    )
    op.create_table(
        "portal_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=True),
        sa.Column("totp_secret_encrypted", sa.String(length=500), nullable=True),
        sa.Column("totp_enabled_at", UTC(timezone=True), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("require_mfa", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("invited_at", UTC(timezone=True), nullable=True),
        sa.Column("last_login_at", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_portal_user_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["permission_group.id"], name=op.f("fk_portal_user_group_id_permission_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_user")),
    )
    op.create_index(op.f("ix_portal_user_customer_id"), "portal_user", ["customer_id"])
    op.create_index(op.f("ix_portal_user_group_id"), "portal_user", ["group_id"])
    op.create_index(op.f("ix_portal_user_email"), "portal_user", ["email"], unique=True)
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("portal_user_id", sa.Integer(), nullable=False),
        sa.Column("mfa_passed", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("revoked_at", UTC(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["portal_user_id"], ["portal_user.id"], name=op.f("fk_portal_session_portal_user_id_portal_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
    )
    op.create_index(op.f("ix_portal_session_token_hash"), "portal_session", ["token_hash"], unique=True)
    op.create_index(op.f("ix_portal_session_portal_user_id"), "portal_session", ["portal_user_id"])
    op.create_table(
        "portal_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("portal_user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["portal_user_id"], ["portal_user.id"], name=op.f("fk_portal_token_portal_user_id_portal_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_portal_token_created_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_token")),
    )
    op.create_index(op.f("ix_portal_token_token_hash"), "portal_token", ["token_hash"], unique=True)
    op.create_index(op.f("ix_portal_token_portal_user_id"), "portal_token", ["portal_user_id"])
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    op.create_index(op.f("ix_recovery_code_owner_id"), "recovery_code", ["owner_id"])
    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("last_used_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkey")),
        sa.UniqueConstraint("credential_id", name="uq_passkey_credential_id"),
    )
    op.create_index(op.f("ix_passkey_owner_id"), "passkey", ["owner_id"])

    now = sa.func.now() if op.get_bind().dialect.name == "postgresql" else sa.text("CURRENT_TIMESTAMP")
    op.execute(
        groups.insert().values(
            name="Admin",
            builtin="admin",
            permissions_json=ADMIN_PERMS,
            require_mfa=False,
            created_at=now,
            updated_at=now,
        )
    )
    op.execute(
        groups.insert().values(
            name="Non-portal visitor",
            builtin="visitor",
            permissions_json=VISITOR_PERMS,
            require_mfa=False,
            created_at=now,
            updated_at=now,
        )
    )


def downgrade() -> None:
    for table in ("passkey", "recovery_code", "portal_token", "portal_session", "portal_user", "permission_group"):
        op.drop_table(table)
    with op.batch_alter_table("shop_settings") as batch:
        for column in (
            "staff_mfa_roles",
            "lookup_frame_origins",
            "portal_password_mix",
            "portal_off_url",
            "portal_enabled",
        ):
            batch.drop_column(column)
    if op.get_bind().dialect.name == "sqlite":  # SQLite ≥ 3.35 drops a plain column in place
        op.execute("ALTER TABLE customer DROP COLUMN kind")
    else:
        op.drop_column("customer", "kind")
