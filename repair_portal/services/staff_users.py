"""Settings → Staff: invite people, send password links, change roles, (de)activate accounts.

Set-password links carry `secrets.token_urlsafe(32)`; only its SHA-256 is stored and a
link is found by looking that hash up. A link works once; an invitation for 72 hours, a
reset link for 30 minutes; issuing a new link expires the older unused ones. Using a
link revokes every session of the account. The link goes out through the outbox (the
configured mail backend delivers it) and is returned once so the owner can copy it when
mail isn't set up; our code never logs it, and the outbox copy is blanked once the link
is spent or replaced.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import routes
from ..models import Location, OutboxMessage, Role, StaffUser
from ..models.staff import ROLE_LABELS
from ..models.staff_tokens import StaffPasswordToken, TokenPurpose
from . import audit, clock, mail, ratelimit
from .email_templates import STAFF_TEMPLATES, render
from .emails import normalise_email
from .passwords import PasswordPolicyError, check_password_policy, hash_password
from .permissions import Action, can
from .staff_auth import deactivate_user, revoke_all_sessions
from .tokens import hash_token

INVITE_VALID_FOR = timedelta(hours=72)
RESET_VALID_FOR = timedelta(minutes=30)
GENERIC_LINK_ERROR = "This link has expired or has already been used. Ask the shop owner to send you a new one."
# Failed redemptions (unknown, used or expired links) per client IP.
SET_PASSWORD_LIMIT = ratelimit.Limit("staff_set_password_ip", 10, timedelta(hours=1))
# Invited accounts get a hash bcrypt can't match ("!" never starts a bcrypt hash).
UNUSABLE_PREFIX = "!"
_LINK_IN_TEXT = re.compile(r"(/staff/set-password/)[A-Za-z0-9_-]{16,}")


class StaffUserError(ValueError):
    """A refused change; the message is safe to show. `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class LinkError(ValueError):
    """Unknown, used or expired set-password link: always the same message."""

    def __init__(self):
        super().__init__(GENERIC_LINK_ERROR)


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    email: str
    role: str
    location: str
    active: bool
    last_login_at: datetime | None
    password_set: bool
    invite_pending: bool


@dataclass(frozen=True)
class IssuedLink:
    """The link just created. `url` is shown once to the owner and never stored."""

    user_id: int
    email: str
    url: str
    purpose: str
    expires_at: datetime


def has_password(user: StaffUser) -> bool:
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def _authorise(session: Session, actor: audit.Actor) -> None:
    """Defence in depth: the state checks the role too; a staff actor must still be an active owner here."""
    if actor.kind == "system":
        return
    user = session.get(StaffUser, actor.id) if actor.kind == "staff" and actor.id else None
    if user is None or not user.active or not can(user.role, Action.MANAGE_USERS):
        raise StaffUserError("Only the owner can manage staff accounts.")


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise StaffUserError("That staff account no longer exists. Reload the page.")
    return user


def _active_owners(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == Role.OWNER.value).where(StaffUser.active)
    ).one()


def list_users(session: Session) -> list[StaffRow]:
    now = clock.now()
    locations = {loc.id: loc.name for loc in session.exec(select(Location))}
    pending = set(
        session.exec(
            select(StaffPasswordToken.staff_user_id)
            .where(StaffPasswordToken.purpose == TokenPurpose.INVITE.value)
            .where(StaffPasswordToken.used_at.is_(None))
            .where(StaffPasswordToken.expires_at > now)
        ).all()
    )
    users = session.exec(select(StaffUser)).all()
    users = sorted(users, key=lambda u: (not u.active, u.name.casefold(), u.id))
    return [
        StaffRow(
            id=u.id,
            name=u.name,
            email=u.email,
            role=u.role,
            location=locations.get(u.location_id, "") if u.location_id else "",
            active=u.active,
            last_login_at=u.last_login_at,
            password_set=has_password(u),
            invite_pending=u.id in pending and not has_password(u),
        )
        for u in users
    ]


def _forget_sent_links(session: Session, email: str) -> None:
    """Blank the links in this person's earlier staff emails: they are spent or replaced."""
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.to_email == email)
        .where(OutboxMessage.template.in_(list(STAFF_TEMPLATES)))
    ).all()
    for row in rows:
        text = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.text_body)
        html = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.html_body)
        if (text, html) != (row.text_body, row.html_body):
            row.text_body, row.html_body = text, html
            session.add(row)


def _expire_unused(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(StaffPasswordToken)
        .where(StaffPasswordToken.staff_user_id == user_id)
        .where(StaffPasswordToken.used_at.is_(None))
        .where(StaffPasswordToken.expires_at > now)
        .values(expires_at=now)
    )


def _valid_for_text(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hours" if hours >= 2 else f"{int(delta.total_seconds() // 60)} minutes"


def _issue(
    session: Session, links: mail.LinkSettings, user: StaffUser, purpose: TokenPurpose, actor: audit.Actor
) -> IssuedLink:
    now = clock.now()
    _expire_unused(session, user.id, now)
    _forget_sent_links(session, user.email)
    valid_for = INVITE_VALID_FOR if purpose == TokenPurpose.INVITE else RESET_VALID_FOR
    raw = secrets.token_urlsafe(32)
    session.add(
        StaffPasswordToken(
            staff_user_id=user.id,
            token_hash=hash_token(raw),
            purpose=purpose.value,
            created_at=now,
            expires_at=now + valid_for,
            created_by_id=actor.id if actor.kind == "staff" else None,
        )
    )
    url = f"{links.public_url.rstrip('/')}{routes.STAFF_SET_PASSWORD_PREFIX}{raw}"
    _queue_email(session, user, purpose, url, _valid_for_text(valid_for), actor)
    return IssuedLink(user.id, user.email, url, purpose.value, now + valid_for)


def _queue_email(
    session: Session, user: StaffUser, purpose: TokenPurpose, url: str, valid_for: str, actor: audit.Actor
) -> None:
    spec = STAFF_TEMPLATES["staff_invite" if purpose == TokenPurpose.INVITE else "staff_password_reset"]
    location = session.get(Location, user.location_id) if user.location_id else None
    brand = mail.branding(session, location)
    sender = session.get(StaffUser, actor.id) if actor.kind == "staff" and actor.id else None
    values = {
        "staff_name": user.name,
        "shop_name": brand.shop_name,
        "inviter": sender.name if sender else "the shop owner",
        "role": ROLE_LABELS.get(user.role, user.role).lower(),
        "valid_for": valid_for,
    }
    rendered = render(spec, spec.subject, spec.intro, values, brand, url)
    now = clock.now()
    message = OutboxMessage(
        order_id=None,
        template=spec.key,
        audience="staff",
        to_email=user.email,
        to_name=user.name,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    audit.record(session, actor, "email.queued", template=spec.key, message_id=message.id, to=user.email)


def invite_user(
    session: Session,
    links: mail.LinkSettings,
    *,
    name: str,
    email: str,
    role: str,
    actor: audit.Actor,
    location_id: int | None = None,
) -> IssuedLink:
    """A new account without a usable password, and a 72-hour link (emailed) to choose one."""
    _authorise(session, actor)
    name = " ".join(str(name or "").split())
    if not name:
        raise StaffUserError("Enter their name.", "name")
    if len(name) > 200:
        raise StaffUserError("Keep the name under 200 characters.", "name")
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise StaffUserError("Enter a valid email address.", "email")
    try:
        role = Role(role)
    except ValueError:
        raise StaffUserError("Choose a role.", "role") from None
    if location_id is not None and session.get(Location, location_id) is None:
        raise StaffUserError("Choose one of your locations.", "location")
    if session.exec(select(StaffUser.id).where(StaffUser.email == email)).first() is not None:
        raise StaffUserError("There is already a staff account with that email.", "email")
    user = StaffUser(
        email=email,
        name=name,
        password_hash=UNUSABLE_PREFIX + "invited:" + secrets.token_hex(16),
        role=role.value,
        location_id=location_id,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "staff.invited", target=email, role=role.value, user_id=user.id)
    return _issue(session, links, user, TokenPurpose.INVITE, actor)


def issue_reset_link(session: Session, links: mail.LinkSettings, user_id: int, actor: audit.Actor) -> IssuedLink:
    """A 30-minute reset link; for someone who never chose a password, a fresh 72-hour invitation instead."""
    _authorise(session, actor)
    user = _user(session, user_id)
    if not user.active:
        raise StaffUserError(f"{user.name}'s account is deactivated. Reactivate it first.")
    purpose = TokenPurpose.RESET if has_password(user) else TokenPurpose.INVITE
    issued = _issue(session, links, user, purpose, actor)
    action = "staff.reset_link_issued" if purpose == TokenPurpose.RESET else "staff.invite_link_issued"
    audit.record(session, actor, action, target=user.email, user_id=user.id, expires_at=issued.expires_at)
    return issued


def link_holder(session: Session, raw_token: str) -> StaffUser | None:
    """The active account a still-valid link belongs to, else None (no detail on why)."""
    if not raw_token or len(raw_token) > 100:
        return None
    row = session.exec(select(StaffPasswordToken).where(StaffPasswordToken.token_hash == hash_token(raw_token))).first()
    if row is None or row.used_at is not None or clock.now() >= row.expires_at:
        return None
    user = session.get(StaffUser, row.staff_user_id)
    return user if user is not None and user.active else None


def redeem_token(
    session: Session, raw_token: str, new_password: str, *, ip: str = "", user_agent: str = ""
) -> StaffUser:
    """Set the password from a link: once, before it expires; every session of the account is revoked.

    Raises LinkError (one message for unknown, used and expired links) or
    PasswordPolicyError (the link stays usable so the person can try another password).
    """
    user = link_holder(session, raw_token)
    if user is None:
        raise LinkError()
    check_password_policy(new_password, user.email)
    now = clock.now()
    token_hash = hash_token(raw_token)
    claimed = session.execute(
        update(StaffPasswordToken)
        .where(StaffPasswordToken.token_hash == token_hash)
        .where(StaffPasswordToken.used_at.is_(None))
        .where(StaffPasswordToken.expires_at > now)
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # a concurrent request spent it first
        raise LinkError()
    purpose = session.exec(select(StaffPasswordToken.purpose).where(StaffPasswordToken.token_hash == token_hash)).one()
    user.password_hash = hash_password(new_password)
    session.add(user)
    _expire_unused(session, user.id, now)
    revoked = revoke_all_sessions(session, user.id)
    _forget_sent_links(session, user.email)
    actor = audit.Actor("staff", user.id, user.email, ip, user_agent)
    audit.record(session, actor, "staff.password_set", purpose=purpose, sessions_revoked=revoked)
    return user


@dataclass(frozen=True)
class RedeemResult:
    ok: bool
    error: str = ""
    field: str = ""  # "password" for a policy error the person can fix, "" for the link itself


def _blocked(session: Session, ip: str) -> str:
    verdict = ratelimit.check(session, SET_PASSWORD_LIMIT, ip or "unknown")
    if not verdict.blocked:
        return ""
    minutes = verdict.retry_after_minutes
    return f"Too many attempts from this network. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def _failed(session: Session, ip: str, user_agent: str) -> None:
    ratelimit.record_failure(session, SET_PASSWORD_LIMIT, ip or "unknown")
    audit.record(
        session, audit.Actor("anonymous", None, "set-password link", ip, user_agent), "staff.password_link_failed"
    )


def check_link(session: Session, raw_token: str, *, ip: str = "", user_agent: str = "") -> tuple[StaffUser | None, str]:
    """Opening the page: (account, "") for a good link, else (None, message). A bad link counts as a failure."""
    blocked = _blocked(session, ip)
    if blocked:
        return None, blocked
    user = link_holder(session, raw_token)
    if user is None:
        _failed(session, ip, user_agent)
        return None, GENERIC_LINK_ERROR
    return user, ""


def redeem_with_limit(
    session: Session, raw_token: str, new_password: str, *, ip: str = "", user_agent: str = ""
) -> RedeemResult:
    """`redeem_token` behind the per-IP limit on failed redemptions (policy errors don't count)."""
    blocked = _blocked(session, ip)
    if blocked:
        return RedeemResult(False, blocked)
    try:
        redeem_token(session, raw_token, new_password, ip=ip, user_agent=user_agent)
    except LinkError as exc:
        _failed(session, ip, user_agent)
        return RedeemResult(False, str(exc))
    except PasswordPolicyError as exc:
        return RedeemResult(False, str(exc), "password")
    return RedeemResult(True)


def change_role(session: Session, user_id: int, role: str, actor: audit.Actor) -> StaffUser:
    _authorise(session, actor)
    user = _user(session, user_id)
    try:
        new_role = Role(role)
    except ValueError:
        raise StaffUserError("Choose a role.", "role") from None
    if actor.kind == "staff" and actor.id == user.id:
        raise StaffUserError("You can't change your own role. Ask another owner.")
    if user.role == new_role.value:
        return user
    if user.role == Role.OWNER.value and user.active and _active_owners(session) <= 1:
        raise StaffUserError(f"{user.name} is the only active owner. Make someone else an owner first.")
    before = user.role
    user.role = new_role.value
    session.add(user)
    audit.record(
        session, actor, "staff.role_changed", target=user.email, user_id=user.id, before=before, after=new_role.value
    )
    return user


def deactivate(session: Session, user_id: int, actor: audit.Actor) -> StaffUser:
    """Sign them out everywhere and expire their unused links (audited as staff.deactivated)."""
    _authorise(session, actor)
    user = _user(session, user_id)
    if actor.kind == "staff" and actor.id == user.id:
        raise StaffUserError("You can't deactivate your own account.")
    if not user.active:
        raise StaffUserError(f"{user.name}'s account is already deactivated.")
    if user.role == Role.OWNER.value and _active_owners(session) <= 1:
        raise StaffUserError(f"{user.name} is the only active owner and can't be deactivated.")
    deactivate_user(session, user.id, actor)
    _expire_unused(session, user.id, clock.now())
    _forget_sent_links(session, user.email)
    return user


def reactivate(session: Session, user_id: int, actor: audit.Actor) -> StaffUser:
    """Their old password works again; earlier links stay expired."""
    _authorise(session, actor)
    user = _user(session, user_id)
    if user.active:
        raise StaffUserError(f"{user.name}'s account is already active.")
    user.active = True
    session.add(user)
    audit.record(session, actor, "staff.reactivated", target=user.email, user_id=user.id)
    return user
