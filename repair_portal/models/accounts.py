"""Customer accounts: portal users (a business customer's contacts), their permission groups, sessions,
one-time links, recovery codes and passkeys. A portal user belongs to exactly one customer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class CustomerKind(StrEnum):
    PERSON = "person"
    BUSINESS = "business"


class PermissionGroup(SQLModel, table=True):
    """A named set of portal permissions (services/portal_permissions.py). `builtin` groups ("admin",
    "visitor") can be renamed but not deleted; no group can be deleted while users are in it."""

    __tablename__ = "permission_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    builtin: str | None = Field(default=None, max_length=20, unique=True, description="admin, visitor or None")
    permissions_json: str = Field(default="[]", max_length=2000)
    require_mfa: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PortalUser(SQLModel, table=True):
    __tablename__ = "portal_user"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    group_id: int = Field(foreign_key="permission_group.id", index=True)
    email: str = Field(max_length=254, unique=True, index=True, description="stored lower-cased")
    name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    password_hash: str | None = Field(default=None, max_length=100, repr=False)
    # Fernet token of the TOTP secret (integrations/vault.py): it must be read back to check codes.
    totp_secret_encrypted: str | None = Field(default=None, max_length=500, repr=False)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = Field(default=None, description="the last accepted TOTP time step (no replay)")
    require_mfa: bool = False
    active: bool = True
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PortalSession(SQLModel, table=True):
    """A signed-in browser of a portal user. Only the SHA-256 of the cookie token is stored."""

    __tablename__ = "portal_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    portal_user_id: int = Field(foreign_key="portal_user.id", index=True)
    mfa_passed: bool = False  # a password alone opens a session that can only finish the second step
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)


class PortalTokenPurpose(StrEnum):
    MAGIC = "magic"  # sign in by email link (15 minutes)
    INVITE = "invite"  # choose a password (72 hours)
    RESET = "reset"  # choose a new password (30 minutes)


class PortalToken(SQLModel, table=True):
    """A one-time link for a portal user; spent once (`used_at`). Only its SHA-256 is stored."""

    __tablename__ = "portal_token"

    id: int | None = Field(default=None, primary_key=True)
    portal_user_id: int = Field(foreign_key="portal_user.id", index=True)
    purpose: str = Field(max_length=10)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


class RecoveryCode(SQLModel, table=True):
    """A single-use MFA recovery code (portal user or staff), stored as its SHA-256."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(max_length=10, description="portal or staff")
    owner_id: int = Field(index=True)
    code_hash: str = Field(max_length=64, unique=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential of a portal user or a staff member (public key only)."""

    __tablename__ = "passkey"
    __table_args__ = (UniqueConstraint("credential_id", name="uq_passkey_credential_id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(max_length=10, description="portal or staff")
    owner_id: int = Field(index=True)
    credential_id: str = Field(max_length=400, description="base64url")
    public_key: bytes = Field(sa_type=LargeBinary, repr=False)
    sign_count: int = 0
    name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebAuthnChallenge(SQLModel, table=True):
    """A challenge handed to the browser for one passkey ceremony: single use, five minutes. Only its
    SHA-256 is stored; the browser's signed answer carries the challenge itself, which is looked up."""

    __tablename__ = "webauthn_challenge"

    id: int | None = Field(default=None, primary_key=True)
    challenge_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: str = Field(max_length=12, description="register or sign_in")
    owner_kind: str = Field(max_length=10, description="portal or staff")
    owner_id: int | None = Field(default=None, description="who registers; None for a usernameless sign-in")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
