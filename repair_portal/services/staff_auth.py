"""Staff sign-in, server-side sessions and account creation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ..db import write_session
from ..models import Role, StaffSession, StaffUser
from ..settings import Settings
from . import audit, clock, known_devices, ratelimit
from .emails import is_valid_email, normalise_email
from .passwords import burn_dummy_check, check_password_policy, hash_password, verify_password
from .tokens import hash_token, new_token

log = logging.getLogger("repair_portal.security")

GENERIC_LOGIN_ERROR = "That email and password don't match an active account."
LAST_SEEN_WRITE_INTERVAL = timedelta(seconds=60)


def account_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "staff_login_account",
        settings.login_max_failures_per_account,
        timedelta(minutes=settings.login_failure_window_minutes),
    )


def ip_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "staff_login_ip", settings.login_max_failures_per_ip, timedelta(minutes=settings.login_ip_window_minutes)
    )


class AccountError(ValueError):
    """A message safe to show when creating or changing an account."""


def create_staff_user(
    session: Session, *, email: str, name: str, password: str, role: Role | str, location_id: int | None = None
) -> StaffUser:
    email = normalise_email(email)
    if not is_valid_email(email):
        raise AccountError("Enter a valid email address.")
    if not name.strip():
        raise AccountError("Enter a name.")
    role = Role(role)
    check_password_policy(password, email)
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise AccountError("A staff account with that email already exists.")
    user = StaffUser(
        email=email, name=name.strip(), password_hash=hash_password(password), role=role.value, location_id=location_id
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    token: str | None = None
    user_id: int | None = None
    error: str = ""
    retry_after_minutes: int = 0  # > 0 when the answer is "too many attempts"
    known_device: str | None = None  # the browser's new "signed in here before" cookie value


def blocked_message(minutes: int) -> str:
    return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def device_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "staff_login_device",
        settings.login_max_failures_per_account,
        timedelta(minutes=settings.login_failure_window_minutes),
    )


def sign_in(
    engine: Engine,
    settings: Settings,
    *,
    email: str,
    password: str,
    ip: str = "",
    user_agent: str = "",
    known_device: str | None = None,
) -> LoginResult:
    """Check credentials under rate limits; on success open a new server-side session.

    The attempt is counted *before* the password is checked, in one short locked transaction,
    so N parallel guesses check at most the limit. bcrypt (~250 ms) runs with no transaction
    open. A browser that signed in as this account before (`known_device`, a signed cookie)
    is counted on its own key, so strangers' failures never lock the owner out of their own
    device. The answer for an unknown email, a wrong password and a deactivated account is the
    same message after the same bcrypt work.
    """
    email = normalise_email(email)
    actor = audit.Actor(kind="staff", label=email, ip=ip, user_agent=user_agent)
    with write_session(engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == email)).first()
        account = (user.id, user.email, user.password_hash, user.active) if user else None
        device_nonce = known_devices.entries(settings.secret_key, known_device).get(account[0]) if account else None
        if device_nonce:
            keys = [(device_limit(settings), f"{account[0]}:{device_nonce}", True)]
        else:
            keys = [(account_limit(settings), email, True), (ip_limit(settings), ip or "unknown", False)]
        counted: list[int | None] = []
        for limit, key, _ in keys:
            verdict, attempt_id = ratelimit.acquire(session, limit, key)
            if verdict.blocked:
                audit.record(session, actor, "staff.login.blocked", scope=limit.scope)
                log.warning("staff sign-in blocked by the %s limit (from %s)", limit.scope, ip or "unknown")
                blocked = verdict
                break
            counted.append(attempt_id)
        else:
            blocked = None
    if blocked is not None:
        burn_dummy_check(password)  # the same time as a real check
        minutes = blocked.retry_after_minutes
        return LoginResult(ok=False, error=blocked_message(minutes), retry_after_minutes=minutes)

    if account is None:
        burn_dummy_check(password)
        valid = False
    else:
        valid = verify_password(password, account[2]) and account[3]

    with write_session(engine) as session:
        if not valid:
            audit.record(session, actor, "staff.login.failure")
            return LoginResult(ok=False, error=GENERIC_LOGIN_ERROR)
        for limit, key, clears in keys:
            if clears:
                ratelimit.clear(session, limit, key)
        ratelimit.release(session, counted)
        token = new_token()
        now = clock.now()
        session.add(
            StaffSession(
                token_hash=hash_token(token),
                staff_user_id=account[0],
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=settings.staff_session_absolute_hours),
                ip=ip[:64],
                user_agent=user_agent[:400],
            )
        )
        session.execute(update(StaffUser).where(StaffUser.id == account[0]).values(last_login_at=now))
        audit.record(session, audit.Actor("staff", account[0], account[1], ip, user_agent), "staff.login.success")
    device = known_devices.remember(settings.secret_key, known_device, account[0])
    return LoginResult(ok=True, token=token, user_id=account[0], known_device=device)


@dataclass(frozen=True)
class StaffIdentity:
    """What the state layer keeps about the signed-in staff member."""

    user_id: int
    email: str
    name: str
    role: str
    session_id: int
    counter_locked: bool = False  # handed to a customer: only the counter signing screen works


def resolve_session(session: Session, settings: Settings, token: str | None) -> StaffIdentity | None:
    """Return who holds this session token, or None if it is unknown, revoked, expired or idle."""
    if not token:
        return None
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    idle_limit = timedelta(minutes=settings.staff_session_idle_minutes)
    if now >= row.expires_at or now - row.last_seen_at >= idle_limit:
        return None
    user = session.get(StaffUser, row.staff_user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at >= LAST_SEEN_WRITE_INTERVAL:
        row.last_seen_at = now
        session.add(row)
    return StaffIdentity(user.id, user.email, user.name, user.role, row.id, row.counter_order_id is not None)


def sign_out(session: Session, token: str | None, *, ip: str = "", user_agent: str = "") -> bool:
    if not token:
        return False
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = clock.now()
    session.add(row)
    audit.record(session, audit.Actor("staff", row.staff_user_id, "", ip, user_agent), "staff.logout")
    return True


def revoke_all_sessions(session: Session, user_id: int) -> int:
    rows = session.exec(
        select(StaffSession).where(StaffSession.staff_user_id == user_id).where(StaffSession.revoked_at.is_(None))
    ).all()
    now = clock.now()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


def deactivate_user(session: Session, user_id: int, actor: audit.Actor) -> None:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("No such staff account.")
    user.active = False
    session.add(user)
    revoked = revoke_all_sessions(session, user_id)
    audit.record(session, actor, "staff.deactivated", target=user.email, sessions_revoked=revoked)


def portal_previewer(session: Session, settings: Settings, token: str | None) -> StaffIdentity | None:
    """The signed-in staff member behind `token`, if their role may view the portal as the customer."""
    from .permissions import Action, can

    identity = resolve_session(session, settings, token) if token else None
    if identity is None or identity.counter_locked:
        return None
    return identity if can(identity.role, Action.VIEW_AS_CUSTOMER) else None
