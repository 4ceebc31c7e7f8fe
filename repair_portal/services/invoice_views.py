"""What staff and the account portal read about invoices, payments and balances: small frozen rows with
money and dates already formatted. Every function takes the customer id first and filters by it; the
portal never sees drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..models import Invoice, InvoicePayment, InvoiceStatus, Order, Payment, ShopSettings
from ..models.invoice import invoice_number_text
from . import invoices, store_credit
from .money import format_money, input_text
from .payments import method_label
from .text_input import clean_text, text_problem

SHOW_CHOICES = ("all", "unpaid", "paid")
MAX_SEARCH = 40
_NUMBER = re.compile(r"^(?:inv[-\s]?)?0*(\d{1,9})$", re.IGNORECASE)


def day_text(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def search_problem(text: str) -> str | None:
    """What is wrong with a typed search (None: it can run). Longer than MAX_SEARCH is refused with a message,
    never cut to what fits: the page says so and keeps what was typed."""
    return text_problem(text, "The search", MAX_SEARCH, one_line=True)


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    order_id: int
    order_reference: str
    status: str
    status_label: str
    status_colour: str
    issue_date: str
    due_date: str
    total: str
    paid: str
    due: str
    total_minor: int
    paid_minor: int
    due_minor: int
    void_reason: str = ""
    due_input: str = ""  # what is due as a money field starts with ("149.50"; "" when nothing is due)


@dataclass(frozen=True)
class PaymentRow:
    id: int
    date: str
    method: str
    amount: str
    amount_minor: int
    invoices: str  # "INV-00042" (or several, or "" when not counted towards an invoice)
    order_reference: str
    refund: bool


@dataclass(frozen=True)
class AccountSummary:
    invoice_balance_minor: int
    invoice_balance: str
    credit_balance_minor: int
    credit_balance: str
    invoices_due: list[InvoiceRow] = field(default_factory=list)
    recent_payments: list[PaymentRow] = field(default_factory=list)


def _paid_column():
    return (
        select(func.coalesce(func.sum(InvoicePayment.amount_minor), 0))
        .where(InvoicePayment.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )


def row_of(invoice: Invoice, reference: str, paid: int, today: date) -> InvoiceRow:
    status = invoices.status_of(invoice, paid, today)
    counts = invoice.status == InvoiceStatus.ISSUED.value
    due = invoice.total_minor - paid if counts else 0
    cur = invoice.currency
    return InvoiceRow(
        id=invoice.id,
        number=invoice.number_text or "Draft",
        order_id=invoice.order_id,
        order_reference=reference,
        status=status,
        status_label=invoices.STATUS_LABELS[status],
        status_colour=invoices.STATUS_COLOURS[status],
        issue_date=day_text(invoice.issue_date),
        due_date=day_text(invoice.due_date),
        total=format_money(invoice.total_minor, cur),
        paid=format_money(paid, cur),
        due=format_money(due, cur),
        total_minor=invoice.total_minor,
        paid_minor=paid,
        due_minor=due,
        void_reason=invoice.void_reason,
        due_input=input_text(due) if due > 0 else "",
    )


def _search_filter(text: str):
    text = clean_text(text, "The search", MAX_SEARCH, one_line=True)  # TextInputError when too long: never cut
    if not text:
        return None
    found = _NUMBER.match(text)
    by_reference = func.upper(Order.reference).contains(text.upper(), autoescape=True)
    return or_(Invoice.number == int(found.group(1)), by_reference) if found else by_reference


def list_invoices(
    session: Session,
    customer_id: int,
    *,
    search: str = "",
    show: str = "all",
    include_drafts: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[InvoiceRow], int]:
    """A page of the account's invoices, newest first, and how many match. `show`: all, unpaid, paid
    (void invoices only under "all")."""
    paid = _paid_column()
    query = (
        select(Invoice, Order.reference, paid)
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer_id)
    )
    if not include_drafts:
        query = query.where(Invoice.status != InvoiceStatus.DRAFT.value)
    if show in ("unpaid", "paid"):
        query = query.where(Invoice.status == InvoiceStatus.ISSUED.value)
        query = query.where(Invoice.total_minor - paid > 0 if show == "unpaid" else Invoice.total_minor - paid <= 0)
    condition = _search_filter(search)
    if condition is not None:
        query = query.where(condition)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Invoice.issue_date.desc().nulls_first(), Invoice.id.desc())
        .limit(max(1, min(limit, 100)))
        .offset(max(0, offset))
    ).all()
    today = invoices.shop_today(session)
    return [row_of(invoice, reference, paid_minor, today) for invoice, reference, paid_minor in rows], total


def customer_invoice(session: Session, customer_id: int, invoice_id: int | None) -> Invoice | None:
    """The account's invoice with this id, never a draft: None for another account's id or a forged one."""
    if not invoice_id:
        return None
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.customer_id != customer_id or invoice.status == InvoiceStatus.DRAFT.value:
        return None
    return invoice


def invoice_balance(session: Session, customer_id: int) -> int:
    """What the account owes: the unpaid total of its issued (not void) invoices."""
    charged = session.exec(
        select(func.coalesce(func.sum(Invoice.total_minor), 0))
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == InvoiceStatus.ISSUED.value)
    ).one()
    paid = session.exec(
        select(func.coalesce(func.sum(InvoicePayment.amount_minor), 0))
        .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == InvoiceStatus.ISSUED.value)
    ).one()
    return charged - paid


def account_payments(
    session: Session, customer_id: int, *, limit: int = 20, offset: int = 0
) -> tuple[list[PaymentRow], int]:
    """The payments and refunds on the account's orders, newest first, with the invoices they count towards."""
    query = select(Payment, Order.reference).join(Order, Order.id == Payment.order_id)
    query = query.where(Order.customer_id == customer_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Payment.received_at.desc(), Payment.id.desc()).limit(max(1, min(limit, 100))).offset(offset)
    ).all()
    numbers: dict[int, list[str]] = {}
    if rows:
        for payment_id, number in session.exec(
            select(InvoicePayment.payment_id, Invoice.number)
            .join(Invoice, Invoice.id == InvoicePayment.invoice_id)
            .where(InvoicePayment.payment_id.in_([p.id for p, _ in rows]))
            .where(Invoice.status == InvoiceStatus.ISSUED.value)
            .order_by(Invoice.number)
        ).all():
            numbers.setdefault(payment_id, []).append(invoice_number_text(number))
    currency = ShopSettings.current(session).currency
    return [
        PaymentRow(
            id=p.id,
            date=day_text(invoices.local_date(session, p.received_at)),
            method=method_label(p.method),
            amount=format_money(p.amount_minor, currency),
            amount_minor=p.amount_minor,
            invoices=", ".join(numbers.get(p.id, [])),
            order_reference=reference,
            refund=p.amount_minor < 0,
        )
        for p, reference in rows
    ], total


def invoices_due(session: Session, customer_id: int, *, limit: int = 5) -> list[InvoiceRow]:
    """Issued invoices with money still due, the earliest due date first."""
    paid = _paid_column()
    rows = session.exec(
        select(Invoice, Order.reference, paid)
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer_id)
        .where(Invoice.status == InvoiceStatus.ISSUED.value)
        .where(Invoice.total_minor - paid > 0)
        .order_by(Invoice.due_date, Invoice.id)
        .limit(limit)
    ).all()
    today = invoices.shop_today(session)
    return [row_of(invoice, reference, paid_minor, today) for invoice, reference, paid_minor in rows]


def account_summary(session: Session, customer_id: int) -> AccountSummary:
    """The portal overview's money: what is owed, the store credit, invoices due and recent payments."""
    currency = ShopSettings.current(session).currency
    owed = invoice_balance(session, customer_id)
    credit = store_credit.balance(session, customer_id)
    recent, _ = account_payments(session, customer_id, limit=5)
    return AccountSummary(
        invoice_balance_minor=owed,
        invoice_balance=format_money(owed, currency),
        credit_balance_minor=credit,
        credit_balance=format_money(credit, currency),
        invoices_due=invoices_due(session, customer_id),
        recent_payments=recent,
    )
