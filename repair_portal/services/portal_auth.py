"""Portal users' sessions and one-time links (magic sign-in, invitation, password reset).

Like staff sessions: a random token in an HttpOnly cookie, only its SHA-256 in the database, idle and
absolute expiry, revocable, dead as soon as the user or their customer account's portal access is
switched off (`may_sign_in`, checked by every session, link and sign-in; switching an account off also
revokes its sessions and links at once: services/portal_account_access.py). What a live session may do
is its group's permissions, read at every request. A portal session never grants staff rights
(different table, cookie and guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Customer, PortalSession, PortalToken, PortalTokenPurpose, PortalUser
from ..settings import Settings
from . import audit, clock, portal_permissions
from .portal_permissions import Perm
from .tokens import hash_token, new_token

LAST_SEEN_WRITE_INTERVAL = timedelta(seconds=60)
TOKEN_LIFETIMES = {
    PortalTokenPurpose.MAGIC.value: timedelta(minutes=15),
    PortalTokenPurpose.INVITE.value: timedelta(hours=72),
    PortalTokenPurpose.RESET.value: timedelta(minutes=30),
}


@dataclass(frozen=True)
class PortalIdentity:
    """Who a portal request is from. Everything a portal user sees is scoped by `customer_id`."""

    user_id: int
    customer_id: int
    email: str
    name: str
    group_id: int
    perms: frozenset[Perm]
    session_id: int
    mfa_passed: bool
    needs_mfa: bool  # required (flag or group) or TOTP enrolled: then only a session that passed MFA counts
    previewer: str = ""  # a staff member's read-only "view as this user" (services/portal_preview.py)

    @property
    def preview(self) -> bool:
        return bool(self.previewer)

    def may(self, perm: Perm) -> bool:
        return perm in self.perms


def may_sign_in(session: Session, user: PortalUser | None) -> bool:
    """The user is enabled and so is their customer account's portal access. Every way in checks this
    (sessions, password, passkey, emailed links, set-password links); the refusal is the generic one."""
    if user is None or not user.active:
        return False
    account = session.get(Customer, user.customer_id)
    return account is not None and account.portal_enabled


def needs_mfa(session: Session, user: PortalUser) -> bool:
    """A sign-in of this user needs the second step: it is required of them, or they enrolled TOTP by
    choice (a password alone must not get past an authenticator its owner set up)."""
    return user.totp_enabled_at is not None or mfa_required(session, user)


def mfa_required(session: Session, user: PortalUser) -> bool:
    """The user's flag or their group's: they may not switch TOTP off, and must enrol before going on."""
    from ..models import PermissionGroup

    group = session.get(PermissionGroup, user.group_id)
    return bool(user.require_mfa or (group is not None and group.require_mfa))


def open_session(
    session: Session, settings: Settings, user: PortalUser, *, ip: str, user_agent: str, mfa_passed: bool
) -> str:
    """A new session for the user; returns the cookie token (shown once, stored hashed). The sign-in counts
    (last sign-in shown to staff) once it is complete: now, or when the second step passes (`pass_mfa`)."""
    token = new_token()
    now = clock.now()
    session.add(
        PortalSession(
            token_hash=hash_token(token),
            portal_user_id=user.id,
            mfa_passed=mfa_passed,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.portal_session_absolute_hours),
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:400],
        )
    )
    if mfa_passed:
        session.execute(update(PortalUser).where(PortalUser.id == user.id).values(last_login_at=now))
    return token


def resolve(session: Session, settings: Settings, token: str | None) -> PortalIdentity | None:
    """The portal user behind a session cookie, or None (unknown, revoked, expired, idle, disabled)."""
    if not token:
        return None
    row = session.exec(select(PortalSession).where(PortalSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    if now >= row.expires_at or now - row.last_seen_at >= timedelta(minutes=settings.portal_session_idle_minutes):
        return None
    user = session.get(PortalUser, row.portal_user_id)
    if not may_sign_in(session, user):
        return None
    if now - row.last_seen_at >= LAST_SEEN_WRITE_INTERVAL:
        row.last_seen_at = now
        session.add(row)
    return identity_of(session, user, session_id=row.id, mfa_passed=row.mfa_passed)


def identity_of(
    session: Session, user: PortalUser, *, session_id: int, mfa_passed: bool, previewer: str = ""
) -> PortalIdentity:
    return PortalIdentity(
        user_id=user.id,
        customer_id=user.customer_id,
        email=user.email,
        name=user.name,
        group_id=user.group_id,
        perms=portal_permissions.group_perms(session, user.group_id),
        session_id=session_id,
        mfa_passed=mfa_passed,
        needs_mfa=needs_mfa(session, user),
        previewer=previewer,
    )


def signed_in(identity: PortalIdentity | None) -> bool:
    """A session that may see the account: MFA passed where it is required."""
    return identity is not None and (identity.mfa_passed or not identity.needs_mfa)


def pass_mfa(session: Session, session_id: int) -> None:
    """The second step passed: the session counts as signed in, and so does the user's last sign-in."""
    now = clock.now()
    session.execute(update(PortalSession).where(PortalSession.id == session_id).values(mfa_passed=True))
    owner = select(PortalSession.portal_user_id).where(PortalSession.id == session_id).scalar_subquery()
    session.execute(update(PortalUser).where(PortalUser.id == owner).values(last_login_at=now))


