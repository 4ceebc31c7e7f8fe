"""Shared resources: files staff put in folders for customer accounts (certificates, manuals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class ResourceFolder(SQLModel, table=True):
    __tablename__ = "resource_folder"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResourceFile(SQLModel, table=True):
    """A file kept under a server-chosen name in the private data dir. Shared per file: with every
    account (`shared_with_all`) or with the accounts listed in `resource_share`."""

    __tablename__ = "resource_file"

    id: int | None = Field(default=None, primary_key=True)
    folder_id: int = Field(foreign_key="resource_folder.id", index=True)
    title: str = Field(max_length=200)
    original_filename: str = Field(default="", max_length=255)
    storage_name: str = Field(max_length=100, unique=True)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    shared_with_all: bool = False
    uploaded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResourceShare(SQLModel, table=True):
    """One account a file is shared with (when it isn't shared with every account)."""

    __tablename__ = "resource_share"
    __table_args__ = (UniqueConstraint("file_id", "customer_id", name="uq_resource_share_file_customer"),)

    id: int | None = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="resource_file.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
