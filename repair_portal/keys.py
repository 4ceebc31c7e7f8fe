"""The installation's two keys in DATA_DIR, and the one rule about them: they are created only by an
explicit first-time step (`bootstrap`, which `make run` runs; `create-admin`, `seed-demo`, `create-keys`),
and only while the database holds nothing they protect. Starting the app with one missing is an error
that says what is missing, where it belongs, how to restore it, and what making a new one would lose:
a silently new key would quietly break every printed QR code (secret_key) or every encrypted value
(passcode_key)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import column, create_engine, inspect, literal, select, table
from sqlalchemy.engine import make_url

from .integrations import vault
from .settings import SettingsError

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)
PASSCODE_KEY_FILE = vault.KEY_FILE


class MissingKeyError(SettingsError):
    """A key file is missing where the app needs it; the message says how to restore it."""


@dataclass(frozen=True)
class KeyInfo:
    file: str
    does: str  # what the key is for
    loses: str  # what a new key loses, for a database that already holds data


KEYS = (
    KeyInfo(
        SECRET_KEY_FILE,
        "derives every tracking link and QR code, signs remembered devices and staff previews, and identifies passkeys",
        "every tracking link and QR code already printed or emailed stops working (send customers a new link "
        "from each order), customers' remembered devices are asked for their last name again, and every "
        "passkey must be added again",
    ),
    KeyInfo(
        PASSCODE_KEY_FILE,
        "encrypts kept device passcodes, two-step sign-in (TOTP) secrets and the Stripe and Twilio keys typed "
        "on the settings pages",
        "kept device passcodes can't be read, two-step sign-in must be set up again (staff: `python -m "
        "repair_portal reset-mfa EMAIL`), and the Stripe and Twilio keys must be typed again on the settings pages",
    ),
)
# Where each key's protected data lives: tables whose rows need secret_key, columns encrypted with passcode_key.
SECRET_KEY_TABLES = ("staff_user", "repair_order", "customer", "portal_link")
ENCRYPTED_COLUMNS = (
    ("repair_order", "passcode_encrypted"),
    ("staff_user", "totp_secret_encrypted"),
    ("portal_user", "totp_secret_encrypted"),
    ("shop_settings", "stripe_secret_key_enc"),
    ("shop_settings", "stripe_webhook_secret_enc"),
    ("shop_settings", "twilio_auth_token_enc"),
)


def read_secret_key(data_dir: Path) -> str | None:
    path = Path(data_dir) / SECRET_KEY_FILE
    return path.read_text().strip() if path.is_file() else None


def _create_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago: keep theirs
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)


def _create(data_dir: Path, info: KeyInfo) -> None:
    if info.file == SECRET_KEY_FILE:
        _create_private(Path(data_dir) / info.file, secrets.token_urlsafe(32).encode())
    else:
        vault.create_key(data_dir)


def database_holds(database_url: str, info: KeyInfo) -> bool | None:
    """Does the database hold data this key protects? None: it can't be read (unreachable)."""
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        if not path or path == ":memory:" or not Path(path).is_file():
            return False
    try:
        engine = create_engine(database_url)
    except Exception:
        return None
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            tables = set(found.get_table_names())
            if info.file == SECRET_KEY_FILE:
                probes = [select(literal(1)).select_from(table(t)) for t in SECRET_KEY_TABLES if t in tables]
            else:
                columns = {t: {c["name"] for c in found.get_columns(t)} for t, _ in ENCRYPTED_COLUMNS if t in tables}
                probes = [
                    select(literal(1)).select_from(table(t)).where(column(c).is_not(None), column(c) != "")
                    for t, c in ENCRYPTED_COLUMNS
                    if c in columns.get(t, ())
                ]
            return any(conn.execute(probe.limit(1)).first() is not None for probe in probes)
    except Exception:
        return None
    finally:
        engine.dispose()


def _shown_url(database_url: str) -> str:
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def missing_message(info: KeyInfo, data_dir: Path, database_url: str, holds: bool | None) -> str:
    path = Path(data_dir) / info.file
    head = f"The installation key {info.file} is missing: it is expected at {path} (DATA_DIR/{info.file})."
    new_install = (
        "Nothing stored needs an earlier one: create it with `python -m repair_portal create-keys` "
        "(`make run` does this through `bootstrap`)."
    )
    if holds is False:
        return f"{head}\n{new_install}"
    env_hint = " (or set SECRET_KEY to the value used before)" if info.file == SECRET_KEY_FILE else ""
    where = (
        f"The database ({_shown_url(database_url)}) already holds this shop's data"
        if holds
        else f"The database ({_shown_url(database_url)}) could not be checked and may hold this shop's data"
    )
    paragraphs = [
        f"{head} {where}, and this key {info.does}. The app does not start without it: a new key would quietly "
        "break all of that.",
        f"To restore it: copy the {info.file} file from your backup of DATA_DIR to {path}{env_hint}, then "
        f"`chmod 600 {path}` and start again.",
        "No backup? `python -m repair_portal create-keys --accept-loss` makes a new one knowingly. That loses "
        f"this: {info.loses}.",
    ]
    if holds is None:
        paragraphs.append(
            f"If this is a new installation with nothing stored yet: {new_install[0].lower()}{new_install[1:]}"
        )
    return "\n\n".join(paragraphs)


def _missing(data_dir: Path, secret_in_env: bool) -> list[KeyInfo]:
    return [
        info
        for info in KEYS
        if not (info.file == SECRET_KEY_FILE and secret_in_env) and not (Path(data_dir) / info.file).is_file()
    ]


def check_keys(data_dir: Path, database_url: str, *, secret_in_env: bool) -> None:
    """At start: every key present, or MissingKeyError with what to do (SECRET_KEY set: no secret_key file)."""
    missing = _missing(data_dir, secret_in_env)
    if missing:
        messages = [missing_message(i, data_dir, database_url, database_holds(database_url, i)) for i in missing]
        raise MissingKeyError("\n\n".join(messages))


def ensure_keys(data_dir: Path, database_url: str, *, secret_in_env: bool, accept_loss: bool = False) -> list[str]:
    """The explicit first-time step: create each missing key whose data the database doesn't hold yet
    (`accept_loss`: also where it does, knowingly). Returns the files created."""
    refused, created = [], []
    for info in _missing(data_dir, secret_in_env):
        holds = database_holds(database_url, info)
        if holds is not False and not accept_loss:
            refused.append(missing_message(info, data_dir, database_url, holds))
            continue
        _create(data_dir, info)
        created.append(info.file)
    if refused:
        raise MissingKeyError("\n\n".join(refused))
    return created
