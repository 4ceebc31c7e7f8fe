"""Browsers that signed in before: a signed cookie value listing account ids, so strangers' failed
sign-ins against an account never lock its owner out of a device they already use. `kind` keeps
staff ids and portal users' ids apart (each has its own cookie and its own signatures)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .ids import is_digits

MAX_ENTRIES = 5  # a shared shop PC is used by a handful of staff


def _mac(secret_key: str, user_id: int, nonce: str, kind: str = "staff") -> str:
    msg = f"{kind}-known-device:{user_id}:{nonce}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()[:32]


def entries(secret_key: str, value: str | None, *, kind: str = "staff") -> dict[int, str]:
    """{account id: the entry's nonce} for every correctly signed entry; forged ones are ignored."""
    found: dict[int, str] = {}
    for raw in (value or "").split("|")[: MAX_ENTRIES * 2]:
        parts = raw.split(".")
        if len(parts) != 3 or not is_digits(parts[0]) or len(parts[0]) > 18:
            continue
        user_id, nonce, mac = int(parts[0]), parts[1], parts[2]
        if hmac.compare_digest(mac, _mac(secret_key, user_id, nonce, kind)):
            found[user_id] = nonce
    return found


def remember(secret_key: str, value: str | None, user_id: int, *, kind: str = "staff") -> str:
    """The cookie value with `user_id` added (newest first, at most MAX_ENTRIES)."""
    kept = {uid: n for uid, n in entries(secret_key, value, kind=kind).items() if uid != user_id}
    nonce = kept.get(user_id) or secrets.token_urlsafe(12)
    ordered = [(user_id, nonce), *list(kept.items())][:MAX_ENTRIES]
    return "|".join(f"{uid}.{n}.{_mac(secret_key, uid, n, kind)}" for uid, n in ordered)
