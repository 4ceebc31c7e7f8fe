"""The staff sign-in steps after (or instead of) the password: the TOTP or recovery code on /staff/verify,
and "Sign in with a passkey". Both end with a fresh session token (the password-only session is
revoked), so the cookie changes with the identity and every Reflex state of the tab is reset.

Wrong codes count like wrong passwords, before the code is checked: per account (and per address),
or, for a browser that finished a full sign-in as this account before, on that browser's own key, so
someone who has the password can't lock the owner out of their own device. A browser only becomes
"known" after a complete sign-in, so the password alone never earns a fresh allowance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ..db import write_session
from ..models import StaffSession, StaffUser
from ..settings import Settings
from . import audit, clock, known_devices, passkeys, ratelimit
from .staff_auth import blocked_message, open_session
from .staff_mfa import OWNER, check_code, code_limit
from .tokens import hash_token

log = logging.getLogger("repair_portal.security")

WRONG_SECOND_STEP = "That code didn't work. Enter the newest code from your app, or an unused recovery code."


@dataclass(frozen=True)
class StepResult:
    ok: bool
    token: str | None = None
    user_id: int | None = None
    error: str = ""
    retry_after_minutes: int = 0
    known_device: str | None = None
    expired: bool = False  # no pending session (timed out, signed out): start again at the password
    method: str = ""  # totp, recovery, passkey


def _ip_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "staff_mfa_ip", settings.login_max_failures_per_ip, timedelta(minutes=settings.login_ip_window_minutes)
    )


def _device_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "staff_mfa_device",
        settings.login_max_failures_per_account,
        timedelta(minutes=settings.login_failure_window_minutes),
    )


def pending_session(session: Session, token: str | None) -> StaffSession | None:
    """The live password-only session behind a cookie, or None."""
    if not token or len(token) > 200:
        return None
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == hash_token(token))).first()
    if row is None or row.mfa_passed or row.revoked_at is not None or clock.now() >= row.expires_at:
        return None
    return row


def complete_second_step(
    engine: Engine,
    settings: Settings,
    *,
    token: str | None,
    code: str,
    ip: str = "",
    user_agent: str = "",
    known_device: str | None = None,
) -> StepResult:
    """Check the code for the pending session; on success revoke it and open a full session."""
    with write_session(engine) as session:
        row = pending_session(session, token)
        user = session.get(StaffUser, row.staff_user_id) if row is not None else None
        if row is None or user is None or not user.active:
            return StepResult(False, expired=True)
        actor = audit.Actor("staff", user.id, user.email, ip, user_agent)
        nonce = known_devices.entries(settings.secret_key, known_device).get(user.id)
        if nonce:
            keys = [(_device_limit(settings), f"{user.id}:{nonce}")]
        else:
            keys = [(code_limit(settings), str(user.id)), (_ip_limit(settings), ip or "unknown")]
        counted = []
        for limit, key in keys:
            verdict, attempt = ratelimit.acquire(session, limit, key)
            if verdict.blocked:
                audit.record(session, actor, "staff.mfa.blocked", scope=limit.scope)
                minutes = verdict.retry_after_minutes
                return StepResult(False, error=blocked_message(minutes), retry_after_minutes=minutes)
            counted.append(attempt)
        method = check_code(session, settings, user, code)
        if not method:
            audit.record(session, actor, "staff.mfa.failure")
            return StepResult(False, error=WRONG_SECOND_STEP)
        ratelimit.release(session, counted)
        row.revoked_at = clock.now()
        session.add(row)
        new = open_session(session, settings, user.id, ip=ip, user_agent=user_agent, mfa_passed=True)
        audit.record(session, actor, "staff.login.success", method=method)
        if method == "recovery":
            log.info("staff %s signed in with a recovery code", user.id)
        user_id = user.id
    device = known_devices.remember(settings.secret_key, known_device, user_id)
    return StepResult(True, token=new, user_id=user_id, known_device=device, method=method)


def sign_in_with_passkey(
    engine: Engine,
    settings: Settings,
    *,
    response_json: str,
    ip: str = "",
    user_agent: str = "",
    known_device: str | None = None,
) -> StepResult:
    """A passkey (with the device's PIN or biometric) is both steps at once: a full session."""
    with write_session(engine) as session:
        proved = passkeys.authenticate(session, settings, owner_kind=OWNER, response_json=response_json)
        user = session.get(StaffUser, proved.owner_id) if proved.ok else None
        if user is None or not user.active:
            audit.record(session, audit.Actor("staff", None, "", ip, user_agent), "staff.login.passkey_failure")
            return StepResult(False, error=passkeys.REFUSED if proved.ok else proved.error)
        new = open_session(session, settings, user.id, ip=ip, user_agent=user_agent, mfa_passed=True)
        session.add(user)
        user.last_login_at = clock.now()
        audit.record(
            session, audit.Actor("staff", user.id, user.email, ip, user_agent), "staff.login.success", method="passkey"
        )
        user_id = user.id
    device = known_devices.remember(settings.secret_key, known_device, user_id)
    return StepResult(True, token=new, user_id=user_id, known_device=device, method="passkey")
