"""Texting actions: staff dealing with a text that found no order, and the customer switching texts on or off."""

from __future__ import annotations

from ..db import write_session
from ..models import Customer, Order
from ..services import audit, sms_consent_view, unmatched_texts
from . import GONE, Outcome, done, refused


def attach_text(sms_id: int | None, reference: str, actor: audit.Actor) -> Outcome:
    """The text joins the order's thread (its page and the customer's update live)."""
    try:
        with write_session() as session:
            message = unmatched_texts.attach_to_order(session, sms_id, reference, actor)
            order = session.get(Order, message.order_id)
            order_id, label = order.id, order.reference
    except unmatched_texts.UnmatchedError as exc:
        return refused(str(exc))
    return done(f"Added to {label}'s messages.", changed="messages", order_id=order_id)


def dismiss_text(sms_id: int | None, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            unmatched_texts.dismiss(session, sms_id, actor)
    except unmatched_texts.UnmatchedError as exc:
        return refused(str(exc))
    return done("Dismissed.", level="info")


def set_texts(order_id: int, on: bool, actor: audit.Actor) -> Outcome:
    """The order's customer switched "Text me updates" (the tracking link or the account portal)."""
    try:
        with write_session() as session:
            order = session.get(Order, order_id)
            customer = session.get(Customer, order.customer_id) if order is not None else None
            if customer is None:
                return refused(GONE)
            changed = sms_consent_view.set_from_portal(session, customer, on, actor)
    except sms_consent_view.TextsRefused as exc:
        return refused(str(exc))
    if not changed:
        return done("", level="info")
    return done("We'll text you updates." if on else "Texts are off: we won't text you updates.")
