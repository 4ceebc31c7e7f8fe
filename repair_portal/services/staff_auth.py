"""Staff sign-in, server-side sessions and account creation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ..db import write_session
from ..models import Role, ShopSettings, StaffSession, StaffUser
from ..settings import Settings
from . import audit, clock, known_devices, ratelimit
from .emails import is_valid_email, normalise_email
from .passwords import burn_dummy_check, check_password_policy, hash_password, verify_password
from .tokens import hash_token, new_token

log = logging.getLogger("repair_portal.security")

GENERIC_LOGIN_ERROR = "That email and password don't match an active account."
LAST_SEEN_WRITE_INTERVAL = timedelta(seconds=60)
# A password-only session of a user with TOTP: long enough to open the app and type the code.
MFA_PENDING_LIFETIME = timedelta(minutes=10)


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
    mfa_pending: bool = False  # the password was right; the session opens only /staff/verify
    must_enrol: bool = False  # the role must use TOTP and the user has none yet: /staff/profile first


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
        account = (user.id, user.email, user.password_hash, user.active, user.totp_enabled_at) if user else None
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
        pending = account[4] is not None  # TOTP enrolled: the code is still to come
        token = open_session(session, settings, account[0], ip=ip, user_agent=user_agent, mfa_passed=not pending)
        session.execute(update(StaffUser).where(StaffUser.id == account[0]).values(last_login_at=clock.now()))
        who = audit.Actor("staff", account[0], account[1], ip, user_agent)
        audit.record(session, who, "staff.login.password_ok" if pending else "staff.login.success", method="password")
        enrol = not pending and must_enrol(session, session.get(StaffUser, account[0]))
    # A browser becomes "known" only once it has passed every step (services/staff_mfa_sign_in.py).
    device = None if pending else known_devices.remember(settings.secret_key, known_device, account[0])
    return LoginResult(
        ok=True, token=token, user_id=account[0], known_device=device, mfa_pending=pending, must_enrol=enrol
    )


def open_session(
    session: Session, settings: Settings, user_id: int, *, ip: str, user_agent: str, mfa_passed: bool
) -> str:
    """A new server-side session; returns its cookie token (stored only hashed). A session still waiting
    for the second step lives ten minutes."""
    token = new_token()
    now = clock.now()
    lifetime = timedelta(hours=settings.staff_session_absolute_hours) if mfa_passed else MFA_PENDING_LIFETIME
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            staff_user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:400],
            mfa_passed=mfa_passed,
        )
    )
    session.flush()
    return token


def required_roles(session: Session) -> set[str]:
    """The staff roles the owner requires TOTP for (the shop setting `staff_mfa_roles`)."""
    raw = ShopSettings.current(session).staff_mfa_roles or ""
    return {part.strip() for part in raw.split(",") if part.strip()}


def must_enrol(session: Session, user: StaffUser | None) -> bool:
    """The user's role must use TOTP and they have not set it up: they may only enrol until they do."""
    return user is not None and user.totp_enabled_at is None and user.role in required_roles(session)


@dataclass(frozen=True)
class StaffIdentity:
    """What the state layer keeps about the signed-in staff member."""

    user_id: int
    email: str
    name: str
    role: str
    session_id: int
    counter_locked: bool = False  # handed to a customer: only the counter signing screen works
    mfa_pending: bool = False  # the password was right, the second step not done: only /staff/verify
    must_enrol: bool = False  # the role requires TOTP and none is set up: only enrolling on /staff/profile


def resolve_session(
    session: Session, settings: Settings, token: str | None, *, pending_ok: bool = False, enrol_ok: bool = False
) -> StaffIdentity | None:
    """Return who holds this session token, or None if it is unknown, revoked, expired or idle.

    A session still waiting for its second step counts as nobody unless `pending_ok`, and a user who
    must first set up TOTP counts as nobody unless `enrol_ok`: only the staff guard (which sends them
    to /staff/verify or /staff/profile) asks for those; every route and check elsewhere refuses them."""
    if not token:
        return None
    row = session.exec(select(StaffSession).where(StaffSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if not row.mfa_passed and not pending_ok:
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
    enrol = row.mfa_passed and must_enrol(session, user)
    if enrol and not enrol_ok:
        return None
    return StaffIdentity(
        user.id,
        user.email,
        user.name,
        user.role,
        row.id,
        row.counter_order_id is not None,
        mfa_pending=not row.mfa_passed,
        must_enrol=enrol,
    )


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
