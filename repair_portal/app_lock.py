""" "Is the app running on this machine?", answered by a lock the running app holds, not by a file's
presence: each app process holds a shared `flock` on DATA_DIR/app.lock for as long as it serves, and the
kernel drops it when the process ends however it ends, so a left-over file never blocks anything.
`restore` takes the same lock exclusively: it is refused while any app process holds it, and an app
starting in the middle of a restore stops instead of reading a half-copied database."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .settings import SettingsError

LOCK_FILE = "app.lock"


class AppRunning(SettingsError):
    """The app (or a restore) holds the lock."""


def _open(data_dir: Path) -> int:
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return os.open(Path(data_dir) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


def hold_running(data_dir: Path) -> int:
    """Taken by the app when it starts (several workers share it). Returns the descriptor to release."""
    fd = _open(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AppRunning(
            "A restore of the database is running (python -m repair_portal restore). "
            "Start the app again when it has finished."
        ) from None
    return fd


def release(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextlib.contextmanager
def app_stopped(data_dir: Path) -> Iterator[None]:
    """Held for the whole restore: AppRunning when any app process is serving from this DATA_DIR."""
    fd = _open(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AppRunning(
            f"The app is running (it holds {Path(data_dir) / LOCK_FILE}): stop it first, then restore. "
            "Nothing was changed."
        ) from None
    try:
        yield
    finally:
        release(fd)


@contextlib.asynccontextmanager
async def serving():
    """The app's lifespan task: the keys are checked (a missing one stops the start with instructions,
    repair_portal/keys.py) and the running lock is held until the app stops."""
    from .settings import get_settings

    fd = hold_running(get_settings().data_dir)
    try:
        yield
    finally:
        release(fd)
