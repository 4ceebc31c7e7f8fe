"""A business account's assets (devices, models/customer.py) carry tests and defects."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class TestResult(StrEnum):
    __test__ = False  # (not a pytest test class)

    PASS = "pass"  # noqa: S105 (a test result, not a password)
    FAIL = "fail"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DefectStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"


class AssetTest(SQLModel, table=True):
    """One inspection or test of an asset (a PAT test, a safety check...), with its certificate if any.
    The certificate PDF lives in the private data dir under a server-chosen name."""

    __tablename__ = "asset_test"
    # An asset's latest test ("last test") and its history, newest first.
    __table_args__ = (Index("ix_asset_test_device_tested", "device_id", "tested_on", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id")
    tested_on: date
    result: str = Field(max_length=10, description="pass or fail")
    number: str = Field(default="", max_length=60, description="the test or certificate number")
    notes: str = Field(default="", max_length=2000)
    certificate_name: str | None = Field(default=None, max_length=100, unique=True, description="storage name")
    certificate_filename: str = Field(default="", max_length=255)
    certificate_bytes: int = 0
    certificate_sha256: str = Field(default="", max_length=64)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Defect(SQLModel, table=True):
    """Something wrong with an asset, open until fixed."""

    __tablename__ = "defect"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    severity: str = Field(default=Severity.MEDIUM.value, max_length=10)
    description: str = Field(max_length=2000)
    found_on: date
    status: str = Field(default=DefectStatus.OPEN.value, max_length=10)
    fixed_on: date | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DefectPhoto(SQLModel, table=True):
    """A photo of a defect: decoded and re-encoded (EXIF stripped), stored privately."""

    __tablename__ = "defect_photo"

    id: int | None = Field(default=None, primary_key=True)
    defect_id: int = Field(foreign_key="defect.id", index=True)
    storage_name: str = Field(max_length=100, unique=True)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    width: int | None = None
    height: int | None = None
    uploaded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
