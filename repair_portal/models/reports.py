"""Service reports written on an order: drafts staff edit, approved revisions the customer sees."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class ReportStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  # frozen: what the customer sees; a change is a new revision
    SUPERSEDED = "superseded"  # an approved revision a later approved one replaced (kept, no longer shown)


class ServiceReport(SQLModel, table=True):
    """One revision of an order's service report. An approved revision is never edited again: staff
    start a new revision (a draft copied from it), and approving that one supersedes it."""

    __tablename__ = "service_report"
    __table_args__ = (UniqueConstraint("order_id", "revision", name="uq_service_report_order_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    revision: int = 1
    status: str = Field(default=ReportStatus.DRAFT.value, max_length=12)
    findings: str = Field(default="", max_length=8000)
    work_done: str = Field(default="", max_length=8000)
    tests_performed: str = Field(default="", max_length=4000)
    parts_used: str = Field(default="", max_length=4000, description="one part per line")
    technician_id: int | None = Field(default=None, foreign_key="staff_user.id")
    # Customer-visible photo attachments of the same order, re-checked on every save and every render.
    photo_ids_json: str = Field(default="[]", max_length=400)
    version: int = 1  # optimistic locking of the draft
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    approved_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
