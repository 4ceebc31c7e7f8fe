"""Orders, the stage workflow and status history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class StageKind(StrEnum):
    """What a stage means to the system (most stages are plain workflow steps)."""

    NORMAL = "normal"
    AWAITING_APPROVAL = "awaiting_approval"
    READY = "ready"
    COLLECTED = "collected"
    REQUESTED = "requested"  # a customer asked for the work from their account; staff haven't booked it in yet


class Stage(SQLModel, table=True):
    __tablename__ = "stage"

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(index=True)
    name: str = Field(max_length=100, description="staff-facing name")
    customer_label: str = Field(
        default="",
        max_length=100,
        description="public stage: its label; internal stage: optional wording customers see",
    )
    customer_explanation: str | None = Field(
        default=None, max_length=2000, description="None = internal stage, hidden from customers"
    )
    # Where a quote decision moves an order that is at this stage (same transaction); None = it stays.
    approve_to_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    decline_to_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    kind: str = Field(default=StageKind.NORMAL.value, max_length=30)
    is_terminal: bool = False
    notify_customer: bool = False
    active: bool = True
    color: str = Field(default="gray", max_length=20)


class Order(SQLModel, table=True):
    __tablename__ = "repair_order"
    __table_args__ = (
        Index("ix_repair_order_stage_updated", "stage_id", "updated_at"),
        Index("ix_repair_order_location_updated", "location_id", "updated_at"),
        Index("ix_repair_order_booked_in", "booked_in_at"),
        # An account's order list, newest first (the account portal; thousands of orders per account).
        Index("ix_repair_order_customer_booked", "customer_id", "booked_in_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    location_id: int = Field(foreign_key="location.id")
    device_id: int | None = Field(default=None, foreign_key="device.id", index=True)
    stage_id: int = Field(foreign_key="stage.id")
    assigned_to_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    problem: str = Field(default="", max_length=4000)
    intake_condition: str = Field(default="", max_length=4000)
    accessories: str = Field(default="", max_length=1000, description="left with the device: case, charger, SIM")
    intake_checks_json: str = Field(
        default="{}", max_length=4000, description='the shop\'s checklist at intake: {"Powers on": true, ...}'
    )
    # Fernet token (integrations/vault.py); the key is outside the database. Cleared on collection.
    passcode_encrypted: str | None = Field(default=None, max_length=500, repr=False)
    passcode_deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    po_number: str = Field(default="", max_length=60, description="the customer's purchase-order number")
    job_type: str = Field(default="", max_length=60, description="one of the shop's job types (Repair, Service...)")
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    requested_by_id: int | None = Field(
        default=None, foreign_key="portal_user.id", index=True, description="the portal user who asked for it"
    )
    public_note: str = Field(default="", max_length=4000)
    internal_note: str = Field(default="", max_length=8000)
    promised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    booked_in_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    collected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    version: int = Field(default=1, description="optimistic locking: bumped on every save")


class StatusEvent(SQLModel, table=True):
    __tablename__ = "status_event"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    from_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    to_stage_id: int = Field(foreign_key="stage.id")
    staff_user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    note: str = Field(default="", max_length=2000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Counter(SQLModel, table=True):
    """Named monotonically increasing counters (order references)."""

    __tablename__ = "counter"

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0
