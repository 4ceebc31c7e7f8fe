"""Booking a repair in at the counter."""

from __future__ import annotations

from ..db import write_session
from ..services import audit, notifications, sms
from ..services.intake import IntakeError, IntakeForm, book_in
from ..settings import get_settings
from . import Outcome, links


def book_in_order(form: IntakeForm, actor: audit.Actor) -> Outcome:
    """Customer (matched or new), device and order in one transaction; the confirmation email is
    queued when the customer has an address and agreed to updates. Every open board hears of it."""
    try:
        with write_session() as session:
            settings = get_settings()
            key = settings.passcode_key() if form.passcode.strip() else None
            result = book_in(session, settings.secret_key, form, actor, passcode_key=key)
            emailed = notifications.order_booked(session, links(), result.new.order, actor)
            order_id, reference = result.new.order.id, result.new.order.reference
            texted = bool(sms.texts_for_order(session, order_id))
    except IntakeError as exc:
        return Outcome(False, "Check the highlighted fields.", "error", errors=dict(exc.errors))
    note = " Confirmation email queued." if emailed else " No email sent (no address or no consent)."
    if texted:
        note += " Text queued."
    return Outcome(True, f"Booked in as {reference}.{note}", changed="board", order_id=order_id)
