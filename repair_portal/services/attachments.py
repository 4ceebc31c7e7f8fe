"""Photos and documents staff add to an order: checked by content, stored privately under random names."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from ..integrations.images import ImageRejected, store_photo
from ..models import Attachment, AttachmentKind, Order
from . import audit, clock

MAX_FILE_BYTES = 15 * 1024 * 1024
MAX_ORDER_BYTES = 200 * 1024 * 1024


class AttachmentError(ValueError):
    pass


def store_pdf(data: bytes, files_dir: Path) -> tuple[str, str]:
    """Write a checked PDF under a server-chosen name, durably (temp file, fsync, rename): (name, SHA-256)."""
    files_dir.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    tmp = files_dir / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, files_dir / name)
    return name, hashlib.sha256(data).hexdigest()


def is_real_pdf(data: bytes) -> bool:
    """A PDF by more than its first bytes: pypdf must parse it and find at least one page."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if data[:5] != b"%PDF-":
        return False
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except (PdfReadError, ValueError, TypeError, KeyError, OSError, RecursionError, AttributeError):
        return False


def prepare(files_dir: Path, filename: str, data: bytes) -> Attachment:
    """Check and store the file (no transaction open: decoding a photo can take a while); the
    returned row is not added to any session yet."""
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentError(f"“{filename}” is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    title = Path(filename or "file").stem[:100] or "File"
    if data[:5] == b"%PDF-":
        if not is_real_pdf(data):
            raise AttachmentError(f"“{filename}” is not a readable PDF document.")
        name, digest = store_pdf(data, files_dir)
        return Attachment(
            kind=AttachmentKind.DOCUMENT.value,
            title=title,
            original_filename=f"{title}.pdf",
            storage_name=name,
            content_type="application/pdf",
            size_bytes=len(data),
            sha256=digest,
        )
    try:
        stored = store_photo(data, files_dir)
    except ImageRejected as exc:
        raise AttachmentError(f"“{filename}”: {exc} Upload photos (JPEG, PNG, WebP) or PDF documents.") from None
    return Attachment(kind=AttachmentKind.PHOTO.value, title=title, original_filename=f"{title}.jpg", **stored.__dict__)


def attach(session: Session, order: Order, item: Attachment, *, visible: bool, actor: audit.Actor) -> Attachment:
    """Record a prepared file on the order, within the order's total cap."""
    used = session.exec(
        select(func.coalesce(func.sum(Attachment.size_bytes), 0)).where(Attachment.order_id == order.id)
    ).one()
    if used + item.size_bytes > MAX_ORDER_BYTES:
        raise AttachmentError("This order already holds the maximum of 200 MB of files.")
    item.order_id = order.id
    item.visible_to_customer = visible
    item.uploaded_by_id = actor.id if actor.kind == "staff" else None
    item.created_at = clock.now()
    session.add(item)
    session.flush()
    audit.record(
        session, actor, "attachment.added", order_id=order.id, attachment_id=item.id, kind=item.kind, visible=visible
    )
    return item


def add_attachment(
    session: Session, files_dir: Path, order: Order, filename: str, data: bytes, *, visible: bool, actor: audit.Actor
) -> Attachment:
    """Photos are decoded and re-encoded (metadata stripped); PDFs must parse as PDFs."""
    item = prepare(files_dir, filename, data)
    try:
        return attach(session, order, item, visible=visible, actor=actor)
    except AttachmentError:
        (files_dir / item.storage_name).unlink(missing_ok=True)
        raise


def add_many(
    files_dir: Path, order_id: int, received: list[tuple[str, bytes]], visible: bool, actor: audit.Actor
) -> tuple[int, list[str]] | None:
    """One staff upload: (files added, messages for the ones refused); None when the order is gone.
    Blocking (Pillow, disk, database): run it in a worker thread."""
    from ..db import write_session

    added, errors = 0, []
    for filename, data in received:
        try:
            item = prepare(files_dir, filename, data)
            try:
                with write_session() as session:
                    order = session.get(Order, order_id)
                    if order is None:
                        return None
                    attach(session, order, item, visible=visible, actor=actor)
            except BaseException:
                (files_dir / item.storage_name).unlink(missing_ok=True)
                raise
            added += 1
        except AttachmentError as exc:
            errors.append(str(exc))
    return added, errors


def set_visibility(session: Session, order_id: int, attachment_id: int, visible: bool, actor: audit.Actor) -> None:
    item = session.get(Attachment, attachment_id)
    if item is None or item.order_id != order_id:
        raise AttachmentError("That file isn't on this order.")
    item.visible_to_customer = visible
    session.add(item)
    audit.record(session, actor, "attachment.visibility", order_id=order_id, attachment_id=item.id, visible=visible)


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    title: str
    kind: str
    visible: bool
    size_kb: int


def list_for_order(session: Session, order_id: int) -> list[AttachmentRow]:
    rows = session.exec(select(Attachment).where(Attachment.order_id == order_id).order_by(Attachment.created_at))
    return [AttachmentRow(a.id, a.title, a.kind, a.visible_to_customer, max(1, a.size_bytes // 1024)) for a in rows]
