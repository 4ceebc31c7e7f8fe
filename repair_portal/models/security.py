"""Portal links, audit trail and rate-limit counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class PortalLink(SQLModel, table=True):
    """A customer tracking link. The token itself is never stored, only its SHA-256."""

    __tablename__ = "portal_link"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    salt: str = Field(max_length=64, description="random input the token is derived from with the server key")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_order_at", "order_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_type: str = Field(max_length=20, description="staff, customer, system")
    actor_id: int | None = None
    actor_label: str = Field(default="", max_length=254)
    action: str = Field(max_length=60, index=True)
    order_id: int | None = Field(default=None, foreign_key="repair_order.id")
    detail: str = Field(default="", max_length=4000)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)


class RateLimitEvent(SQLModel, table=True):
    """One failed attempt; counted in a sliding window. Keys are hashed."""

    __tablename__ = "rate_limit_event"
    __table_args__ = (Index("ix_rate_limit_scope_key_at", "scope", "key_hash", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40)
    key_hash: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PortalVerification(SQLModel, table=True):
    """A device that passed the order's access check (last name), remembered server-side.

    The device holds a random token in a cookie; only its SHA-256 is stored here.
    Rotating or revoking the order's link revokes these too.
    """

    __tablename__ = "portal_verification"
    __table_args__ = (Index("ix_portal_verification_device_order", "device_hash", "order_id"),)

    id: int | None = Field(default=None, primary_key=True)
    device_hash: str = Field(max_length=64)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    method: str = Field(max_length=30, description="last_name, account, staff_preview")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)
