"""online payments: checkout attempts and what they pay, provider events acted on once, a payment's
attempt and refunded payment, the shop's payment settings and a location's deposit override

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime(timezone=True)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable foreign key column without rebuilding the table (SQLite takes REFERENCES in ADD COLUMN)."""
    if op.get_context().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target}(id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_{column}", table, target, [column], ["id"])


def upgrade() -> None:
    op.create_table(
        "payment_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_hash", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("portal_user_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_session_id", sa.String(length=255), nullable=True),
        sa.Column("provider_payment_id", sa.String(length=255), nullable=False),
        sa.Column("failure", sa.String(length=300), nullable=False),
        sa.Column("back_path", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("completed_at", UTC, nullable=True),
        sa.Column("checked_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_payment_attempt_customer_id_customer")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["repair_order.id"], name=op.f("fk_payment_attempt_order_id_repair_order")
        ),
        sa.ForeignKeyConstraint(
            ["portal_user_id"], ["portal_user.id"], name=op.f("fk_payment_attempt_portal_user_id_portal_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempt")),
        sa.UniqueConstraint("return_hash", name=op.f("uq_payment_attempt_return_hash")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payment_attempt_idempotency_key")),
        sa.UniqueConstraint("provider_session_id", name=op.f("uq_payment_attempt_provider_session_id")),
    )
    op.create_index(op.f("ix_payment_attempt_status"), "payment_attempt", ["status"])
    op.create_index(op.f("ix_payment_attempt_customer_id"), "payment_attempt", ["customer_id"])
    op.create_index(op.f("ix_payment_attempt_order_id"), "payment_attempt", ["order_id"])

    op.create_table(
        "payment_attempt_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["payment_attempt.id"], name=op.f("fk_payment_attempt_line_attempt_id_payment_attempt")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["repair_order.id"], name=op.f("fk_payment_attempt_line_order_id_repair_order")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f("fk_payment_attempt_line_invoice_id_invoice")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_payment_attempt_line_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempt_line")),
    )
    op.create_index(op.f("ix_payment_attempt_line_attempt_id"), "payment_attempt_line", ["attempt_id"])

    op.create_table(
        "provider_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["payment_attempt.id"], name=op.f("fk_provider_event_attempt_id_payment_attempt")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_event")),
        sa.UniqueConstraint("provider", "event_id", name="uq_provider_event_provider_event"),
    )

    _add_reference("payment", "attempt_id", "payment_attempt")
    _add_reference("payment", "refund_of_id", "payment")
    op.create_index(op.f("ix_payment_refund_of_id"), "payment", ["refund_of_id"])

    with op.batch_alter_table("shop_settings", recreate="never") as batch:
        batch.add_column(sa.Column("online_payments_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("stripe_secret_key_enc", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("stripe_webhook_secret_enc", sa.String(length=1000), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("pay_orders_online", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("pay_invoices_online", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("allow_part_payment", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("deposit_rule", sa.String(length=10), nullable=False, server_default="none"))
        batch.add_column(sa.Column("deposit_value", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("deposit_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("location", recreate="never") as batch:
        batch.add_column(sa.Column("deposit_rule", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("deposit_value", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("deposit_required", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("location") as batch:
        for column in ("deposit_required", "deposit_value", "deposit_rule"):
            batch.drop_column(column)
    with op.batch_alter_table("shop_settings") as batch:
        for column in (
            "deposit_required",
            "deposit_value",
            "deposit_rule",
            "allow_part_payment",
            "pay_invoices_online",
            "pay_orders_online",
            "stripe_webhook_secret_enc",
            "stripe_secret_key_enc",
            "online_payments_enabled",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_payment_refund_of_id"), table_name="payment")
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("refund_of_id")
        batch.drop_column("attempt_id")
    op.drop_table("provider_event")
    op.drop_index(op.f("ix_payment_attempt_line_attempt_id"), table_name="payment_attempt_line")
    op.drop_table("payment_attempt_line")
    for index in ("ix_payment_attempt_order_id", "ix_payment_attempt_customer_id", "ix_payment_attempt_status"):
        op.drop_index(op.f(index), table_name="payment_attempt")
    op.drop_table("payment_attempt")
