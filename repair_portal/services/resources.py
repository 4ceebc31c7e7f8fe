"""Shared resources: files staff put in folders (certificates, manuals) for customer accounts.

Sharing is per file: with every account, or with the accounts chosen for it (`ResourceShare`). Folders
only organise; a portal user sees a folder when it holds at least one file shared with their account.
Files are checked by content like order files (PDFs must parse, images are decoded and re-encoded by
Pillow without metadata), kept under server-chosen names in the private data dir, and served only
through an authorising route. Office documents are refused: their content can't be verified safely here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from ..integrations.images import ImageRejected, store_photo
from ..models import Customer, CustomerKind, ResourceFile, ResourceFolder, ResourceShare
from . import audit, clock, timefmt
from .attachments import is_real_pdf, store_pdf

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_FOLDER_NAME = 100
MAX_ACCOUNTS_LISTED = 500


class ResourceError(ValueError):
    """A message safe to show to staff."""


def storage_dir(uploads_dir: Path) -> Path:
    """Where shared files live: beside the order files, in the private data dir (and its backups)."""
    return uploads_dir / "resources"


# --- folders ------------------------------------------------------------------------------------------


def _folder_name(raw: str) -> str:
    name = " ".join(str(raw or "").split())
    if not name or len(name) > MAX_FOLDER_NAME:
        raise ResourceError(f"Give the folder a name ({MAX_FOLDER_NAME} characters at most).")
    return name


def _check_unique(session: Session, name: str, folder_id: int | None) -> None:
    clash = session.exec(select(ResourceFolder).where(func.lower(ResourceFolder.name) == name.lower())).first()
    if clash is not None and clash.id != folder_id:
        raise ResourceError(f"There is already a folder called “{clash.name}”.")


def add_folder(session: Session, name: str, actor: audit.Actor) -> ResourceFolder:
    name = _folder_name(name)
    _check_unique(session, name, None)
    top = session.exec(select(func.max(ResourceFolder.position))).one()
    folder = ResourceFolder(name=name, position=(top or 0) + 1, created_at=clock.now())
    session.add(folder)
    session.flush()
    audit.record(session, actor, "resources.folder_added", folder=name)
    return folder


def rename_folder(session: Session, folder_id: int | None, name: str, actor: audit.Actor) -> ResourceFolder:
    folder = session.get(ResourceFolder, folder_id) if folder_id else None
    if folder is None:
        raise ResourceError("That folder no longer exists.")
    name = _folder_name(name)
    _check_unique(session, name, folder.id)
    old, folder.name = folder.name, name
    session.add(folder)
    audit.record(session, actor, "resources.folder_renamed", old=old, folder=name)
    return folder


def delete_folder(session: Session, folder_id: int | None, actor: audit.Actor) -> None:
    folder = session.get(ResourceFolder, folder_id) if folder_id else None
    if folder is None:
        raise ResourceError("That folder no longer exists.")
    count = session.exec(
        select(func.count()).select_from(ResourceFile).where(ResourceFile.folder_id == folder.id)
    ).one()
    if count:
        raise ResourceError(f"“{folder.name}” still holds {count} file(s): delete them first.")
    session.delete(folder)
    session.flush()
    audit.record(session, actor, "resources.folder_deleted", folder=folder.name)


# --- files --------------------------------------------------------------------------------------------


def prepare(files_dir: Path, filename: str, data: bytes) -> ResourceFile:
    """Check and store one file (no transaction open: decoding an image takes a while); the row
    returned is not in any session yet."""
    if len(data) > MAX_FILE_BYTES:
        raise ResourceError(f"“{filename}” is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    title = Path(filename or "file").stem.strip()[:150] or "File"
    if data[:5] == b"%PDF-":
        if not is_real_pdf(data):
            raise ResourceError(f"“{filename}” is not a readable PDF document.")
        name, digest = store_pdf(data, files_dir)
        return ResourceFile(
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
        raise ResourceError(f"“{filename}”: {exc} Upload PDF documents or images (JPEG, PNG, WebP).") from None
    return ResourceFile(
        title=title,
        original_filename=f"{title}.jpg",
        storage_name=stored.storage_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )


def add_file(
    session: Session, folder_id: int, item: ResourceFile, *, shared_with_all: bool, actor: audit.Actor
) -> ResourceFile:
    if session.get(ResourceFolder, folder_id) is None:
        raise LookupError("That folder no longer exists.")
    item.folder_id = folder_id
    item.shared_with_all = bool(shared_with_all)
    item.uploaded_by_id = actor.id if actor.kind == "staff" else None
    item.created_at = clock.now()
    session.add(item)
    session.flush()
    audit.record(session, actor, "resources.file_added", file_id=item.id, title=item.title, all=item.shared_with_all)
    return item


def add_many(
    files_dir: Path, folder_id: int, received: list[tuple[str, bytes]], shared_with_all: bool, actor: audit.Actor
) -> tuple[int, list[str]] | None:
    """One staff upload: (files added, messages for the ones refused); None when the folder is gone.
    Blocking (Pillow, disk, database): run it in a worker thread."""
    from ..db import write_session

    added, errors = 0, []
    for filename, data in received:
        try:
            item = prepare(files_dir, filename, data)
        except ResourceError as exc:
            errors.append(str(exc))
            continue
        try:
            with write_session() as session:
                add_file(session, folder_id, item, shared_with_all=shared_with_all, actor=actor)
        except LookupError:
            (files_dir / item.storage_name).unlink(missing_ok=True)
            return None
        except BaseException:
            (files_dir / item.storage_name).unlink(missing_ok=True)
            raise
        added += 1
    return added, errors


def business_accounts(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the accounts a file can be shared with: business customers."""
    rows = session.exec(
        select(Customer)
        .where(Customer.kind == CustomerKind.BUSINESS.value)
        .order_by(func.lower(Customer.company), Customer.id)
        .limit(MAX_ACCOUNTS_LISTED)
    )
    return [(c.id, c.company or c.full_name) for c in rows]


