"""invoices (numbered at issue, frozen lines), payment allocations to invoices, the store-credit ledger

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import repair_portal.models.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UTC = repair_portal.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_label", sa.String(length=40), nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), nullable=False),
        sa.Column("subtotal_minor", sa.Integer(), nullable=False),
        sa.Column("tax_minor", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("issued_at", UTC, nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=1000), nullable=False),
        sa.Column("voided_at", UTC, nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_invoice_customer_id_customer")),
        sa.ForeignKeyConstraint(["order_id"], ["repair_order.id"], name=op.f("fk_invoice_order_id_repair_order")),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], name=op.f("fk_invoice_quote_id_quote")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["staff_user.id"], name=op.f("fk_invoice_issued_by_id_staff_user")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["staff_user.id"], name=op.f("fk_invoice_voided_by_id_staff_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"], name=op.f("fk_invoice_created_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
    )
    op.create_index(op.f("ix_invoice_customer_id"), "invoice", ["customer_id"])
    op.create_index(op.f("ix_invoice_order_id"), "invoice", ["order_id"])
    op.create_index("ix_invoice_customer_issue_date", "invoice", ["customer_id", "issue_date"])

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("from_quote", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_invoice_line_invoice_id_invoice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
    )
    op.create_index(op.f("ix_invoice_line_invoice_id"), "invoice_line", ["invoice_id"])

    op.create_table(
        "invoice_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("applied_at", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_invoice_payment_invoice_id_invoice")),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_invoice_payment_payment_id_payment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_payment")),
        sa.UniqueConstraint("invoice_id", "payment_id", name="uq_invoice_payment_invoice_payment"),
    )
    op.create_index(op.f("ix_invoice_payment_invoice_id"), "invoice_payment", ["invoice_id"])
    op.create_index(op.f("ix_invoice_payment_payment_id"), "invoice_payment", ["payment_id"])

    op.create_table(
        "store_credit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("balance_after_minor", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("balance_after_minor >= 0", name=op.f("ck_store_credit_entry_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_store_credit_entry_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], name=op.f("fk_store_credit_entry_payment_id_payment")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_store_credit_entry_invoice_id_invoice")),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_user.id"], name=op.f("fk_store_credit_entry_staff_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_credit_entry")),
    )
    op.create_index("ix_store_credit_entry_customer_entry", "store_credit_entry", ["customer_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_store_credit_entry_customer_entry", table_name="store_credit_entry")
    op.drop_table("store_credit_entry")
    op.drop_index(op.f("ix_invoice_payment_payment_id"), table_name="invoice_payment")
    op.drop_index(op.f("ix_invoice_payment_invoice_id"), table_name="invoice_payment")
    op.drop_table("invoice_payment")
    op.drop_index(op.f("ix_invoice_line_invoice_id"), table_name="invoice_line")
    op.drop_table("invoice_line")
    op.drop_index("ix_invoice_customer_issue_date", table_name="invoice")
    op.drop_index(op.f("ix_invoice_order_id"), table_name="invoice")
    op.drop_index(op.f("ix_invoice_customer_id"), table_name="invoice")
    op.drop_table("invoice")
