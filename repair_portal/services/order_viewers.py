"""Who may see an order's tracking page right now, read once for all of its open pages.

A live change reaches every open page of an order. Checking each page's access on its own costs a round of
queries per page; `read` takes the same facts in four queries for the whole order, and `may_view` answers
for one page (its link code and its device cookie) exactly as `portal_links.resolve` + `portal_access.can_view`
would (tests/unit/test_order_viewers.py holds the two to the same answers).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import AccessMode, Order, PortalLink, PortalVerification
from . import clock, portal_access, portal_links, portal_policy
from .tokens import hash_token


@dataclass(frozen=True)
class OrderViewers:
    order_id: int
    link_hashes: frozenset[str]  # the order's links that open it (not revoked; the order not expired)
    link_only: bool  # the access mode asks for no last name
    device_hashes: frozenset[str]  # devices whose newest check for this order is in force

    def may_view(self, code: str, device_token: str | None) -> bool:
        if not code or len(code) > portal_links.MAX_CODE_LENGTH or hash_token(code) not in self.link_hashes:
            return False
        return self.link_only or (bool(device_token) and hash_token(device_token) in self.device_hashes)


NOBODY = OrderViewers(0, frozenset(), False, frozenset())


def read(session: Session, order_id: int) -> OrderViewers:
    """The facts behind every tracking page's access to this order (NOBODY while the portal is off)."""
    order = session.get(Order, order_id)
    if order is None or portal_policy.portal_off(session) is not None:
        return NOBODY
    now = clock.now()
    if portal_links.link_expired(session, order, now):
        return NOBODY
    links = session.exec(
        select(PortalLink.token_hash).where(PortalLink.order_id == order_id).where(PortalLink.revoked_at.is_(None))
    ).all()
    newest: dict[str, bool] = {}
    for device_hash, expires_at in session.exec(
        select(PortalVerification.device_hash, PortalVerification.expires_at)
        .where(PortalVerification.order_id == order_id)
        .where(PortalVerification.revoked_at.is_(None))
        .order_by(PortalVerification.created_at.desc())
    ).all():
        newest.setdefault(device_hash, now < expires_at)  # the newest row decides, as is_verified reads it
    return OrderViewers(
        order_id,
        frozenset(links),
        portal_access.access_mode(session, order) == AccessMode.LINK,
        frozenset(h for h, in_force in newest.items() if in_force),
    )
