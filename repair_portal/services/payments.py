"""Payments and refunds (negative amounts) against an order."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import Order, Payment, PaymentMethod
from . import audit, clock, invoices
from .text_input import TextInputError, clean_text

METHOD_LABELS = {
    "cash": "Cash",
    "card": "Card",
    "bank_transfer": "Bank transfer",
    "other": "Other",
    "store_credit": "Store credit",
    "card_online": "Card (online)",
}
# What staff may record by hand (forms, intake deposits). Store credit is only ever used through
# services/store_credit.py, which writes the ledger entry in the same transaction.
STAFF_METHODS = frozenset(m.value for m in PaymentMethod) - {
    PaymentMethod.STORE_CREDIT.value,
    PaymentMethod.CARD_ONLINE.value,
}


def method_label(method: str) -> str:
    """How a payment method reads to people (receipts, the portal, the order page)."""
    return METHOD_LABELS.get(method, method.replace("_", " ").capitalize())


class PaymentError(ValueError):
    pass


class AlreadyRecorded(PaymentError):
    """This form's key was used before: the payment it recorded, and nothing new."""

    def __init__(self, payment: Payment):
        super().__init__("Already recorded: that payment was saved once and is not added again.")
        self.payment_id, self.order_id = payment.id, payment.order_id


_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_REFERENCE = 200
MAX_NOTE = 2000


def new_payment_key() -> str:
    """The key a "Record payment" form is drawn with (unique, not secret)."""
    return secrets.token_urlsafe(18)


def valid_payment_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key or ""))


def _earlier(session: Session, order_id: int, key: str) -> None:
    """Raise AlreadyRecorded when the key recorded a payment on this order; a key from another order's
    form (forged, or a stale page) records nothing either."""
    earlier = session.exec(select(Payment).where(Payment.idempotency_key == key)).first()
    if earlier is None:
        return
    if earlier.order_id != order_id:
        raise PaymentError("This payment form is out of date: reload the page and enter the payment again.")
    raise AlreadyRecorded(earlier)


def record_payment(
    session: Session,
    order: Order,
    amount_minor: int,
    method: PaymentMethod | str,
    actor: audit.Actor,
    *,
    reference: str = "",
    note: str = "",
    received_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Payment:
    """`idempotency_key` (the staff form's): a second call with it raises AlreadyRecorded and records
    nothing, also when two arrive at the same moment (the unique key decides; PostgreSQL included)."""
    if idempotency_key is not None:
        if not valid_payment_key(idempotency_key):
            raise PaymentError("This payment form is out of date: reload the page and enter the payment again.")
        _earlier(session, order.id, idempotency_key)
    method = PaymentMethod(method)
    if method == PaymentMethod.STORE_CREDIT:
        raise PaymentError("Store credit is used from the invoice card, where it comes off the customer's credit.")
    if amount_minor == 0:
        raise PaymentError("Enter an amount.")
    try:
        reference = clean_text(reference, "The reference", MAX_REFERENCE)
        note = clean_text(note, "The reason", MAX_NOTE)
    except TextInputError as exc:
        raise PaymentError(str(exc)) from exc
    if amount_minor < 0 and not note:
        raise PaymentError("Give a reason for the refund.")
    payment = Payment(
        order_id=order.id,
        amount_minor=amount_minor,
        method=method.value,
        reference=reference,
        note=note,
        received_at=received_at or clock.now(),
        staff_user_id=actor.id if actor.kind == "staff" else None,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():  # a concurrent twin with the same key: only this insert is undone
            session.add(payment)
            session.flush()
    except IntegrityError:
        if idempotency_key is None:
            raise
        _earlier(session, order.id, idempotency_key)
        raise
    invoices.allocate_new_payment(session, payment)  # counts towards the order's issued invoice, if any
    audit.record(session, actor, "payment.recorded", order_id=order.id, amount_minor=amount_minor, method=method.value)
    return payment


def paid_total(session: Session, order_id: int) -> int:
    return session.exec(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(Payment.order_id == order_id)
    ).one()
