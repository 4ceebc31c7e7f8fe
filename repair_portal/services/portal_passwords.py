"""Portal users' passwords: the policy, choosing one from an invitation or reset link, changing it.

The policy is the staff one (services/passwords.py: 12–128 characters, not the email, not common,
bcrypt over an HMAC pre-hash) plus two things: the email comparison ignores every space, and the
shop may switch on RepairShopr's character-mix rule (`ShopSettings.portal_password_mix`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from ..db import write_session
from ..models import PortalTokenPurpose, PortalUser, ShopSettings
from . import audit, clock, portal_auth, ratelimit
from .passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordPolicyError,
    burn_dummy_check,
    check_password_policy,
    hash_password,
    verify_password,
)

MIX_MESSAGE = "Use at least one capital letter, one small letter, one digit and one symbol (like ! or #)."
LINK_ERROR = "This link has expired or has already been used. Ask for a new one on the sign-in page."
WRONG_CURRENT = "That isn't your current password."
# Failed set-password links (unknown, used, expired) per client address.
LINK_LIMIT = ratelimit.Limit("portal_set_password_ip", 10, timedelta(hours=1))
# Wrong current passwords when changing it, per user (a borrowed, signed-in browser can't guess on).
CHANGE_LIMIT = ratelimit.Limit("portal_change_password", 5, timedelta(minutes=15))
LINK_PURPOSES = (PortalTokenPurpose.INVITE.value, PortalTokenPurpose.RESET.value)


def _squashed(text: str) -> str:
    return "".join((text or "").split()).lower()


def _mixed(password: str) -> bool:
    return (
        any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
        and any(not c.isalnum() and not c.isspace() for c in password)
    )


def check_policy(password: str, email: str | None, *, mix: bool) -> None:
    """Raise PasswordPolicyError with a message for the person, or return None."""
    check_password_policy(password, email)
    if email and _squashed(password) == _squashed(email):
        raise PasswordPolicyError("Your password can't be your email address.")
    if mix and not _mixed(password):
        raise PasswordPolicyError(MIX_MESSAGE)


def mix_rule(session: Session) -> bool:
    return bool(ShopSettings.current(session).portal_password_mix)


def hint(mix: bool) -> str:
    """The rule in one line, under the new-password field."""
    base = f"{MIN_LENGTH}–{MAX_LENGTH} characters; not your email. A few unrelated words work well."
    return base + (" Include a capital, a small letter, a digit and a symbol." if mix else "")


class PasswordError(ValueError):
    """A refused change; `field` names the form field to show it under."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- invitation and reset links ------------------------------------------------------------------


def link_holder(session: Session, token: str | None) -> tuple[PortalUser | None, str]:
    """(the active user, the link's purpose) for a live invitation or reset link, else (None, "")."""
    for purpose in LINK_PURPOSES:
        user = portal_auth.peek_token(session, token, purpose)
        if user is not None:
            return user, purpose
    return None, ""


def _blocked(session: Session, ip: str) -> str:
    verdict = ratelimit.check(session, LINK_LIMIT, ip or "unknown")
    if not verdict.blocked:
        return ""
    minutes = verdict.retry_after_minutes
    return f"Too many attempts from this network. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def _link_failed(session: Session, ip: str, user_agent: str) -> None:
    ratelimit.record_failure(session, LINK_LIMIT, ip or "unknown")
    audit.record(session, audit.Actor("anonymous", None, "portal password link", ip, user_agent), "portal.link_failed")


@dataclass(frozen=True)
class LinkCheck:
    email: str = ""
    purpose: str = ""  # invite or reset
    mix: bool = False
    error: str = ""


def check_link(session: Session, token: str | None, *, ip: str = "", user_agent: str = "") -> LinkCheck:
    """Opening the page: who the link is for (it is not spent). A bad link counts against the address."""
    blocked = _blocked(session, ip)
    if blocked:
        return LinkCheck(error=blocked)
    user, purpose = link_holder(session, token)
    if user is None:
        _link_failed(session, ip, user_agent)
        return LinkCheck(error=LINK_ERROR)
    return LinkCheck(email=user.email, purpose=purpose, mix=mix_rule(session))


