"""What a barcode scanner types into the staff search box: a device label's or a customer ticket's
QR code, as a URL. Either names one order."""

from __future__ import annotations

import re

from sqlmodel import Session

from ..models import Order
from . import portal_links

_STAFF_ORDER = re.compile(r"/staff/orders/(\d{1,12})(?:[/?#]|$)")
_TRACK = re.compile(r"/track/([A-Za-z0-9_-]{8,200})(?:[/?#]|$)")


def looks_scanned(text: str) -> bool:
    return "/staff/orders/" in text or "/track/" in text


def order_from_scan(session: Session, text: str) -> int | None:
    """The order a scanned label URL (…/staff/orders/<id>) or ticket URL (…/track/<code>) names, if any.

    A replaced or switched-off tracking link still names its order: staff look it up, customers can't."""
    text = (text or "").strip()[:500]
    if match := _STAFF_ORDER.search(text):
        order = session.get(Order, int(match.group(1)))
        return order.id if order is not None else None
    if match := _TRACK.search(text):
        return portal_links.resolve(session, match.group(1)).order_id
    return None
