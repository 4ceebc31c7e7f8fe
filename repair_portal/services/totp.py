"""Time-based one-time codes (RFC 6238, via pyotp) and single-use recovery codes, for any owner (a staff
member or a portal user): the caller keeps the secret (encrypted) and the last accepted time step.

A code is accepted for the current 30-second step or one step either side (clock drift), and only for a
step later than the last one accepted: a code seen over someone's shoulder, or sent twice, works once
(ASVS V6.5.1). Recovery codes are random, shown once, stored as SHA-256 and spent with one conditional
UPDATE, so two uses at once can't both succeed.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from ..models import RecoveryCode
from . import clock
from .tokens import hash_token

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
_RECOVERY_GROUPS = (5, 5)  # "k7m2p-x9q4r": 50 bits


def new_secret() -> str:
    """A 160-bit base32 secret (what the authenticator app stores)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI the QR code carries; the issuer (the shop's name) labels the entry in the app."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer.strip() or "Repair Portal"
    )


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def clean_code(code: str) -> str:
    """What the person typed, without spaces or dashes (apps show "123 456")."""
    return "".join(ch for ch in str(code or "")[:64] if ch not in " -\t").lower()


def matching_step(secret: str, code: str, last_step: int | None, moment: datetime | None = None) -> int | None:
    """The time step `code` belongs to (within the window and after `last_step`), or None.

    The caller stores the returned step as the new last step in the same transaction, conditionally
    (`accept_step`), so the same code can't be accepted twice."""
    code = clean_code(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = step_at(moment or clock.now())
    found = None
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        # compare every candidate (no early exit: the time taken says nothing about which step matched)
        if secrets.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            found = step if found is None else found
    return found


def accept_step(session: Session, model, owner_id: int, step: int) -> bool:
    """Record `step` as the owner's last accepted one (`model`: StaffUser or PortalUser, both with
    `totp_last_step`), only if it is later than what is stored; False when another request got there
    first (the code was just used)."""
    result = session.execute(
        update(model)
        .where(model.id == owner_id)
        .where(or_(model.totp_last_step.is_(None), model.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return bool(result.rowcount)


# --- recovery codes ----------------------------------------------------------------------------------


def _new_recovery_code() -> str:
    groups = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(n)) for n in _RECOVERY_GROUPS]
    return "-".join(groups)


def _recovery_hash(code: str) -> str:
    return hash_token("recovery:" + clean_code(code))


def new_recovery_codes(session: Session, owner_kind: str, owner_id: int) -> list[str]:
    """Ten fresh codes (returned once, to be shown once); every earlier code of the owner stops working."""
    delete_recovery_codes(session, owner_kind, owner_id)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    now = clock.now()
    for code in codes:
        session.add(
            RecoveryCode(owner_kind=owner_kind, owner_id=owner_id, code_hash=_recovery_hash(code), created_at=now)
        )
    session.flush()
    return codes


def use_recovery_code(session: Session, owner_kind: str, owner_id: int, code: str) -> bool:
    """Spend one unused code of this owner; False for anything else (unknown, used, someone else's)."""
    cleaned = clean_code(code)
    if not (8 <= len(cleaned) <= 20):
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.code_hash == _recovery_hash(cleaned))
        .where(RecoveryCode.owner_kind == owner_kind)
        .where(RecoveryCode.owner_id == owner_id)
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return bool(spent.rowcount)


def recovery_codes_left(session: Session, owner_kind: str, owner_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.owner_kind == owner_kind)
        .where(RecoveryCode.owner_id == owner_id)
        .where(RecoveryCode.used_at.is_(None))
    ).one()


def delete_recovery_codes(session: Session, owner_kind: str, owner_id: int) -> None:
    session.execute(
        delete(RecoveryCode).where(RecoveryCode.owner_kind == owner_kind).where(RecoveryCode.owner_id == owner_id)
    )