def sign_out(session: Session, token: str | None) -> bool:
    if not token:
        return False
    row = session.exec(select(PortalSession).where(PortalSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = clock.now()
    session.add(row)
    return True


def revoke_all(session: Session, user_id: int, *, keep_session_id: int | None = None) -> int:
    """Sign the user out everywhere (staff action, password change, disabling); `keep_session_id`: but
    this browser (a password changed inside the account)."""
    statement = (
        update(PortalSession)
        .where(PortalSession.portal_user_id == user_id)
        .where(PortalSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    if keep_session_id is not None:
        statement = statement.where(PortalSession.id != keep_session_id)
    result = session.execute(statement)
    return result.rowcount or 0


def issue_token(session: Session, user: PortalUser, purpose: str, *, created_by_id: int | None = None) -> str:
    """A one-time link token (shown once; stored hashed). Older unused links of the same kind die."""
    purpose = PortalTokenPurpose(purpose).value
    now = clock.now()
    session.execute(
        update(PortalToken)
        .where(PortalToken.portal_user_id == user.id)
        .where(PortalToken.purpose == purpose)
        .where(PortalToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_token()
    session.add(
        PortalToken(
            portal_user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIMES[purpose],
            created_by_id=created_by_id,
        )
    )
    session.flush()
    return token


def peek_token(session: Session, token: str | None, purpose: str) -> PortalUser | None:
    """The active user a live, unspent link belongs to, without spending it (to show the form)."""
    row = _live_token(session, token, purpose)
    if row is None:
        return None
    user = session.get(PortalUser, row.portal_user_id)
    return user if may_sign_in(session, user) else None


def consume_token(session: Session, token: str | None, purpose: str, actor: audit.Actor) -> PortalUser | None:
    """Spend a link once: the user it belongs to, or None (unknown, used, expired, disabled user or account).
    The spend is one conditional UPDATE, so two clicks at once can't both succeed."""
    row = _live_token(session, token, purpose)
    if row is None:
        return None
    spent = session.execute(
        update(PortalToken)
        .where(PortalToken.id == row.id)
        .where(PortalToken.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if not spent.rowcount:
        return None
    user = session.get(PortalUser, row.portal_user_id)
    if not may_sign_in(session, user):
        return None
    audit.record(session, actor, f"portal.{row.purpose}_link_used", portal_user_id=user.id)
    return user


def _live_token(session: Session, token: str | None, purpose: str) -> PortalToken | None:
    if not token or len(token) > 200:
        return None
    row = session.exec(select(PortalToken).where(PortalToken.token_hash == hash_token(token))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or clock.now() >= row.expires_at:
        return None
    return row
