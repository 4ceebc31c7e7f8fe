"""A customer's store credit: a ledger of additions and uses with a running balance that is never negative.

Every change takes the customer's lock first (PostgreSQL: the customer row; SQLite: the database write
lock), reads the balance, and writes the entry with the new balance: two staff using the same credit at
once get one success and one "not enough credit". A CHECK constraint on the table backs this up.
Using credit on an invoice is a payment of method "store credit" on the invoice's order, allocated to the
invoice, in the same transaction as the ledger entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from ..models import Customer, Invoice, InvoiceStatus, Order, Payment, PaymentMethod, ShopSettings, StoreCreditEntry
from ..models.invoice import invoice_number_text
from . import audit, clock, invoices, locking, money, timefmt

MAX_REASON = 500
MAX_AMOUNT_MINOR = 100_000_000


class CreditError(ValueError):
    """A message safe to show to staff."""


@dataclass(frozen=True)
class CreditRow:
    id: int
    at: str
    amount: str
    amount_minor: int
    balance: str
    reason: str
    invoice: str


def balance(session: Session, customer_id: int) -> int:
    last = session.exec(
        select(StoreCreditEntry.balance_after_minor)
        .where(StoreCreditEntry.customer_id == customer_id)
        .order_by(StoreCreditEntry.id.desc())
        .limit(1)
    ).first()
    return last or 0


def _lock_customer(session: Session, customer_id: int) -> Customer:
    locking.hold_sqlite_write_lock(session)
    customer = session.exec(
        select(Customer).where(Customer.id == customer_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if customer is None:
        raise CreditError("That customer no longer exists.")
    return customer


def _check(amount_minor: int, reason: str) -> str:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise CreditError("Enter an amount above zero.")
    if amount_minor > MAX_AMOUNT_MINOR:
        raise CreditError("That amount looks too large; check it.")
    text = " ".join(str(reason or "").split())
    if not text:
        raise CreditError("Give a reason.")
    if len(text) > MAX_REASON:
        raise CreditError(f"Keep the reason under {MAX_REASON} characters.")
    return text


def _entry(session: Session, customer_id: int, amount: int, reason: str, actor: audit.Actor, **links):
    new_balance = balance(session, customer_id) + amount
    if new_balance < 0:
        raise CreditError("The customer doesn't have that much store credit.")
    entry = StoreCreditEntry(
        customer_id=customer_id,
        amount_minor=amount,
        balance_after_minor=new_balance,
        reason=reason,
        staff_user_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
        **links,
    )
    session.add(entry)
    session.flush()
    return entry


def add_credit(session: Session, customer_id: int, amount_minor: int, reason: str, actor: audit.Actor):
    """Credit the customer (goodwill, a returned part, money left over): the reason is kept with it."""
    text = _check(amount_minor, reason)
    _lock_customer(session, customer_id)
    entry = _entry(session, customer_id, amount_minor, text, actor)
    audit.record(session, actor, "store_credit.added", customer_id=customer_id, amount_minor=amount_minor, reason=text)
    return entry


def use_credit(session: Session, customer_id: int, amount_minor: int, reason: str, actor: audit.Actor):
    """Take credit off the customer's balance for something other than an invoice (paid out, a correction)."""
    text = _check(amount_minor, reason)
    _lock_customer(session, customer_id)
    entry = _entry(session, customer_id, -amount_minor, text, actor)
    audit.record(session, actor, "store_credit.used", customer_id=customer_id, amount_minor=amount_minor, reason=text)
    return entry


def apply_to_invoice(
    session: Session,
    invoice_id: int,
    amount_minor: int | None,
    actor: audit.Actor,
    *,
    order_id: int | None = None,
    at: datetime | None = None,
) -> Payment:
    """Pay (part of) an issued invoice from the customer's credit: a "store credit" payment on the invoice's
    order, allocated to the invoice, and the ledger entry, together. `None`: as much as both allow."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (order_id is not None and invoice.order_id != order_id):
        raise CreditError("That invoice no longer exists.")
    _lock_customer(session, invoice.customer_id)
    invoice = session.exec(
        select(Invoice).where(Invoice.id == invoice_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if invoice.status != InvoiceStatus.ISSUED.value:
        raise CreditError("Store credit can only pay an issued invoice.")
    if invoice.currency != ShopSettings.current(session).currency:
        raise CreditError("This invoice is in another currency than the customer's store credit.")
    due = invoice.total_minor - invoices.paid_on(session, invoice.id)
    available = balance(session, invoice.customer_id)
    if amount_minor is None:
        amount_minor = min(due, available)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise CreditError("Nothing to pay: the invoice is paid or there is no credit.")
    if amount_minor > due:
        raise CreditError(f"That is more than the invoice's {money.format_money(due, invoice.currency)} due.")
    if amount_minor > available:
        raise CreditError("The customer doesn't have that much store credit.")
    order = session.get(Order, invoice.order_id)
    payment = Payment(
        order_id=order.id,
        amount_minor=amount_minor,
        method=PaymentMethod.STORE_CREDIT.value,
        reference=invoice.number_text,
        note="Paid from store credit",
        received_at=at or clock.now(),
        staff_user_id=actor.id if actor.kind == "staff" else None,
    )
    session.add(payment)
    session.flush()
    invoices._allocate(session, invoice, payment, amount_minor)
    _entry(
        session,
        invoice.customer_id,
        -amount_minor,
        f"Paid towards {invoice.number_text}",
        actor,
        payment_id=payment.id,
        invoice_id=invoice.id,
    )
    audit.record(
        session,
        actor,
        "payment.recorded",
        order_id=order.id,
        amount_minor=amount_minor,
        method=PaymentMethod.STORE_CREDIT.value,
        invoice=invoice.number_text,
    )
    return payment


def history(session: Session, customer_id: int, *, limit: int = 50) -> list[CreditRow]:
    """The newest entries first, formatted in the shop's currency and time zone."""
    shop = ShopSettings.current(session)
    tz = timefmt.shop_timezone(session)
    rows = session.exec(
        select(StoreCreditEntry, Invoice.number)
        .join(Invoice, Invoice.id == StoreCreditEntry.invoice_id, isouter=True)
        .where(StoreCreditEntry.customer_id == customer_id)
        .order_by(StoreCreditEntry.id.desc())
        .limit(limit)
    ).all()
    return [
        CreditRow(
            id=entry.id,
            at=timefmt.short(entry.created_at, tz),
            amount=money.format_money(entry.amount_minor, shop.currency),
            amount_minor=entry.amount_minor,
            balance=money.format_money(entry.balance_after_minor, shop.currency),
            reason=entry.reason,
            invoice=invoice_number_text(number),
        )
        for entry, number in rows
    ]
