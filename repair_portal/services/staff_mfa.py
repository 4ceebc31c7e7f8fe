"""A staff member's own two-step sign-in (TOTP): enrol, confirm, new recovery codes, turn off.

The secret is stored encrypted (integrations/vault.py, the key outside the database) because codes are
checked against it. Enrolment writes a pending secret; only a correct code from the app turns it on
(`totp_enabled_at`) and produces the ten recovery codes, returned once for the page to show once.
Every code check counts against the account's limit first (like sign-in), so a session left open
can't be used to guess codes. A refused code is an `Outcome`, not an exception: the caller's
transaction commits, and with it the counted attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from ..integrations import vault
from ..models import ShopSettings, StaffUser
from ..settings import Settings
from . import audit, clock, ratelimit, totp
from .staff_auth import blocked_message, required_roles

OWNER = "staff"
WRONG_CODE = "That code didn't match. Check the time on your phone and try the newest code."


class MfaError(ValueError):
    """A refusal decided before any attempt was counted (nothing to keep); the message is safe to show."""


@dataclass(frozen=True)
class Enrolment:
    """Shown once while enrolling; never kept in page state."""

    secret: str
    uri: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    codes: tuple[str, ...] = ()  # new recovery codes, to show once


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    required: bool  # the user's role must use TOTP (it can't be turned off)
    codes_left: int


def code_limit(settings: Settings) -> ratelimit.Limit:
    """Wrong codes per account, wherever they are typed (the second step, the profile page)."""
    return ratelimit.Limit(
        "staff_mfa_account",
        settings.login_max_failures_per_account,
        timedelta(minutes=settings.login_failure_window_minutes),
    )


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        raise MfaError("This account is no longer active.")
    return user


def _secret(settings: Settings, user: StaffUser) -> str | None:
    if not user.totp_secret_encrypted:
        return None
    try:
        return vault.decrypt(settings.passcode_key(), user.totp_secret_encrypted)
    except vault.VaultError:
        return None


def status(session: Session, user_id: int) -> MfaStatus:
    user = session.get(StaffUser, user_id)
    enabled = user is not None and user.totp_enabled_at is not None
    required = user is not None and user.role in required_roles(session)
    return MfaStatus(enabled, required, totp.recovery_codes_left(session, OWNER, user_id) if enabled else 0)


def check_code(session: Session, settings: Settings, user: StaffUser, code: str, *, recovery: bool = True) -> str:
    """Which second factor `code` is ("totp" or "recovery"), spending it; "" when it is neither.

    A TOTP code is accepted once (its time step is stored); a recovery code once (it is marked used)."""
    secret = _secret(settings, user)
    if secret is None or user.totp_enabled_at is None:
        return ""
    step = totp.matching_step(secret, code, user.totp_last_step)
    if step is not None and totp.accept_step(session, StaffUser, user.id, step):
        return "totp"
    if recovery and totp.use_recovery_code(session, OWNER, user.id, code):
        return "recovery"
    return ""


def _counted_check(session: Session, settings: Settings, user: StaffUser, code: str, *, recovery: bool) -> Outcome:
    """`check_code` under the account's limit: the attempt is counted first and given back when right."""
    verdict, attempt = ratelimit.acquire(session, code_limit(settings), str(user.id))
    if verdict.blocked:
        return Outcome(False, blocked_message(verdict.retry_after_minutes).replace("sign-ins", "codes"))
    if not check_code(session, settings, user, code, recovery=recovery):
        return Outcome(False, WRONG_CODE)
    ratelimit.release(session, [attempt])
    return Outcome(True)


def start_enrolment(session: Session, settings: Settings, user_id: int) -> Enrolment:
    """A new secret, stored encrypted and pending until a code from the app confirms it."""
    user = _user(session, user_id)
    if user.totp_enabled_at is not None:
        raise MfaError("Two-step sign-in is already on.")
    secret = totp.new_secret()
    user.totp_secret_encrypted = vault.encrypt(settings.passcode_key(), secret)
    user.totp_last_step = None
    session.add(user)
    issuer = ShopSettings.current(session).name
    return Enrolment(secret=secret, uri=totp.provisioning_uri(secret, user.email, issuer))


def confirm_enrolment(session: Session, settings: Settings, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Turn TOTP on with the first code from the app; the outcome carries the ten recovery codes."""
    user = _user(session, user_id)
    if user.totp_enabled_at is not None:
        raise MfaError("Two-step sign-in is already on.")
    secret = _secret(settings, user)
    if secret is None:
        raise MfaError("Start the set-up again.")
    verdict, attempt = ratelimit.acquire(session, code_limit(settings), str(user.id))
    if verdict.blocked:
        return Outcome(False, blocked_message(verdict.retry_after_minutes).replace("sign-ins", "codes"))
    step = totp.matching_step(secret, code, None)
    if step is None:
        return Outcome(False, WRONG_CODE)
    ratelimit.release(session, [attempt])
    user.totp_enabled_at = clock.now()
    user.totp_last_step = step
    session.add(user)
    codes = totp.new_recovery_codes(session, OWNER, user.id)
    audit.record(session, actor, "staff.mfa.enabled", target=user.email)
    return Outcome(True, codes=tuple(codes))


def new_recovery_codes(session: Session, settings: Settings, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Replace the recovery codes (a current code from the app is needed); the old ones stop working."""
    user = _user(session, user_id)
    if user.totp_enabled_at is None:
        raise MfaError("Two-step sign-in is off.")
    checked = _counted_check(session, settings, user, code, recovery=False)
    if not checked.ok:
        return checked
    codes = totp.new_recovery_codes(session, OWNER, user.id)
    audit.record(session, actor, "staff.mfa.recovery_codes_replaced", target=user.email)
    return Outcome(True, codes=tuple(codes))


def disable(session: Session, settings: Settings, user_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Turn TOTP off with a current code (or a recovery code); refused while the role requires it."""
    user = _user(session, user_id)
    if user.totp_enabled_at is None:
        raise MfaError("Two-step sign-in is already off.")
    if user.role in required_roles(session):
        raise MfaError("Your role must use two-step sign-in, so it can't be turned off. Ask the shop owner.")
    checked = _counted_check(session, settings, user, code, recovery=True)
    if not checked.ok:
        return checked
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.add(user)
    totp.delete_recovery_codes(session, OWNER, user.id)
    audit.record(session, actor, "staff.mfa.disabled", target=user.email)
    return Outcome(True)


def reset(session: Session, user_id: int, actor: audit.Actor) -> None:
    """Lost phone and recovery codes: turn TOTP off, forget the passkeys and end every session, without a
    code (run on the shop's machine: `python -m repair_portal reset-mfa EMAIL`). If the role requires TOTP,
    the next sign-in asks to set it up again."""
    from . import passkeys
    from .staff_auth import revoke_all_sessions

    user = session.get(StaffUser, user_id)
    if user is None:
        raise MfaError("No such staff account.")
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.add(user)
    totp.delete_recovery_codes(session, OWNER, user.id)
    removed = passkeys.remove_all(session, OWNER, user.id)
    revoked = revoke_all_sessions(session, user.id)
    audit.record(session, actor, "staff.mfa.reset", target=user.email, passkeys=removed, sessions_revoked=revoked)
