"""Find an order by its reference and the customer's last name (`/lookup`, the shop website's widget).

The same check and the same limits as the last-name gate on a tracking link (services/portal_access.py):
each attempt is counted before the name is compared, 5 per order per 15 minutes (shared with that
order's gate: the counter is keyed on its live link) and 20 per address per hour (shared with every
gate). "No such order" and "wrong name" get the same answer after the same work: a reference that
matches nothing is counted under its own key, and its name is compared against a stand-in.

Success remembers the device for that order, exactly as the gate does, and gives the order's current
tracking code. A matching name for an order whose link the shop switched off (or that expired after
collection) gets "call us" instead of a page: only someone who knows the name learns that.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from ..models import Customer, Order, PortalLink
from . import audit, ratelimit
from .portal_access import CODE_LIMIT, IP_LIMIT, blocked_message, normalise_name, remember
from .portal_links import current_code, link_expired
from .references import PREFIX

MISMATCH = (
    "We couldn't find an order with that reference and last name. Check both against your receipt "
    "or email and try again."
)
INCOMPLETE = "Enter the order reference from your receipt (like R-10042) and the last name the order is under."
LINK_OFF = "We found your order, but it can't be shown online. Please call us and we'll help."
_REFERENCE = re.compile(r"(?:R)?-?(\d{1,12})", re.ASCII)
_STAND_IN = normalise_name("no such order: nothing matches this")


class Outcome(StrEnum):
    FOUND = "found"
    MISMATCH = "mismatch"  # no such order, or the wrong name: the same answer
    BLOCKED = "blocked"
    LINK_OFF = "link_off"  # the right name, but the shop switched the order's link off (or it expired)
    INCOMPLETE = "incomplete"  # a field empty, or not shaped like a reference: nothing was counted


@dataclass(frozen=True)
class LookupResult:
    outcome: Outcome
    code: str = ""  # the order's tracking code (FOUND only): the route redirects to it, never shows it
    location_id: int | None = None  # whose phone number the "call us" answer shows (LINK_OFF)
    retry_after_minutes: int = 0

    @property
    def message(self) -> str:
        return {
            Outcome.FOUND: "",
            Outcome.MISMATCH: MISMATCH,
            Outcome.BLOCKED: blocked_message(self.retry_after_minutes or 15),
            Outcome.LINK_OFF: LINK_OFF,
            Outcome.INCOMPLETE: INCOMPLETE,
        }[self.outcome]


def parse_reference(text: str | None) -> str | None:
    """'R-10042', 'r10042', ' #10042 ', 'R 10042' or '10042' -> 'R-10042'; None when it can't be one."""
    compact = "".join((text or "")[:40].split()).upper().lstrip("#")
    match = _REFERENCE.fullmatch(compact)
    if match is None:
        return None
    digits = match.group(1).lstrip("0")
    return f"{PREFIX}{digits}" if digits else None


def _live_link(session: Session, order: Order | None) -> PortalLink | None:
    """The order's newest unrevoked link (queried for a missing order too: the same work either way)."""
    return session.exec(
        select(PortalLink)
        .where(PortalLink.order_id == (order.id if order is not None else -1))
        .where(PortalLink.revoked_at.is_(None))
        .order_by(PortalLink.created_at.desc())
    ).first()


def look_up(
    session: Session,
    secret_key: str,
    reference_text: str,
    last_name: str,
    device_token: str,
    *,
    ip: str = "",
    user_agent: str = "",
) -> LookupResult:
    """Run inside `write_session()`: the attempts are counted and checked under one lock."""
    reference = parse_reference(reference_text)
    given = normalise_name(str(last_name or "")[:200])
    if reference is None or not given:
        return LookupResult(Outcome.INCOMPLETE)
    actor = audit.Actor("customer", None, "order lookup", ip, user_agent)
    order = session.exec(select(Order).where(Order.reference == reference)).first()
    link = _live_link(session, order)
    # An order with a live link shares its gate's counter; anything else is counted by the reference typed.
    order_key = f"link:{link.id}" if link is not None else f"lookup:{reference}"
    order_id = order.id if order is not None else None
    counted = []
    for limit, key in ((CODE_LIMIT, order_key), (IP_LIMIT, ip or "unknown")):
        verdict, attempt_id = ratelimit.acquire(session, limit, key)  # counted before the name is compared
        if verdict.blocked:
            audit.record(session, actor, "portal.lookup_blocked", order_id=order_id, scope=limit.scope)
            return LookupResult(Outcome.BLOCKED, retry_after_minutes=verdict.retry_after_minutes)
        counted.append(attempt_id)
    # The same query and the same comparison whether or not the order exists.
    customer = session.exec(select(Customer).where(Customer.id == (order.customer_id if order else -1))).first()
    expected = normalise_name(customer.last_name) if customer is not None else _STAND_IN
    matches = hmac.compare_digest(expected.encode(), given.encode())
    if order is None or customer is None or not expected or not matches:
        audit.record(session, actor, "portal.lookup_failed", order_id=order_id, reference=reference)
        return LookupResult(Outcome.MISMATCH)
    ratelimit.clear(session, CODE_LIMIT, order_key)
    ratelimit.release(session, counted)
    live = link is not None and not link_expired(session, order)
    code = current_code(session, secret_key, order.id) if live else None
    if code is None:
        audit.record(session, actor, "portal.lookup_link_off", order_id=order.id)
        return LookupResult(Outcome.LINK_OFF, location_id=order.location_id)
    remember(session, order.id, device_token, "lookup", ip=ip, user_agent=user_agent)
    audit.record(session, actor, "portal.lookup_verified", order_id=order.id)
    return LookupResult(Outcome.FOUND, code=code)
