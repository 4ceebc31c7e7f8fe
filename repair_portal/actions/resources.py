"""What staff do on Settings → Shared files that touches the disk as well as the database."""

from __future__ import annotations

from pathlib import Path

from ..db import write_session
from ..services import audit, resources
from . import Outcome, done, refused


def upload(
    files_dir: Path, folder_id: int | None, received: list[tuple[str, bytes]], everyone: bool, actor: audit.Actor
) -> Outcome:
    """Store the files checked by content; the refused ones come back in `detail`."""
    if folder_id is None:
        return refused("Choose the folder to upload into.")
    if not received:
        return refused("Choose the files to upload.")
    result = resources.add_many(files_dir, folder_id, received, everyone, actor)
    if result is None:
        return refused("That folder no longer exists.", stale=True)
    added, errors = result
    detail = " ".join(errors)
    if not added:
        return Outcome(False, "Nothing was uploaded.", "error", detail=detail)
    shared = "every account" if everyone else "no account yet: choose who sees each file"
    message = f"{added} file{'s' if added != 1 else ''} uploaded, shared with {shared}."
    return Outcome(True, message, "warning" if errors else "success", detail=detail)


def delete_file(files_dir: Path, file_id: int | None, actor: audit.Actor) -> Outcome:
    """The record first; the stored file only once that has committed (a failed delete keeps both)."""
    try:
        with write_session() as session:
            storage_name = resources.delete_file(session, file_id, actor)
    except resources.ResourceError as exc:
        return refused(str(exc), stale=True)
    (files_dir / storage_name).unlink(missing_ok=True)
    return done("File deleted. No account can download it any more.")
