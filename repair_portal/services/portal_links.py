"""Customer tracking links: issue, resolve, revoke/rotate, expire."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from ..models import Location, Order, PortalLink, ShopSettings
from . import audit, clock
from .tokens import derive_token, hash_token

PURPOSE = "portal-link"
MAX_CODE_LENGTH = 64


def _token_for(secret_key: str, link: PortalLink) -> str:
    return derive_token(secret_key, PURPOSE, link.salt)


def issue_link(session: Session, secret_key: str, order: Order, actor: audit.Actor | None = None) -> str:
    """Create a new link for the order, revoking any previous one. Returns the code."""
    now = clock.now()
    previous = session.exec(
        select(PortalLink).where(PortalLink.order_id == order.id).where(PortalLink.revoked_at.is_(None))
    ).all()
    for old in previous:
        old.revoked_at = now
        session.add(old)
    if previous:
        from .portal_access import forget_devices

        forget_devices(session, order.id)
    salt = secrets.token_urlsafe(24)
    link = PortalLink(
        order_id=order.id,
        salt=salt,
        token_hash="",
        created_at=now,
        created_by_id=actor.id if actor and actor.kind == "staff" else None,
    )
    code = _token_for(secret_key, link)
    link.token_hash = hash_token(code)
    session.add(link)
    session.flush()
    if actor is not None:
        audit.record(session, actor, "portal_link.issued", order_id=order.id)
    return code


def current_code(session: Session, secret_key: str, order_id: int) -> str | None:
    """The order's live code (recomputed from its salt and the key), for emails and tickets."""
    link = session.exec(
        select(PortalLink)
        .where(PortalLink.order_id == order_id)
        .where(PortalLink.revoked_at.is_(None))
        .order_by(PortalLink.created_at.desc())
    ).first()
    if link is None:
        return None
    code = _token_for(secret_key, link)
    # A different installation key (a restore onto a new machine without its key file)
    # would derive a dead code: better no link than a wrong one in an email.
    return code if hmac.compare_digest(hash_token(code), link.token_hash) else None


class LinkStatus(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    REVOKED = "revoked"  # switched off by the shop: no live link for the order
    REPLACED = "replaced"  # a newer link was issued for the order
    EXPIRED = "expired"


@dataclass(frozen=True)
class Resolution:
    status: LinkStatus
    order_id: int | None = None
    link_id: int | None = None


def link_expiry_days(session: Session) -> int:
    return ShopSettings.current(session).link_expiry_days


def link_expired(session: Session, order: Order, now: datetime | None = None) -> bool:
    """Whether the order's links stopped working: collected, and the shop's link expiry has passed since."""
    now = now or clock.now()
    return order.collected_at is not None and now >= order.collected_at + timedelta(days=link_expiry_days(session))


def resolve(session: Session, code: str) -> Resolution:
    """Map a code from a URL to its order. Opening a link changes nothing."""
    if not code or len(code) > MAX_CODE_LENGTH:
        return Resolution(LinkStatus.NOT_FOUND)
    wanted = hash_token(code)
    link = session.exec(select(PortalLink).where(PortalLink.token_hash == wanted)).first()
    if link is None or not hmac.compare_digest(link.token_hash, wanted):
        return Resolution(LinkStatus.NOT_FOUND)
    if link.revoked_at is not None:
        newer = session.exec(
            select(PortalLink.id).where(PortalLink.order_id == link.order_id).where(PortalLink.revoked_at.is_(None))
        ).first()
        status = LinkStatus.REPLACED if newer is not None else LinkStatus.REVOKED
        return Resolution(status, link.order_id, link.id)
    order = session.get(Order, link.order_id)
    if order is None:
        return Resolution(LinkStatus.NOT_FOUND)
    if link_expired(session, order):
        return Resolution(LinkStatus.EXPIRED, order.id, link.id)
    return Resolution(LinkStatus.OK, order.id, link.id)


def revoke(session: Session, order_id: int, actor: audit.Actor) -> int:
    now = clock.now()
    links = session.exec(
        select(PortalLink).where(PortalLink.order_id == order_id).where(PortalLink.revoked_at.is_(None))
    ).all()
    for link in links:
        link.revoked_at = now
        session.add(link)
    from .portal_access import forget_devices

    forget_devices(session, order_id)
    audit.record(session, actor, "portal_link.revoked", order_id=order_id, count=len(links))
    return len(links)


def contact_location(session: Session, order_id: int | None) -> Location | None:
    """The location whose phone number a dead-link page shows."""
    if order_id is not None:
        order = session.get(Order, order_id)
        if order is not None:
            return session.get(Location, order.location_id)
    return session.exec(select(Location).where(Location.active).order_by(Location.id)).first()