def shared_account_ids(session: Session, file_id: int) -> list[int]:
    return sorted(session.exec(select(ResourceShare.customer_id).where(ResourceShare.file_id == file_id)))


def set_sharing(
    session: Session, file_id: int | None, shared_with_all: bool, customer_ids, actor: audit.Actor
) -> ResourceFile:
    """Every account, or exactly these business accounts (ids that aren't one are ignored)."""
    item = session.get(ResourceFile, file_id) if file_id else None
    if item is None:
        raise ResourceError("That file no longer exists.")
    wanted = {i for i in customer_ids if isinstance(i, int) and not isinstance(i, bool)}
    chosen = (
        set(
            session.exec(
                select(Customer.id).where(Customer.id.in_(wanted)).where(Customer.kind == CustomerKind.BUSINESS.value)
            )
        )
        if wanted and not shared_with_all
        else set()
    )
    item.shared_with_all = bool(shared_with_all)
    session.add(item)
    session.execute(delete(ResourceShare).where(ResourceShare.file_id == item.id))
    session.add_all(ResourceShare(file_id=item.id, customer_id=cid) for cid in sorted(chosen))
    session.flush()
    audit.record(
        session, actor, "resources.sharing_changed", file_id=item.id, all=item.shared_with_all, accounts=sorted(chosen)
    )
    return item


def delete_file(session: Session, file_id: int | None, actor: audit.Actor) -> str:
    """Remove the record and its shares; returns the stored name, for the caller to delete the file
    once the transaction has committed."""
    item = session.get(ResourceFile, file_id) if file_id else None
    if item is None:
        raise ResourceError("That file no longer exists.")
    session.execute(delete(ResourceShare).where(ResourceShare.file_id == item.id))
    session.delete(item)
    session.flush()
    audit.record(session, actor, "resources.file_deleted", file_id=item.id, title=item.title)
    return item.storage_name


# --- what staff and customers see --------------------------------------------------------------------


def size_text(size_bytes: int) -> str:
    if size_bytes >= 1024 * 1024:
        return f"{size_bytes / (1024 * 1024):.1f} MB"
    return f"{max(1, size_bytes // 1024)} KB"


@dataclass(frozen=True)
class FileView:
    id: int
    title: str
    is_pdf: bool
    size: str
    added: str
    sharing: str  # staff: "Every account", "2 accounts", "Not shared yet"; customers: ""


@dataclass(frozen=True)
class FolderView:
    id: int
    name: str
    files: list[FileView] = field(default_factory=list)


def staff_folders(session: Session) -> list[FolderView]:
    tz = timefmt.shop_timezone(session)
    folders = session.exec(select(ResourceFolder).order_by(ResourceFolder.position, ResourceFolder.id)).all()
    files = session.exec(select(ResourceFile).order_by(ResourceFile.title, ResourceFile.id)).all()
    counts = dict(
        session.exec(select(ResourceShare.file_id, func.count()).group_by(ResourceShare.file_id)).all()  # type: ignore[arg-type]
    )

    def sharing(item: ResourceFile) -> str:
        if item.shared_with_all:
            return "Every account"
        count = counts.get(item.id, 0)
        return f"{count} account{'s' if count != 1 else ''}" if count else "Not shared yet"

    by_folder: dict[int, list[FileView]] = {}
    for item in files:
        by_folder.setdefault(item.folder_id, []).append(
            FileView(
                item.id,
                item.title,
                item.content_type == "application/pdf",
                size_text(item.size_bytes),
                timefmt.date(item.created_at, tz),
                sharing(item),
            )
        )
    return [FolderView(f.id, f.name, by_folder.get(f.id, [])) for f in folders]


def _shared_with(customer_id: int):
    """The files an account may see: shared with every account, or with it."""
    return or_(
        ResourceFile.shared_with_all,
        ResourceFile.id.in_(select(ResourceShare.file_id).where(ResourceShare.customer_id == customer_id)),
    )


def account_folders(session: Session, customer_id: int) -> list[FolderView]:
    """The folders holding files shared with this account, and only those files."""
    tz = timefmt.shop_timezone(session)
    rows = session.exec(
        select(ResourceFile, ResourceFolder)
        .join(ResourceFolder, ResourceFolder.id == ResourceFile.folder_id)
        .where(_shared_with(customer_id))
        .order_by(ResourceFolder.position, ResourceFolder.id, ResourceFile.title, ResourceFile.id)
    ).all()
    folders: dict[int, FolderView] = {}
    for item, folder in rows:
        view = folders.setdefault(folder.id, FolderView(folder.id, folder.name, []))
        view.files.append(
            FileView(
                item.id,
                item.title,
                item.content_type == "application/pdf",
                size_text(item.size_bytes),
                timefmt.date(item.created_at, tz),
                "",
            )
        )
    return list(folders.values())


def file_for_account(session: Session, customer_id: int, file_id: int | None) -> ResourceFile | None:
    """The file if it is shared with this account (another account's, unshared or unknown: None)."""
    if not file_id:
        return None
    return session.exec(select(ResourceFile).where(ResourceFile.id == file_id).where(_shared_with(customer_id))).first()
