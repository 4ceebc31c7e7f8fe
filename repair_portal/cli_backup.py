"""`backup` and `restore` for the SQLite database. Neither needs the installation keys (restoring is how
a shop recovers from losing them), and `restore` runs only while the app is stopped (repair_portal/app_lock.py)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from .app_lock import app_stopped
from .settings import data_paths


def _sqlite_path(database_url: str) -> str | None:
    return make_url(database_url).database if database_url.startswith("sqlite") else None


def cmd_backup(args) -> int:
    data_dir, database_url = data_paths()
    source_path = _sqlite_path(database_url)
    if source_path is None:
        print("backup uses SQLite's backup API; for PostgreSQL use pg_dump.", file=sys.stderr)
        return 1
    dest = Path(args.dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not Path(source_path).is_file():
        print(f"No database at {source_path}.", file=sys.stderr)
        return 1
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()
    print(
        f"Backed up {source_path} to {dest}. Keep {data_dir / 'secret_key'}, "
        f"{data_dir / 'passcode_key'} and {data_dir / 'files'} with it: "
        "links, kept device passcodes, two-step sign-in and photos need them."
    )
    return 0


def cmd_restore(args) -> int:
    data_dir, database_url = data_paths()
    target_path = _sqlite_path(database_url)
    if target_path is None:
        print("restore uses SQLite's backup API; for PostgreSQL use pg_restore.", file=sys.stderr)
        return 1
    source = Path(args.source)
    if not source.is_file():
        print(f"{source} does not exist.", file=sys.stderr)
        return 1
    with app_stopped(data_dir):  # AppRunning (a SettingsError: the CLI prints it) while the app serves
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                healthy = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                healthy = False
            if not healthy:
                print(f"{source} is not a healthy SQLite database; nothing was restored.", file=sys.stderr)
                return 1
            target = sqlite3.connect(target_path)
            try:
                check.backup(target)
            finally:
                target.close()
        finally:
            check.close()
        from .migrations import upgrade_to_head

        upgrade_to_head(database_url)  # an older backup is brought up to this version's schema
    print(f"Restored {source}. Start the app again.")
    return 0
