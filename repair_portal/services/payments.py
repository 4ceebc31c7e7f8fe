"""Payments and refunds (negative amounts) against an order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Order, Payment, PaymentMethod
from . import audit, clock, invoices

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
) -> Payment:
    method = PaymentMethod(method)
    if method == PaymentMethod.STORE_CREDIT:
        raise PaymentError("Store credit is used from the invoice card, where it comes off the customer's credit.")
    if amount_minor == 0:
        raise PaymentError("Enter an amount.")
    if amount_minor < 0 and not note.strip():
        raise PaymentError("Give a reason for the refund.")
    payment = Payment(
        order_id=order.id,
        amount_minor=amount_minor,
        method=method.value,
        reference=reference.strip(),
        note=note.strip(),
        received_at=received_at or clock.now(),
        staff_user_id=actor.id if actor.kind == "staff" else None,
    )
    session.add(payment)
    session.flush()
    invoices.allocate_new_payment(session, payment)  # counts towards the order's issued invoice, if any
    audit.record(session, actor, "payment.recorded", order_id=order.id, amount_minor=amount_minor, method=method.value)
    return payment


def paid_total(session: Session, order_id: int) -> int:
    return session.exec(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(Payment.order_id == order_id)
    ).one()