@dataclass(frozen=True)
class Redeemed:
    ok: bool
    user_id: int | None = None
    error: str = ""
    field: str = ""  # "password": a rule the person can meet with another password (the link still works)


def redeem_link(session: Session, token: str | None, password: str, *, ip: str = "", user_agent: str = "") -> Redeemed:
    """Set the password from a link: the policy first (a refused password leaves the link usable), then
    the link is spent once (two submits at once: one wins), every session of the user is revoked and
    earlier emailed links are blanked. TOTP is untouched: the next sign-in still asks for it."""
    from .portal_signin import forget_sent_links

    blocked = _blocked(session, ip)
    if blocked:
        return Redeemed(False, error=blocked)
    user, purpose = link_holder(session, token)
    if user is None:
        _link_failed(session, ip, user_agent)
        return Redeemed(False, error=LINK_ERROR)
    try:
        check_policy(password, user.email, mix=mix_rule(session))
    except PasswordPolicyError as exc:
        return Redeemed(False, error=str(exc), field="password")
    actor = audit.Actor("portal", user.id, user.email, ip, user_agent)
    if portal_auth.consume_token(session, token, purpose, actor) is None:
        _link_failed(session, ip, user_agent)
        return Redeemed(False, error=LINK_ERROR)
    _store(session, user.id, hash_password(password))
    revoked = portal_auth.revoke_all(session, user.id)
    forget_sent_links(session, user.email)
    audit.record(session, actor, "portal.password_set", purpose=purpose, sessions_revoked=revoked)
    return Redeemed(True, user_id=user.id)


def _store(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(
        update(PortalUser).where(PortalUser.id == user_id).values(password_hash=password_hash, updated_at=clock.now())
    )


# --- changing it inside the account --------------------------------------------------------------


def change_password(
    engine: Engine,
    *,
    user_id: int,
    session_id: int,
    current: str,
    new: str,
    ip: str = "",
    user_agent: str = "",
) -> int:
    """Needs the current password (V6.2.3), counted per user before it is checked. Every other session
    of the user is signed out; this one stays. Returns how many were signed out; raises PasswordError.
    bcrypt runs with no transaction open."""
    with write_session(engine) as session:
        user = session.get(PortalUser, user_id)
        if not portal_auth.may_sign_in(session, user):
            raise PasswordError("Sign in again to change your password.")
        if not user.password_hash:
            raise PasswordError("You haven't chosen a password yet: ask for a link to choose one.")
        email, stored, mix = user.email, user.password_hash, mix_rule(session)
        verdict, attempt = ratelimit.acquire(session, CHANGE_LIMIT, str(user_id))
        actor = audit.Actor("portal", user_id, email, ip, user_agent)
        if verdict.blocked:
            audit.record(session, actor, "portal.password_change_blocked")
    if verdict.blocked:
        burn_dummy_check(current)
        minutes = verdict.retry_after_minutes
        raise PasswordError(f"Too many wrong passwords. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    if not verify_password(current, stored):
        with write_session(engine) as session:
            audit.record(session, actor, "portal.password_change_failed")
        raise PasswordError(WRONG_CURRENT, "current")
    try:
        check_policy(new, email, mix=mix)
    except PasswordPolicyError as exc:
        with write_session(engine) as session:
            ratelimit.release(session, [attempt])  # the current password was right
        raise PasswordError(str(exc), "new") from None
    if new == current:
        with write_session(engine) as session:
            ratelimit.release(session, [attempt])
        raise PasswordError("The new password is the same as your current one.", "new")
    new_hash = hash_password(new)
    with write_session(engine) as session:
        ratelimit.release(session, [attempt])
        _store(session, user_id, new_hash)
        revoked = portal_auth.revoke_all(session, user_id, keep_session_id=session_id)
        audit.record(session, actor, "portal.password_changed", sessions_revoked=revoked)
    return revoked
