"""Text messages: every SMS in or out (the SMS outbox and delivery record, like OutboxMessage for email),
the customer's texting consent as a ledger, and the shop's own wording of each text."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class SmsStatus(StrEnum):
    QUEUED = "queued"  # waiting for the delivery loop (or for the morning: quiet hours)
    SENDING = "sending"  # claimed by one worker
    SENT = "sent"  # accepted by the provider
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"  # the provider refused it, or retries ran out
    OUTBOX = "outbox"  # texts aren't set up: kept here, shown on the order
    RECEIVED = "received"  # an inbound text
    CANCELLED = "cancelled"  # not sent after all: STOP, texts switched off or the number changed meanwhile


class SmsMessage(SQLModel, table=True):
    __tablename__ = "sms_message"
    __table_args__ = (
        Index("ix_sms_status_due", "status", "next_attempt_at"),
        Index("ix_sms_unmatched", "direction", "order_id", "handled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    direction: str = Field(max_length=3, description="out or in")
    order_id: int | None = Field(default=None, foreign_key="repair_order.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    template: str = Field(default="", max_length=40, description="the template key, '' for a typed text")
    to_number: str = Field(max_length=20, description="E.164")
    from_number: str = Field(default="", max_length=20)
    body: str = Field(max_length=1600)
    status: str = Field(default=SmsStatus.QUEUED.value, max_length=12)
    backend: str = Field(default="", max_length=20, description="outbox or twilio, set when handed over")
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=1000)
    error_code: str = Field(default="", max_length=20, description="the provider's error code")
    provider_sid: str | None = Field(default=None, max_length=64, unique=True)
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id", description="sent by hand")
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="an unmatched text dealt with")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SmsConsent(SQLModel, table=True):
    """One change of a customer's "text me" choice: who, how, when and the words they agreed to."""

    __tablename__ = "sms_consent"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    phone: str = Field(max_length=20, description="E.164, the number it was given for")
    granted: bool
    channel: str = Field(max_length=12, description="intake, portal, keyword, staff")
    wording: str = Field(default="", max_length=1000)
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SmsTemplateText(SQLModel, table=True):
    """A shop's own wording for one text (defaults live in code: services/sms_templates.py)."""

    __tablename__ = "sms_template_text"

    key: str = Field(primary_key=True, max_length=40)
    body: str = Field(max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
