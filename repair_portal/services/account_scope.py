"""Which orders a signed-in portal user may reach: their account's, and only their own when their group
has "see their own" but not "see all"."""

from __future__ import annotations

from sqlmodel import Session

from ..models import Order
from .portal_auth import PortalIdentity
from .portal_permissions import Perm


def may_see_order(identity: PortalIdentity, order: Order | None) -> bool:
    if order is None or order.customer_id != identity.customer_id:
        return False
    if identity.may(Perm.ORDERS_VIEW_ALL):
        return True
    return identity.may(Perm.ORDERS_VIEW_MINE) and order.requested_by_id == identity.user_id


def order_for(session: Session, identity: PortalIdentity, order_id: int | None) -> Order | None:
    """The order if this portal user may see it (another account's, not theirs, unknown: None)."""
    order = session.get(Order, order_id) if order_id else None
    return order if may_see_order(identity, order) else None
