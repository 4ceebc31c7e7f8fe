"""Customers and their devices/assets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, func, literal_column
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


def _lower(column: str):
    return func.lower(literal_column(column))


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    # Case-insensitive prefix search on the order board and the customer list (services/search.py).
    __table_args__ = (
        Index("ix_customer_last_name_lower", _lower("last_name")),
        Index("ix_customer_first_name_lower", _lower("first_name")),
        Index("ix_customer_company_lower", _lower("company")),
    )

    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(max_length=100, index=True)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=40, index=True, description="E.164, e.g. +447700900123")
    company: str = Field(default="", max_length=200)
    kind: str = Field(default="person", max_length=10, description="person or business (an account with portal users)")
    # Off: nobody signs in for this customer at /portal (services/portal_account_access.py); order links unaffected.
    portal_enabled: bool = True
    email_updates: bool = True
    sms_updates: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Site(SQLModel, table=True):
    """Where a business account's work happens (an office, a depot, a branch)."""

    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=500)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Device(SQLModel, table=True):
    """A phone, laptop, vehicle... anything a customer brings in."""

    __tablename__ = "device"
    __table_args__ = (Index("ix_device_serial_upper", func.upper(literal_column("serial"))),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(default="phone", max_length=40)
    make: str = Field(default="", max_length=100)
    model: str = Field(default="", max_length=100)
    serial: str = Field(default="", max_length=100, index=True, description="serial number, IMEI or VIN")
    notes: str = Field(default="", max_length=2000)
    # Asset fields (a business account's equipment; a walk-in's phone leaves them empty).
    asset_tag: str = Field(default="", max_length=60, index=True, description="the account's asset ID")
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    customer_ref: str = Field(default="", max_length=100, description="the customer's own reference")
    description: str = Field(default="", max_length=1000)
    warranty_until: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.make, self.model) if p) or self.kind.title()
