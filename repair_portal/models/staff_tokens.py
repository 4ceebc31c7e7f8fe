"""One-time links that let a staff member choose a password (invitation or reset)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class TokenPurpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"


class StaffPasswordToken(SQLModel, table=True):
    """Only the SHA-256 of the link's token is stored; a row is spent once (`used_at`)."""

    __tablename__ = "staff_password_token"

    id: int | None = Field(default=None, primary_key=True)
    staff_user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: str = Field(max_length=10, description="invite or reset")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
