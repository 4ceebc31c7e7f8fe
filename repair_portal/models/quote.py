"""Quotes (versioned) and their lines; payments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    APPROVED = "approved"
    DECLINED = "declined"
    SUPERSEDED = "superseded"


class Quote(SQLModel, table=True):
    __tablename__ = "quote"
    __table_args__ = (UniqueConstraint("order_id", "version", name="uq_quote_order_version"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    version: int = 1
    status: str = Field(default=QuoteStatus.DRAFT.value, max_length=20)
    currency: str = Field(default="GBP", max_length=3)
    tax_label: str = Field(default="VAT", max_length=40)
    tax_rate_bp: int = 2000
    notes: str = Field(default="", max_length=4000)
    valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_channel: str | None = Field(default=None, max_length=20, description="portal, phone, in_person")
    decided_by_name: str | None = Field(default=None, max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    decline_reason: str | None = Field(default=None, max_length=2000)
    decision_note: str | None = Field(
        default=None, max_length=2000, description="staff's note on a decision they recorded"
    )


class QuoteLine(SQLModel, table=True):
    __tablename__ = "quote_line"

    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", index=True)
    position: int = 0
    description: str = Field(max_length=500)
    quantity: int = 1
    unit_price_minor: int = Field(description="price per unit in minor units (pence/cents), tax exclusive")
    optional: bool = False
    decision: str | None = Field(default=None, max_length=10, description="accepted / declined for optional lines")


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"
    STORE_CREDIT = "store_credit"  # only through services/store_credit.py (with its ledger entry)
    CARD_ONLINE = "card_online"  # only through services/online_payments.py (a provider confirmed it)


class Payment(SQLModel, table=True):
    """A payment; refunds are negative amounts with a reason in `note`."""

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    amount_minor: int
    method: str = Field(default=PaymentMethod.CARD.value, max_length=20)
    reference: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # Online payments: the checkout it came from; a refund names the payment it gives money back on.
    attempt_id: int | None = Field(default=None, foreign_key="payment_attempt.id")
    refund_of_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    # Staff "Record payment": the key the form was drawn with, so a retried or double click records once.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
