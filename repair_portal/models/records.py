"""Attachments, signatures and messages attached to an order."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class Attachment(SQLModel, table=True):
    """A file kept in the private data dir under a server-chosen name."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    kind: str = Field(default=AttachmentKind.PHOTO.value, max_length=20)
    title: str = Field(default="", max_length=200)
    original_filename: str = Field(default="", max_length=255)
    storage_name: str = Field(max_length=100, unique=True)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    width: int | None = None
    height: int | None = None
    visible_to_customer: bool = False
    uploaded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SignaturePurpose(StrEnum):
    TERMS = "terms"
    REPAIR_AUTHORISATION = "repair_authorisation"
    DATA_CONSENT = "data_consent"
    COLLECTION = "collection"


class Signature(SQLModel, table=True):
    """Append-only; each record's hash covers its content and the previous hash."""

    __tablename__ = "signature"
    # Each record links to exactly one predecessor: a second record claiming the same one is a fork.
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_signature_prev_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    quote_id: int | None = Field(default=None, foreign_key="quote.id")
    purpose: str = Field(max_length=30)
    document_kind: str = Field(max_length=40)
    document_version: str = Field(max_length=40)
    document_sha256: str = Field(max_length=64)
    consent_text_version: str = Field(max_length=40)
    signer_name: str = Field(max_length=200)
    image_png: bytes = Field(sa_type=LargeBinary, repr=False)
    auth_method: str = Field(max_length=40, description="link, link_last_name, account, in_person")
    method: str = Field(default="drawn", max_length=10, description="drawn on screen, or typed (name rendered)")
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    prev_hash: str = Field(max_length=64)
    record_hash: str = Field(max_length=64, unique=True)


class SignedText(SQLModel, table=True):
    """The exact words a consent signature covered (the shop's terms as they were), by their SHA-256:
    the shop may change its terms later, the signed copy stays readable."""

    __tablename__ = "signed_text"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    body: str = Field(max_length=40000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MessageDirection(StrEnum):
    FROM_CUSTOMER = "in"
    TO_CUSTOMER = "out"


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="repair_order.id", index=True)
    direction: str = Field(max_length=5)
    author_staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    author_name: str = Field(default="", max_length=200)
    body: str = Field(max_length=5000)
    is_feedback: bool = False
    channel: str = Field(default="portal", max_length=10, description="portal or sms: how it came or went")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
