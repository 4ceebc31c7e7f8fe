"""An account statement for a date range: opening balance, the invoices issued and the payments counted
against them in date order with a running balance, closing balance. Integer money throughout.

What counts: issued (not void) invoices on their issue date (+ total), and each payment's allocation to
such an invoice on its `applied_at` day (− amount; a refund's allocation is negative, so it adds back).
Days are the shop's calendar days. With no range end the closing balance is the account balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Invoice, InvoicePayment, InvoiceStatus, Order, Payment
from ..models.invoice import invoice_number_text
from . import invoices
from .payments import method_label

MAX_DAYS = 366 * 5 + 1
ISSUED = InvoiceStatus.ISSUED.value


class StatementError(ValueError):
    """A message safe to show on the form."""


@dataclass(frozen=True)
class StatementLine:
    day: date
    details: str
    charge_minor: int  # an invoice's total (0 on payment lines)
    payment_minor: int  # money counted against an invoice (negative for a refund; 0 on invoice lines)
    balance_minor: int  # the running balance after this line
    invoice_number: str = ""


@dataclass(frozen=True)
class Statement:
    customer_id: int
    start: date
    end: date
    opening_minor: int
    lines: tuple[StatementLine, ...]
    charges_minor: int
    payments_minor: int
    closing_minor: int


def _balance_before(session: Session, customer_id: int, day: date) -> int:
    """What the account owed when `day` began."""
    charged = session.exec(
        select(func.coalesce(func.sum(Invoice.total_minor), 0))
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == ISSUED)
        .where(Invoice.issue_date < day)
    ).one()
    paid = session.exec(
        select(func.coalesce(func.sum(InvoicePayment.amount_minor), 0))
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == ISSUED)
        .where(InvoicePayment.applied_at < invoices.day_start_utc(session, day))
    ).one()
    return charged - paid


def check_range(start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None:
        raise StatementError("Choose the first and the last day of the statement.")
    if end < start:
        raise StatementError("The last day comes before the first.")
    if (end - start).days > MAX_DAYS:
        raise StatementError("A statement covers at most five years.")
    return start, end


def statement(session: Session, customer_id: int, start: date | None, end: date | None) -> Statement:
    start, end = check_range(start, end)
    opening = _balance_before(session, customer_id, start)
    entries: list[tuple[tuple, StatementLine]] = []
    issued = session.exec(
        select(Invoice, Order.reference)
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == ISSUED)
        .where(Invoice.issue_date >= start)
        .where(Invoice.issue_date <= end)
    ).all()
    for invoice, reference in issued:
        details = f"Invoice {invoice.number_text} (order {reference})"
        line = StatementLine(invoice.issue_date, details, invoice.total_minor, 0, 0, invoice.number_text)
        entries.append(((invoice.issue_date, 0, invoice.issued_at, invoice.id), line))
    allocations = session.exec(
        select(InvoicePayment, Invoice.number, Payment.method, Payment.amount_minor)
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .join(Payment, Payment.id == InvoicePayment.payment_id)
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == ISSUED)
        .where(InvoicePayment.applied_at >= invoices.day_start_utc(session, start))
        .where(InvoicePayment.applied_at < invoices.day_start_utc(session, end + timedelta(days=1)))
    ).all()
    for allocation, number, method, payment_amount in allocations:
        day = invoices.local_date(session, allocation.applied_at)
        number_text = invoice_number_text(number)
        what = "Refund" if payment_amount < 0 else "Payment"
        details = f"{what} ({method_label(method).lower()}) for {number_text}"
        line = StatementLine(day, details, 0, allocation.amount_minor, 0, number_text)
        entries.append(((day, 1, allocation.applied_at, allocation.id), line))
    entries.sort(key=lambda item: item[0])
    running, lines = opening, []
    for _, line in entries:
        running += line.charge_minor - line.payment_minor
        lines.append(
            StatementLine(line.day, line.details, line.charge_minor, line.payment_minor, running, line.invoice_number)
        )
    charges = sum(line.charge_minor for line in lines)
    paid = sum(line.payment_minor for line in lines)
    return Statement(customer_id, start, end, opening, tuple(lines), charges, paid, opening + charges - paid)
