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


def reply_by_text(session: Session, order: Order) -> bool:
    """True when a reply on this order should also go to the customer's phone."""
    customer = session.get(Customer, order.customer_id)
    if customer is None or textable(customer.phone) is None:
        return False
    if customer.sms_updates:
        return True
    if last_customer_channel(session, order.id) != SMS:
        return False
    return not sms_consent.opted_out_by_keyword(session, customer.id)
