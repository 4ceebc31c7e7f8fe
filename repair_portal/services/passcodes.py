"""A device's passcode, left at intake so the shop can test the repair: encrypted at rest, shown only
on an audited reveal, and deleted when the device is collected."""

from __future__ import annotations

import unicodedata

from ..integrations import vault
from ..models import Order
from . import audit, clock

MAX_LENGTH = 64


class PasscodeError(ValueError):
    pass


def clean(raw: str) -> str:
    """Kept as typed (a pattern like "L-shape 1-5-9" is fine); control characters refused."""
    text = unicodedata.normalize("NFC", str(raw or "")).strip()
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise PasscodeError("Type the passcode with letters, digits and symbols only.")
    if len(text) > MAX_LENGTH:
        raise PasscodeError(f"That passcode is too long ({MAX_LENGTH} characters at most).")
    return text


def store(order: Order, key: bytes, raw: str) -> bool:
    """Encrypt and keep the passcode on the order (nothing when empty). Returns whether one was kept."""
    text = clean(raw)
    if not text:
        return False
    order.passcode_encrypted = vault.encrypt(key, text)
    order.passcode_deleted_at = None
    return True


def has_passcode(order: Order) -> bool:
    return bool(order.passcode_encrypted)


def reveal(session, order: Order, key: bytes, actor: audit.Actor) -> str:
    """The passcode in clear, for the staff member who asked; every reveal is in the audit trail."""
    if not order.passcode_encrypted:
        raise PasscodeError("No passcode is kept for this order.")
    text = vault.decrypt(key, order.passcode_encrypted)
    audit.record(session, actor, "order.passcode_revealed", order_id=order.id)
    return text


def forget(session, order: Order, actor: audit.Actor, *, why: str) -> bool:
    """Delete the passcode (collection, or staff no longer need it). Returns whether one was deleted."""
    if not order.passcode_encrypted:
        return False
    order.passcode_encrypted = None
    order.passcode_deleted_at = clock.now()
    session.add(order)
    audit.record(session, actor, "order.passcode_deleted", order_id=order.id, why=why)
    return True
