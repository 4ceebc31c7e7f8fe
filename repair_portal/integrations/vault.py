"""Secrets the shop must read back (a device's passcode), encrypted at rest with Fernet (AES-128-CBC +
HMAC-SHA256, from `cryptography`). The key lives in DATA_DIR/passcode_key (mode 600), apart from the
database: a copy of the database alone reveals no passcode. It is created only by an explicit first-time
step (repair_portal/keys.py), never on first use."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "passcode_key"


class VaultError(ValueError):
    """The stored value can't be read with this installation's key."""


def load_key(data_dir: Path) -> bytes:
    """The key, never a new one: a missing file is MissingKeyError with how to restore it (repair_portal/keys.py)."""
    key_file = Path(data_dir) / KEY_FILE
    if key_file.is_file():
        return key_file.read_bytes().strip()
    from ..keys import MissingKeyError

    raise MissingKeyError(
        f"The installation key {key_file} is missing (the app checks it at start: was it moved or deleted "
        "since?). Copy passcode_key back from your backup of DATA_DIR (mode 600); nothing was changed."
    )


def create_key(data_dir: Path) -> bytes:
    """The explicit first-time step only (repair_portal/keys.py decides when); an existing key is kept."""
    key_file = Path(data_dir) / KEY_FILE
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return key_file.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def encrypt(key: bytes, plaintext: str) -> str:
    return Fernet(key).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(key: bytes, token: str) -> str:
    try:
        return Fernet(key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise VaultError("This passcode was stored with another key (was passcode_key replaced?).") from exc
