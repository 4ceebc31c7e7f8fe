"""Secrets the shop must read back (a device's passcode), encrypted at rest with Fernet (AES-128-CBC +
HMAC-SHA256, from `cryptography`). The key lives in DATA_DIR/passcode_key (mode 600), apart from the
database: a copy of the database alone reveals no passcode."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "passcode_key"


class VaultError(ValueError):
    """The stored value can't be read with this installation's key."""


def load_or_create_key(data_dir: Path) -> bytes:
    key_file = Path(data_dir) / KEY_FILE
    if key_file.exists():
        return key_file.read_bytes().strip()
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
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
