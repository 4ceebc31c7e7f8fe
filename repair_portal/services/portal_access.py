"""Who may see an order's portal: the shop's access mode, the last-name check, remembered devices."""

from __future__ import annotations

import hmac
import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import AccessMode, Customer, Location, Order, PortalVerification, ShopSettings
from . import audit, clock, ratelimit
from .tokens import hash_token

log = logging.getLogger("repair_portal.security")

REMEMBER_DEVICE_FOR = timedelta(days=90)
CODE_LIMIT = ratelimit.Limit("portal_last_name_code", 5, timedelta(minutes=15))
IP_LIMIT = ratelimit.Limit("portal_last_name_ip", 20, timedelta(hours=1))
GENERIC_MISMATCH = "That name doesn't match our records for this order. Check the spelling and try again."


def access_mode(session: Session, order: Order) -> AccessMode:
    """The location's override, else the shop's setting."""
    # Single columns, not the location and settings rows: every customer event asks this.
    raw = session.exec(select(Location.access_mode).where(Location.id == order.location_id)).first() or (
        session.exec(select(ShopSettings.access_mode).where(ShopSettings.id == 1)).first()
        or ShopSettings.current(session).access_mode
    )
    try:
        return AccessMode(raw)
    except ValueError:
        return AccessMode.LINK_LAST_NAME  # an unknown setting fails closed


def normalise_name(name: str) -> str:
    """Case-insensitive, spaces trimmed and collapsed, curly apostrophes straightened."""
    text = unicodedata.normalize("NFC", name or "").replace("’", "'").replace("‘", "'")
    return " ".join(text.split()).casefold()


def is_verified(session: Session, order_id: int, device_token: str | None) -> bool:
    if not device_token:
        return False
    row = session.exec(
        select(PortalVerification)
        .where(PortalVerification.device_hash == hash_token(device_token))
        .where(PortalVerification.order_id == order_id)
        .where(PortalVerification.revoked_at.is_(None))
        .order_by(PortalVerification.created_at.desc())
    ).first()
    return row is not None and clock.now() < row.expires_at


def can_view(session: Session, order: Order, device_token: str | None) -> bool:
    """Whether this device sees the order's details (the link itself was already checked)."""
    mode = access_mode(session, order)
    if mode == AccessMode.LINK:
        return True
    return is_verified(session, order.id, device_token)


def blocked_message(minutes: int) -> str:
    return f"Too many attempts. Please try again in {minutes} minute{'s' if minutes != 1 else ''}, or call us."


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    error: str = ""
    retry_after_minutes: int = 0


def check_last_name(
    session: Session,
    order: Order,
    link_id: int,
    attempt: str,
    device_token: str,
    *,
    ip: str = "",
    user_agent: str = "",
) -> CheckResult:
    """Compare the typed last name; remember this device on success. Limited per link and per address."""
    actor = audit.Actor("customer", None, "tracking link", ip, user_agent)
    counted = []
    for limit, key in ((CODE_LIMIT, f"link:{link_id}"), (IP_LIMIT, ip or "unknown")):
        verdict, attempt_id = ratelimit.acquire(session, limit, key)  # counted before the name is compared
        if verdict.blocked:
            audit.record(session, actor, "portal.last_name_blocked", order_id=order.id, scope=limit.scope)
            log.warning("last-name check blocked by the %s limit (order %s)", limit.scope, order.id)
            minutes = verdict.retry_after_minutes
            return CheckResult(False, blocked_message(minutes), minutes)
        counted.append(attempt_id)
    customer = session.get(Customer, order.customer_id)
    expected = normalise_name(customer.last_name if customer else "")
    given = normalise_name(attempt[:200])
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        audit.record(session, actor, "portal.last_name_failed", order_id=order.id)
        return CheckResult(False, GENERIC_MISMATCH)
    ratelimit.clear(session, CODE_LIMIT, f"link:{link_id}")
    ratelimit.release(session, counted)
    remember(session, order.id, device_token, "last_name", ip=ip, user_agent=user_agent)
    audit.record(session, actor, "portal.last_name_verified", order_id=order.id)
    return CheckResult(True)


def remember(
    session: Session, order_id: int, device_token: str, method: str, *, ip: str = "", user_agent: str = ""
) -> None:
    now = clock.now()
    session.add(
        PortalVerification(
            device_hash=hash_token(device_token),
            order_id=order_id,
            method=method,
            created_at=now,
            expires_at=now + REMEMBER_DEVICE_FOR,
            ip=ip[:64],
            user_agent=user_agent[:400],
        )
    )


def forget_devices(session: Session, order_id: int) -> None:
    """Every remembered device for the order must pass the check again (link rotated or revoked)."""
    session.execute(
        update(PortalVerification)
        .where(PortalVerification.order_id == order_id)
        .where(PortalVerification.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
