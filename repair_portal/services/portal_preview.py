"""Staff "view as this user": a staff member's browser sees the account portal exactly as one portal user
would, read only. The preview cookie names the portal user and the staff session that asked, signed with
the app's secret and expiring after PREVIEW_MINUTES; it counts only while that same staff session is live
and its role may view the portal as the customer. Nothing in it grants a portal session, and no portal
handler that changes anything runs for it (state/guard.py `portal_action(read_only=...)`)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlmodel import Session

from ..models import Customer, PortalUser
from ..settings import Settings
from . import audit, clock, portal_auth, staff_auth
from .ids import is_digits

PREVIEW_MINUTES = 30
READ_ONLY = "This is a staff preview: it shows what this user sees, and nothing can be changed from it."


def _mac(secret_key: str, payload: str) -> str:
    return hmac.new(secret_key.encode(), b"portal-preview:" + payload.encode(), hashlib.sha256).hexdigest()


def issue(secret_key: str, portal_user_id: int, staff_session_id: int, now: datetime | None = None) -> str:
    expires = int(((now or clock.now()) + timedelta(minutes=PREVIEW_MINUTES)).timestamp())
    payload = f"{portal_user_id}.{staff_session_id}.{expires}"
    return f"{payload}.{_mac(secret_key, payload)}"


def read(secret_key: str, value: str | None, now: datetime | None = None) -> tuple[int, int] | None:
    """(portal user id, staff session id) from an untampered, unexpired cookie value; else None."""
    parts = (value or "")[:200].split(".")
    if len(parts) != 4 or not all(is_digits(p) and len(p) < 19 for p in parts[:3]):
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _mac(secret_key, payload)):
        return None
    if int(parts[2]) <= (now or clock.now()).timestamp():
        return None
    return int(parts[0]), int(parts[1])


def resolve(
    session: Session, settings: Settings, preview_value: str | None, staff_token: str | None
) -> portal_auth.PortalIdentity | None:
    """The previewed user's identity (marked as a preview), while the staff session that asked is live."""
    ids = read(settings.secret_key, preview_value)
    if ids is None or not staff_token:
        return None
    staff = staff_auth.portal_previewer(session, settings, staff_token)
    if staff is None or staff.session_id != ids[1]:
        return None
    user = session.get(PortalUser, ids[0])
    if user is None or not user.active:
        return None
    return portal_auth.identity_of(session, user, session_id=0, mfa_passed=True, previewer=staff.name or staff.email)


def start(
    session: Session, settings: Settings, staff_token: str | None, portal_user_id: int, *, ip: str, user_agent: str
) -> str | None:
    """The preview cookie's value for a staff member allowed to preview, of an active portal user; audited."""
    staff = staff_auth.portal_previewer(session, settings, staff_token)
    user = session.get(PortalUser, portal_user_id)
    if staff is None or user is None or not user.active:
        return None
    account = session.get(Customer, user.customer_id)
    audit.record(
        session,
        audit.Actor("staff", staff.user_id, staff.email, ip, user_agent),
        "portal.preview_started",
        portal_user_id=user.id,
        customer_id=account.id if account else None,
    )
    return issue(settings.secret_key, user.id, staff.session_id)
