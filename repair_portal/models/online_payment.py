"""Online payments: one checkout a customer starts (a PaymentAttempt, with what it pays for), and every
provider event or provider object we have acted on (ProviderEvent: its unique key makes each act happen
once, whatever arrives twice or at the same moment)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class AttemptKind(StrEnum):
    BALANCE = "balance"  # an order's balance due (or part of it, where the shop allows)
    DEPOSIT = "deposit"  # the deposit asked on approving a quote
    INVOICES = "invoices"  # one or more invoices from the account portal


class AttemptStatus(StrEnum):
    OPEN = "open"  # the customer is on the hosted payment page (or left it without finishing)
    PAID = "paid"  # the provider confirmed; the payments are recorded
    CANCELLED = "cancelled"  # the customer came back with "Back" / cancel
    EXPIRED = "expired"  # the hosted page timed out unpaid
    REFUSED = "refused"  # the provider's figures did not match what was asked (logged, nothing recorded)


class PaymentAttempt(SQLModel, table=True):
    __tablename__ = "payment_attempt"

    id: int | None = Field(default=None, primary_key=True)
    # The return link's capability: only its SHA-256 is kept (the browser holds the token in a cookie).
    return_hash: str = Field(max_length=64, unique=True)
    idempotency_key: str = Field(max_length=64, unique=True, description="sent with the create call")
    kind: str = Field(max_length=10)
    status: str = Field(default=AttemptStatus.OPEN.value, max_length=10, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="repair_order.id", index=True)
    portal_user_id: int | None = Field(default=None, foreign_key="portal_user.id")
    amount_minor: int
    currency: str = Field(max_length=3)
    provider: str = Field(default="stripe", max_length=20)
    provider_session_id: str | None = Field(default=None, max_length=255, unique=True)
    provider_payment_id: str = Field(default="", max_length=255, description="the payment intent, once paid")
    failure: str = Field(default="", max_length=300, description="the last decline the provider reported")
    # Where "Back to …" goes: a portal path, or empty for the order's tracking page (reached by history).
    back_path: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="last asked of the provider")


class PaymentAttemptLine(SQLModel, table=True):
    """What one attempt pays: an amount for an order (its balance or deposit) or for one invoice."""

    __tablename__ = "payment_attempt_line"

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="payment_attempt.id", index=True)
    order_id: int = Field(foreign_key="repair_order.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    amount_minor: int
    payment_id: int | None = Field(default=None, foreign_key="payment.id", description="once recorded")


class ProviderEvent(SQLModel, table=True):
    """An event id (evt_…) or a provider object (pi_… paid, re_… refunded) acted on once."""

    __tablename__ = "provider_event"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_provider_event_provider_event"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(default="stripe", max_length=20)
    event_id: str = Field(max_length=255)
    type: str = Field(max_length=100)
    outcome: str = Field(default="", max_length=300)
    attempt_id: int | None = Field(default=None, foreign_key="payment_attempt.id")
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
