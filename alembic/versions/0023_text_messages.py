"""text messages: every SMS in and out, the texting-consent ledger, the shop's wording of each text, Twilio
settings and quiet hours, a location's time zone, a message's channel (portal or sms)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("to_number", sa.String(length=20), nullable=False),
        sa.Column("from_number", sa.String(length=20), nullable=False),
        sa.Column("body", sa.String(length=1600), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("claimed_at", UTC, nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=False),
        sa.Column("error_code", sa.String(length=20), nullable=False),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["repair_order.id"], name=op.f("fk_sms_message_order_id_repair_order")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_sms_message_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_sms_message_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_message")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_sms_message_provider_sid")),
    )
    op.create_index("ix_sms_status_due", "sms_message", ["status", "next_attempt_at"])
    op.create_index("ix_sms_unmatched", "sms_message", ["direction", "order_id", "handled_at"])
    op.create_index(op.f("ix_sms_message_order_id"), "sms_message", ["order_id"])
    op.create_index(op.f("ix_sms_message_customer_id"), "sms_message", ["customer_id"])

    op.create_table(
        "sms_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("wording", sa.String(length=1000), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_sms_consent_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_sms_consent_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_consent")),
    )
    op.create_index(op.f("ix_sms_consent_customer_id"), "sms_consent", ["customer_id"])

    op.create_table(
        "sms_template_text",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sms_template_text")),
    )

    with op.batch_alter_table("shop_settings", recreate="never") as batch:
        batch.add_column(sa.Column("twilio_account_sid", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("twilio_auth_token_enc", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("twilio_from", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("quiet_hours_start", sa.String(length=5), nullable=False, server_default="20:00"))
        batch.add_column(sa.Column("quiet_hours_end", sa.String(length=5), nullable=False, server_default="08:00"))
    with op.batch_alter_table("location", recreate="never") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("message", recreate="never") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="portal"))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("location") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("shop_settings") as batch:
        for column in (
            "quiet_hours_end",
            "quiet_hours_start",
            "twilio_from",
            "twilio_auth_token_enc",
            "twilio_account_sid",
        ):
            batch.drop_column(column)
    op.drop_table("sms_template_text")
    op.drop_index(op.f("ix_sms_consent_customer_id"), table_name="sms_consent")
    op.drop_table("sms_consent")
    for index in ("ix_sms_message_customer_id", "ix_sms_message_order_id"):
        op.drop_index(op.f(index), table_name="sms_message")
    op.drop_index("ix_sms_unmatched", table_name="sms_message")
    op.drop_index("ix_sms_status_due", table_name="sms_message")
    op.drop_table("sms_message")
