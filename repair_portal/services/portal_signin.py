"""Signing a portal user in at /portal: a password (a form post to api/portal_account.py) or a one-time
link by email, and the "forgot password" link. Every answer is the same whether or not the address has
an account, after the same work: a dummy bcrypt check for passwords; a token made, hashed and an email
rendered (then dropped) for links.

A first factor opens a session; where the second step is owed (required, or TOTP enrolled) the session
can only finish it at /portal/verify (services/portal_mfa.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import routes
from ..db import write_session
from ..models import OutboxMessage, PortalTokenPurpose, PortalUser
from ..settings import Settings
from . import audit, clock, known_devices, mail, passkeys, portal_auth, ratelimit
from .email_templates import PORTAL_ACCOUNT_TEMPLATES, render
from .emails import is_valid_email, normalise_email
from .passwords import burn_dummy_check, verify_password
from .tokens import hash_token, new_token

log = logging.getLogger("repair_portal.security")

GENERIC_LOGIN_ERROR = "That email and password don't match an account with access."
LINK_ANSWER = "If that address has access, a link is on its way. It works once, within 15 minutes."
RESET_ANSWER = (
    "If that address has access, a link to choose a new password is on its way. It works once, within 30 minutes."
)
MAGIC = PortalTokenPurpose.MAGIC.value
RESET = PortalTokenPurpose.RESET.value
TEMPLATE_FOR = {MAGIC: "portal_magic_link", RESET: "portal_password_reset"}
VALID_FOR = {MAGIC: "15 minutes", RESET: "30 minutes"}
DEVICE_KIND = "portal"
# Links asked for one address (a mailbox isn't flooded), and from one network.
LINK_EMAIL_LIMIT = ratelimit.Limit("portal_link_email", 3, timedelta(minutes=15))
LINK_IP_LIMIT = ratelimit.Limit("portal_link_ip", 20, timedelta(hours=1))
_LINK_IN_TEXT = re.compile(r"(/api/portal/magic/|/portal/set-password/)[A-Za-z0-9_-]{16,}")


def account_limit(settings: Settings) -> ratelimit.Limit:
    window = timedelta(minutes=settings.login_failure_window_minutes)
    return ratelimit.Limit("portal_login_account", settings.login_max_failures_per_account, window)


def device_limit(settings: Settings) -> ratelimit.Limit:
    window = timedelta(minutes=settings.login_failure_window_minutes)
    return ratelimit.Limit("portal_login_device", settings.login_max_failures_per_account, window)


def ip_limit(settings: Settings) -> ratelimit.Limit:
    window = timedelta(minutes=settings.login_ip_window_minutes)
    return ratelimit.Limit("portal_login_ip", settings.login_max_failures_per_ip, window)


def blocked_message(minutes: int, what: str = "sign-ins") -> str:
    return f"Too many failed {what}. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    token: str | None = None  # the new session's cookie value
    mfa_pending: bool = False  # the session still owes the second step (/portal/verify)
    error: str = ""
    retry_after_minutes: int = 0
    known_device: str | None = None  # the browser's "signed in here before" cookie value


def start_session(
    session: Session, settings: Settings, user: PortalUser, *, ip: str, user_agent: str, method: str
) -> tuple[str, bool]:
    """A first factor passed: (cookie token, whether the second step is still owed)."""
    pending = portal_auth.needs_mfa(session, user)
    token = portal_auth.open_session(session, settings, user, ip=ip, user_agent=user_agent, mfa_passed=not pending)
    actor = audit.Actor("portal", user.id, user.email, ip, user_agent)
    audit.record(session, actor, "portal.login.success", method=method, mfa_pending=pending)
    return token, pending


def sign_in(
    engine: Engine,
    settings: Settings,
    *,
    email: str,
    password: str,
    ip: str = "",
    user_agent: str = "",
    known_device: str | None = None,
) -> SignInResult:
    """Email and password, as staff sign-in (services/staff_auth.py) does it: attempts counted before
    the check in one short locked transaction, bcrypt with no transaction open, a dummy check for an
    unknown address, one message for unknown, wrong, password-less and disabled (the user or the
    account's portal access), and a browser that
    signed in as this user before counted on its own key."""
    email = normalise_email(email)[:254]
    actor = audit.Actor(kind="portal", label=email, ip=ip, user_agent=user_agent)
    with write_session(engine) as session:
        user = session.exec(select(PortalUser).where(PortalUser.email == email)).first()
        account = (user.id, user.password_hash, portal_auth.may_sign_in(session, user)) if user else None
        nonce = (
            known_devices.entries(settings.secret_key, known_device, kind=DEVICE_KIND).get(account[0]) if user else None
        )
        if nonce:
            keys = [(device_limit(settings), f"{account[0]}:{nonce}", True)]
        else:
            keys = [(account_limit(settings), email, True), (ip_limit(settings), ip or "unknown", False)]
        counted: list[int | None] = []
        blocked = None
        for limit, key, _ in keys:
            verdict, attempt_id = ratelimit.acquire(session, limit, key)
            if verdict.blocked:
                audit.record(session, actor, "portal.login.blocked", scope=limit.scope)
                log.warning("portal sign-in blocked by the %s limit (from %s)", limit.scope, ip or "unknown")
                blocked = verdict
                break
            counted.append(attempt_id)
    if blocked is not None:
        burn_dummy_check(password)
        minutes = blocked.retry_after_minutes
        return SignInResult(ok=False, error=blocked_message(minutes), retry_after_minutes=minutes)

    if account is None:
        burn_dummy_check(password)
        valid = False
    else:
        valid = verify_password(password, account[1]) and account[2]

    with write_session(engine) as session:
        user = session.get(PortalUser, account[0]) if valid else None
        if not portal_auth.may_sign_in(session, user):
            audit.record(session, actor, "portal.login.failure")
            return SignInResult(ok=False, error=GENERIC_LOGIN_ERROR)
        for limit, key, clears in keys:
            if clears:
                ratelimit.clear(session, limit, key)
        ratelimit.release(session, counted)
        token, pending = start_session(session, settings, user, ip=ip, user_agent=user_agent, method="password")
    device = known_devices.remember(settings.secret_key, known_device, account[0], kind=DEVICE_KIND)
    return SignInResult(ok=True, token=token, mfa_pending=pending, known_device=device)


def sign_in_with_passkey(
    engine: Engine,
    settings: Settings,
    *,
    response_json: str,
    ip: str = "",
    user_agent: str = "",
    known_device: str | None = None,
) -> SignInResult:
    """A passkey (with the device's PIN or biometric) is both steps at once: a session with MFA passed.
    Challenges are limited per address when they are asked for (services/passkeys.py)."""
    with write_session(engine) as session:
        proved = passkeys.authenticate(session, settings, owner_kind=DEVICE_KIND, response_json=response_json)
        user = session.get(PortalUser, proved.owner_id) if proved.ok else None
        if not portal_auth.may_sign_in(session, user):
            audit.record(session, audit.Actor("portal", None, "", ip, user_agent), "portal.login.passkey_failure")
            return SignInResult(ok=False, error=passkeys.REFUSED if proved.ok else proved.error)
        token = portal_auth.open_session(session, settings, user, ip=ip, user_agent=user_agent, mfa_passed=True)
        actor = audit.Actor("portal", user.id, user.email, ip, user_agent)
        audit.record(session, actor, "portal.login.success", method="passkey", mfa_pending=False)
        user_id = user.id
    device = known_devices.remember(settings.secret_key, known_device, user_id, kind=DEVICE_KIND)
    return SignInResult(ok=True, token=token, known_device=device)


# --- links by email ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkAnswer:
    message: str
    ok: bool = True  # False: the address or the network asked too often (said without naming an account)


def request_link(
    session: Session, links: mail.LinkSettings, *, email: str, purpose: str, ip: str = "", user_agent: str = ""
) -> LinkAnswer:
    """A sign-in (`magic`) or reset link by email, for an active user with that address. The answer and
    the work are the same for an address without one: a token is made and hashed and the email rendered,
    then nothing is stored or queued. Run in `write_session()`; the caller pads the reply to a fixed time."""
    purpose = PortalTokenPurpose(purpose).value
    if purpose not in TEMPLATE_FOR:
        raise ValueError("only sign-in and reset links are asked for by email")
    email = normalise_email(email)[:254]
    answer = LINK_ANSWER if purpose == MAGIC else RESET_ANSWER
    actor = audit.Actor("anonymous", None, email, ip, user_agent)
    verdict, _ = ratelimit.acquire(session, LINK_IP_LIMIT, ip or "unknown")
    if verdict.blocked:
        audit.record(session, actor, "portal.link_request_blocked", purpose=purpose, scope=LINK_IP_LIMIT.scope)
        return LinkAnswer(blocked_message(verdict.retry_after_minutes, "requests from this network"), ok=False)
    verdict, _ = ratelimit.acquire(session, LINK_EMAIL_LIMIT, email)
    user = session.exec(select(PortalUser).where(PortalUser.email == email)).first() if is_valid_email(email) else None
    if user is not None and not portal_auth.may_sign_in(session, user):
        user = None
    if verdict.blocked:  # the same words: the answer must not tell whether the address is known
        audit.record(session, actor, "portal.link_request_blocked", purpose=purpose, scope=LINK_EMAIL_LIMIT.scope)
        user = None
    if user is None:
        token = new_token()
        hash_token(token)
        _compose(session, links, None, purpose, token)
        audit.record(session, actor, "portal.link_requested", purpose=purpose, sent=False)
        return LinkAnswer(answer)
    token = portal_auth.issue_token(session, user, purpose)
    forget_sent_links(session, user.email)
    message = _compose(session, links, user, purpose, token)
    session.add(message)
    session.flush()
    audit.record(
        session,
        audit.Actor("portal", user.id, user.email, ip, user_agent),
        "portal.link_requested",
        purpose=purpose,
        sent=True,
        message_id=message.id,
    )
    return LinkAnswer(answer)


def link_url(links: mail.LinkSettings, purpose: str, token: str) -> str:
    path = routes.portal_magic(token) if purpose == MAGIC else routes.portal_set_password(token)
    return links.public_url.rstrip("/") + path


def _compose(
    session: Session, links: mail.LinkSettings, user: PortalUser | None, purpose: str, token: str
) -> OutboxMessage:
    spec = PORTAL_ACCOUNT_TEMPLATES[TEMPLATE_FOR[purpose]]
    brand = mail.branding(session, None)
    name = (user.name if user else "").split(" ")[0] or "there"
    values = {"name": name, "shop_name": brand.shop_name, "valid_for": VALID_FOR[purpose]}
    rendered = render(spec, spec.subject, spec.intro, values, brand, link_url(links, purpose, token))
    now = clock.now()
    return OutboxMessage(
        order_id=None,
        template=spec.key,
        audience="customer",
        to_email=user.email if user else "",
        to_name=user.name if user else "",
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        created_at=now,
        next_attempt_at=now,
    )


def forget_sent_links(session: Session, email: str) -> None:
    """Blank the links in this person's earlier sign-in and reset emails: spent or replaced."""
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.to_email == email)
        .where(OutboxMessage.template.in_(list(PORTAL_ACCOUNT_TEMPLATES)))
    ).all()
    for row in rows:
        text = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.text_body)
        html = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.html_body)
        if (text, html) != (row.text_body, row.html_body):
            row.text_body, row.html_body = text, html
            session.add(row)


@dataclass(frozen=True)
class MagicResult:
    token: str  # the new session's cookie value
    mfa_pending: bool


def redeem_magic(
    session: Session, settings: Settings, token: str | None, *, ip: str = "", user_agent: str = ""
) -> MagicResult | None:
    """Spend a sign-in link once (two clicks at once: one session) and open a session on this browser;
    None for an unknown, used or expired link or a disabled user."""
    actor = audit.Actor("anonymous", None, "portal sign-in link", ip, user_agent)
    user = portal_auth.consume_token(session, token, MAGIC, actor)
    if user is None:
        audit.record(session, actor, "portal.link_failed", purpose=MAGIC)
        return None
    forget_sent_links(session, user.email)
    cookie, pending = start_session(session, settings, user, ip=ip, user_agent=user_agent, method="email_link")
    return MagicResult(cookie, pending)


def magic_link_live(session: Session, token: str | None) -> bool:
    """Opening the link (GET) only looks: a mail scanner that fetches it spends nothing."""
    return portal_auth.peek_token(session, token, MAGIC) is not None
