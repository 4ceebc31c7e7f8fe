"""The shop's price list: services and parts staff add to a quote in two taps."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class PriceKind(StrEnum):
    SERVICE = "service"
    PART = "part"


class PriceListItem(SQLModel, table=True):
    """One priced service or part. A quote line made from it is a copy: later price changes (or
    deactivating the item) leave existing quotes as they are.

    Prices are tax exclusive, like quote lines: a quote takes the shop's tax rate when it is made.
    """

    __tablename__ = "price_list_item"
    # Codes are unique among active items only: a retired code can be given to a new item.
    __table_args__ = (
        Index(
            "uq_price_list_item_active_code",
            "code",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=20, description="short code staff type, e.g. SCR-IP13")
    name: str = Field(max_length=200, description="what the quote line says")
    kind: str = Field(default=PriceKind.SERVICE.value, max_length=10)
    unit_price_minor: int = Field(description="price per unit in minor units (pence/cents), tax exclusive")
    optional_by_default: bool = Field(default=False, description="quote lines from it start as optional extras")
    active: bool = True
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
