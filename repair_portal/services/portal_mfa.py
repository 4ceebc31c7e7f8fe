"""Two-step sign-in for portal users: TOTP (pyotp) and ten single-use recovery codes.

The TOTP secret must be read back to check codes, so it is encrypted at rest (integrations/vault.py,
the key in DATA_DIR, apart from the database). A code is accepted one step either side of now, and each
time step once (`PortalUser.totp_last_step`, moved forward by one conditional UPDATE, so two requests
with the same code can't both pass). Recovery codes are stored as SHA-256 and spent the same way.
Every check is counted per user and per address before the code is looked at.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from ..integrations import vault
from ..models import PortalUser, RecoveryCode, ShopSettings
from . import audit, clock, portal_auth, ratelimit

OWNER = "portal"
STEP_SECONDS = 30
WINDOW = 1  # steps either side of now: a phone's clock a little off still works
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
USER_LIMIT = ratelimit.Limit("portal_mfa_user", 5, timedelta(minutes=15))
IP_LIMIT = ratelimit.Limit("portal_mfa_ip", 20, timedelta(hours=1))
WRONG_CODE = "That code didn't work. Enter the newest 6-digit code from your app, or a recovery code."
WRONG_TOTP = "That code didn't work. Enter the newest 6-digit code from your authenticator app."
START_AGAIN = "Start again: scan the new QR code, then enter the code it shows."


class MfaError(ValueError):
    """A refusal whose message is safe to show."""


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, shown once for typing into the app by hand
    uri: str  # otpauth:// for the QR code

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    required: bool
    codes_left: int


def status(session: Session, user_id: int) -> MfaStatus:
    user = session.get(PortalUser, user_id)
    if user is None:
        return MfaStatus(False, False, 0)
    return MfaStatus(
        user.totp_enabled_at is not None, portal_auth.mfa_required(session, user), codes_left(session, user_id)
    )


def codes_left(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.owner_kind == OWNER)
        .where(RecoveryCode.owner_id == user_id)
        .where(RecoveryCode.used_at.is_(None))
    ).one()


# --- enrolling ---------------------------------------------------------------------------------


def start_enrolment(session: Session, key: bytes, user_id: int) -> Enrolment:
    """A new secret, kept (encrypted) as pending until a code from it is confirmed. Refused while TOTP
    is on: replacing it would let someone holding only the first factor past the second."""
    user = session.get(PortalUser, user_id)
    if not portal_auth.may_sign_in(session, user):
        raise MfaError("Sign in again to set up two-step sign-in.")
    if user.totp_enabled_at is not None:
        raise MfaError("Two-step sign-in is already on.")
    secret = pyotp.random_base32(32)  # 160 bits
    session.execute(
        update(PortalUser)
        .where(PortalUser.id == user_id)
        .where(PortalUser.totp_enabled_at.is_(None))
        .values(totp_secret_encrypted=vault.encrypt(key, secret), totp_last_step=None, updated_at=clock.now())
    )
    issuer = ShopSettings.current(session).name or "Repair Portal"
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer))


@dataclass(frozen=True)
class Outcome:
    """What a code check came to. Wrong codes are answers, not exceptions: the attempt they counted
    must be committed with the rest of the transaction."""

    ok: bool
    error: str = ""
    method: str = ""  # totp or recovery
    codes: tuple[str, ...] = ()  # new recovery codes, shown once


def confirm_enrolment(session: Session, key: bytes, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """A code from the pending secret turns TOTP on and brings ten new recovery codes."""
    user = session.get(PortalUser, user_id)
    if user is None or user.totp_enabled_at is not None or not user.totp_secret_encrypted:
        return Outcome(False, START_AGAIN)
    refusal = _count(session, user_id, actor.ip)
    if refusal:
        return Outcome(False, refusal)
    step = _matching_step(_secret(key, user), code)
    if step is None:
        audit.record(session, actor, "portal.mfa_enrol_failed")
        return Outcome(False, WRONG_TOTP)
    turned_on = session.execute(
        update(PortalUser)
        .where(PortalUser.id == user_id)
        .where(PortalUser.totp_enabled_at.is_(None))
        .where(PortalUser.totp_secret_encrypted == user.totp_secret_encrypted)
        .values(totp_enabled_at=clock.now(), totp_last_step=step, updated_at=clock.now())
    )
    if not turned_on.rowcount:
        return Outcome(False, START_AGAIN)
    _forgive(session, user_id)
    codes = _new_recovery_codes(session, user_id)
    audit.record(session, actor, "portal.mfa_enabled")
    return Outcome(True, method="totp", codes=tuple(codes))


# --- the second step and other checks -----------------------------------------------------------


def verify(session: Session, key: bytes, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """A TOTP code or a recovery code, each usable once. Counted (per user, per address) before the
    code is checked; run in `write_session()` and let it commit whatever the outcome."""
    user = session.get(PortalUser, user_id)
    if not portal_auth.may_sign_in(session, user) or user.totp_enabled_at is None:
        return Outcome(False, "Two-step sign-in isn't set up for this account.")
    refusal = _count(session, user_id, actor.ip)
    if refusal:
        return Outcome(False, refusal)
    if _is_totp_shaped(code):
        method = "totp" if _spend_step(session, user, _matching_step(_secret(key, user), code)) else ""
    else:
        method = "recovery" if _spend_recovery_code(session, user_id, code) else ""
    if not method:
        audit.record(session, actor, "portal.mfa_failed")
        return Outcome(False, WRONG_CODE)
    _forgive(session, user_id)
    audit.record(session, actor, "portal.mfa_passed", method=method)
    return Outcome(True, method=method)


def pass_second_step(
    session: Session, key: bytes, user_id: int, session_id: int, code: str, actor: audit.Actor
) -> Outcome:
    """The second step of a sign-in: the code checked, then the session counts as signed in."""
    outcome = verify(session, key, user_id, code, actor)
    if outcome.ok:
        portal_auth.pass_mfa(session, session_id)
    return outcome


def _current_totp(session: Session, key: bytes, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Changing TOTP itself needs a code from the app (a recovery code is for signing in)."""
    user = session.get(PortalUser, user_id)
    if user is None or user.totp_enabled_at is None:
        return Outcome(False, "Two-step sign-in is off.")
    refusal = _count(session, user_id, actor.ip)
    if refusal:
        return Outcome(False, refusal)
    if not _spend_step(session, user, _matching_step(_secret(key, user), code)):
        audit.record(session, actor, "portal.mfa_failed")
        return Outcome(False, WRONG_TOTP)
    _forgive(session, user_id)
    return Outcome(True, method="totp")


