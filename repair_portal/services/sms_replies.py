"""When a staff reply also goes by text: the customer agreed to texts (a reply from the shop is one of the
updates they asked for), or wrote their last message on this order by SMS (the answer goes back the way they
asked) and hasn't since said STOP. A reply is a person answering, not an automated text: it ignores quiet
hours."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Customer, Message, MessageDirection, Order
from . import sms_consent
from .sms_views import textable

SMS = "sms"


def last_customer_channel(session: Session, order_id: int) -> str | None:
    """How the customer's latest message on this order came ('portal' or 'sms'); None before any."""
    return session.exec(
        select(Message.channel)
        .where(Message.order_id == order_id)
        .where(Message.direction == MessageDirection.FROM_CUSTOMER.value)
        .where(Message.is_feedback == False)  # noqa: E712 (SQL comparison)
        .order_by(Message.created_at.desc(), Message.id.desc())
    ).first()


def _last_customer_text(session: Session, order_id: int):
    """When the customer's latest message on this order came, if it came by text from their own number."""
    row = session.exec(
        select(Message.channel, Message.created_at)
        .where(Message.order_id == order_id)
        .where(Message.direction == MessageDirection.FROM_CUSTOMER.value)
        .where(Message.is_feedback == False)  # noqa: E712 (SQL comparison)
        .order_by(Message.created_at.desc(), Message.id.desc())
    ).first()
    return row[1] if row is not None and row[0] == SMS else None


def reply_by_text(session: Session, order: Order) -> bool:
    """True when a reply on this order should also go to the customer's phone."""
    customer = session.get(Customer, order.customer_id)
    if customer is None or textable(customer.phone) is None or sms_consent.number_stopped(session, customer.phone):
        return False
    if customer.sms_updates:
        return True
    last = _last_customer_text(session, order.id)
    if last is None:
        return False
    return not sms_consent.withdrawn_since(session, customer.id, last)
