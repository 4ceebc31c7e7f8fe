"""Outgoing email: the outbox (every message, whatever the backend) and editable template texts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """One email. Sent off the request path by the delivery loop, retried with back-off."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="repair_order.id", index=True)
    template: str = Field(max_length=40)
    audience: str = Field(max_length=10, description="customer or shop")
    to_email: str = Field(max_length=254)
    to_name: str = Field(default="", max_length=200)
    subject: str = Field(max_length=300)
    text_body: str = Field(max_length=20000)
    html_body: str = Field(max_length=60000)
    status: str = Field(default=MailStatus.QUEUED.value, max_length=10)
    backend: str = Field(default="", max_length=20, description="outbox or sendgrid, set when delivered")
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=2000)
    provider_id: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmailTemplateText(SQLModel, table=True):
    """A shop's own subject line and intro for one template (defaults live in code)."""

    __tablename__ = "email_template_text"

    key: str = Field(primary_key=True, max_length=40)
    subject: str = Field(max_length=300)
    intro: str = Field(max_length=4000)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