def disable(session: Session, key: bytes, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Switch TOTP off with a current code; refused when the user or their group requires it."""
    user = session.get(PortalUser, user_id)
    if user is not None and portal_auth.mfa_required(session, user):
        return Outcome(False, "Your account requires two-step sign-in, so it can't be switched off.")
    checked = _current_totp(session, key, user_id, code, actor)
    if not checked.ok:
        return checked
    session.execute(
        update(PortalUser)
        .where(PortalUser.id == user_id)
        .values(totp_secret_encrypted=None, totp_enabled_at=None, totp_last_step=None, updated_at=clock.now())
    )
    session.execute(
        delete(RecoveryCode).where(RecoveryCode.owner_kind == OWNER).where(RecoveryCode.owner_id == user_id)
    )
    audit.record(session, actor, "portal.mfa_disabled")
    return checked


def renew_recovery_codes(session: Session, key: bytes, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Ten new codes for a current TOTP code; the old ones stop working."""
    checked = _current_totp(session, key, user_id, code, actor)
    if not checked.ok:
        return checked
    codes = _new_recovery_codes(session, user_id)
    audit.record(session, actor, "portal.recovery_codes_renewed")
    return Outcome(True, method="totp", codes=tuple(codes))


# --- helpers ------------------------------------------------------------------------------------


def _count(session: Session, user_id: int, ip: str) -> str:
    """Count this check before the code is looked at: '' to go on, else why not."""
    for limit, key in ((USER_LIMIT, str(user_id)), (IP_LIMIT, ip or "unknown")):
        verdict, _ = ratelimit.acquire(session, limit, key)
        if verdict.blocked:
            minutes = verdict.retry_after_minutes
            return f"Too many wrong codes. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    return ""


def _forgive(session: Session, user_id: int) -> None:
    """A right code: the user's count starts again (the address's count stays)."""
    ratelimit.clear(session, USER_LIMIT, str(user_id))


def _secret(key: bytes, user: PortalUser) -> str:
    return vault.decrypt(key, user.totp_secret_encrypted or "")


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def _is_totp_shaped(code: str) -> bool:
    text = _digits(code)
    return len(text) == 6 and text.isascii() and text.isdigit()


def current_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now ± WINDOW) whose code this is, or None."""
    if not _is_totp_shaped(code):
        return None
    totp, text, now = pyotp.TOTP(secret), _digits(code), current_step()
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), text):
            found = step  # no early exit: every candidate is computed either way
    return found


def _spend_step(session: Session, user: PortalUser, step: int | None) -> bool:
    """Accept `step` once: only a step after the last accepted one moves the marker."""
    if step is None:
        return False
    moved = session.execute(
        update(PortalUser)
        .where(PortalUser.id == user.id)
        .where(or_(PortalUser.totp_last_step.is_(None), PortalUser.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return bool(moved.rowcount)


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in str(code or "").lower() if ch.isalnum())[:40]


def _recovery_hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{OWNER}:{user_id}:{_normalise_recovery(code)}".encode()).hexdigest()


def _spend_recovery_code(session: Session, user_id: int, code: str) -> bool:
    if len(_normalise_recovery(code)) < 8:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.owner_kind == OWNER)
        .where(RecoveryCode.owner_id == user_id)
        .where(RecoveryCode.code_hash == _recovery_hash(user_id, code))
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return bool(spent.rowcount)


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Ten fresh codes like `k7mq2-xr4tb` (about 50 bits each); the previous set is deleted."""
    session.execute(
        delete(RecoveryCode).where(RecoveryCode.owner_kind == OWNER).where(RecoveryCode.owner_id == user_id)
    )
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    now = clock.now()
    session.add_all(
        RecoveryCode(owner_kind=OWNER, owner_id=user_id, code_hash=_recovery_hash(user_id, c), created_at=now)
        for c in codes
    )
    session.flush()
    return codes
