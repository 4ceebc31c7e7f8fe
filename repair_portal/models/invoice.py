"""Invoices (issued from an order, numbered at issue, lines frozen), the payments allocated to them, and
the customer's store-credit ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow

INVOICE_PREFIX = "INV-"


class InvoiceStatus(StrEnum):
    """What is stored. Awaiting payment / part paid / paid / overdue are computed (services/invoices.py)."""

    DRAFT = "draft"
    ISSUED = "issued"
    VOID = "void"


def invoice_number_text(number: int | None) -> str:
    """INV-00042; a draft has no number yet."""
    return f"{INVOICE_PREFIX}{number:05d}" if number else ""


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        # An account's invoice list and statement, by date (the account portal).
        Index("ix_invoice_customer_issue_date", "customer_id", "issue_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int | None = Field(
        default=None, unique=True, description="shop-wide, gap-free, taken when the invoice is issued"
    )
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    quote_id: int | None = Field(default=None, foreign_key="quote.id", description="the approved quote it froze")
    status: str = Field(default=InvoiceStatus.DRAFT.value, max_length=10)
    currency: str = Field(default="GBP", max_length=3)
    tax_label: str = Field(default="VAT", max_length=40)
    tax_rate_bp: int = 2000
    subtotal_minor: int = 0
    tax_minor: int = 0
    total_minor: int = 0
    issue_date: date | None = Field(default=None, sa_type=Date, description="the shop's local date at issue")
    due_date: date | None = Field(default=None, sa_type=Date)
    issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    issued_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    void_reason: str = Field(default="", max_length=1000)
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def number_text(self) -> str:
        return invoice_number_text(self.number)


class InvoiceLine(SQLModel, table=True):
    """A frozen line: copied from the approved quote, or added by staff while the invoice was a draft."""

    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int = 0
    description: str = Field(max_length=500)
    quantity: int = 1
    unit_price_minor: int = Field(description="per unit, minor units, tax exclusive (the invoice's rate applies)")
    from_quote: bool = False


class InvoicePayment(SQLModel, table=True):
    """How much of a payment (recorded on the invoice's order) counts towards the invoice. A payment may be
    split across invoices; voiding an invoice deletes its allocations and leaves the payments on the order."""

    __tablename__ = "invoice_payment"
    __table_args__ = (UniqueConstraint("invoice_id", "payment_id", name="uq_invoice_payment_invoice_payment"),)

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    amount_minor: int
    applied_at: datetime = Field(
        sa_type=UTCDateTime, description="when it counts on a statement: the later of payment and issue"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StoreCreditEntry(SQLModel, table=True):
    """One line of a customer's store-credit ledger: credit added (+) or used (−). `balance_after_minor` is
    the running balance, written under a lock by services/store_credit.py and never negative."""

    __tablename__ = "store_credit_entry"
    __table_args__ = (
        CheckConstraint("balance_after_minor >= 0", name="balance_not_negative"),
        Index("ix_store_credit_entry_customer_entry", "customer_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    amount_minor: int
    balance_after_minor: int
    reason: str = Field(max_length=500)
    payment_id: int | None = Field(default=None, foreign_key="payment.id", description="set when used on an invoice")
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
