"""What customers did that staff must see: one alert per customer action, read per staff member,
handled once for the shop."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class AlertKind(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    SIGNED = "signed"
    PAID = "paid"
    MESSAGE = "message"
    FEEDBACK = "feedback"
    REQUEST = "request"
    REMINDER = "reminder"  # the shop reminded the customer (a quote unanswered, a device not collected)


class CustomerAlert(SQLModel, table=True):
    __tablename__ = "customer_alert"
    __table_args__ = (Index("ix_customer_alert_open", "handled_at", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    kind: str = Field(max_length=20)
    summary: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handled_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # One alert per event that must not repeat (a reminder per quote version or per ready spell).
    dedupe_key: str | None = Field(default=None, max_length=80, unique=True)


class AlertRead(SQLModel, table=True):
    """This staff member has seen that alert (the bell counts the rest)."""

    __tablename__ = "alert_read"

    staff_user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    alert_id: int = Field(foreign_key="customer_alert.id", primary_key=True, index=True)
    read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
