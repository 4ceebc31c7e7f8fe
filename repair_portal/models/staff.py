"""Staff users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    TECHNICIAN = "technician"
    FRONT_DESK = "front_desk"


ROLE_LABELS = {"owner": "Owner", "manager": "Manager", "technician": "Technician", "front_desk": "Front desk"}


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True, description="stored lower-cased")
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=100, repr=False)
    role: str = Field(default=Role.TECHNICIAN.value, max_length=20)
    active: bool = True
    location_id: int | None = Field(default=None, foreign_key="location.id")
    # Fernet token of the TOTP secret (integrations/vault.py): it must be read back to check codes. Set but
    # without `totp_enabled_at` while the user is still confirming the enrolment.
    totp_secret_encrypted: str | None = Field(default=None, max_length=500, repr=False)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = Field(default=None, description="the last accepted TOTP time step (no replay)")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def verify_password(self, password: str) -> bool:
        from ..services.passwords import verify_password

        return verify_password(password, self.password_hash)


class StaffSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie token is stored."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    staff_user_id: int = Field(foreign_key="staff_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)
    # Handed to a customer at the counter: this browser shows only the signing screen for this
    # order and purpose until the staff member's password unlocks it (see services/counter.py).
    counter_order_id: int | None = Field(default=None, foreign_key="repair_order.id")
    counter_purpose: str | None = Field(default=None, max_length=30)
    counter_signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # False: the password was right but the second step (TOTP or a recovery code) is still to come; such a
    # session opens only /staff/verify (services/staff_auth.py resolve_session).
    mfa_passed: bool = False
