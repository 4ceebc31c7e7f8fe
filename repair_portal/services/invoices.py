"""Invoices: a draft from an order (the approved quote's lines frozen, staff may add lines), issued with the
next shop-wide number, voided with a reason. Payments recorded on the order count towards its issued
invoice through allocations (models/invoice.py InvoicePayment). All money is integer minor units.

Status is stored as draft / issued / void; what customers read (awaiting payment, part paid, paid,
overdue, void) is computed from the allocations and the shop's local date (services/clock.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..models import (
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceStatus,
    Order,
    Payment,
    Quote,
    QuoteStatus,
    ShopSettings,
)
from . import audit, clock, locking, money, quotes, references, timefmt

INVOICE_COUNTER = "invoice_number"
FIRST_INVOICE_NUMBER = 1
DUE_DAY_CHOICES = (0, 7, 14, 30, 60)  # payment terms staff choose from at issue (0: due on receipt)
DEFAULT_DUE_DAYS = 30
MAX_REASON = 1000

AWAITING = "awaiting_payment"
PART_PAID = "part_paid"
PAID = "paid"
OVERDUE = "overdue"
DRAFT = InvoiceStatus.DRAFT.value
VOID = InvoiceStatus.VOID.value
STATUS_LABELS = {
    DRAFT: "Draft",
    AWAITING: "Awaiting payment",
    PART_PAID: "Part paid",
    PAID: "Paid",
    OVERDUE: "Overdue",
    VOID: "Void",
}
STATUS_COLOURS = {DRAFT: "gray", AWAITING: "blue", PART_PAID: "amber", PAID: "green", OVERDUE: "red", VOID: "gray"}


class InvoiceError(ValueError):
    """A message safe to show to staff."""


# --- reading ------------------------------------------------------------------------------------------


def shop_today(session: Session) -> date:
    """Today in the shop's time zone: due dates and issue dates are the shop's calendar days."""
    return clock.now().astimezone(ZoneInfo(timefmt.shop_timezone(session))).date()


def local_date(session: Session, at: datetime) -> date:
    return at.astimezone(ZoneInfo(timefmt.shop_timezone(session))).date()


def day_start_utc(session: Session, day: date) -> datetime:
    """The first moment of the shop's calendar day `day`, in UTC (statement boundaries)."""
    tz = ZoneInfo(timefmt.shop_timezone(session))
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def lines_of(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.exec(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.position)
        ).all()
    )


def paid_on(session: Session, invoice_id: int) -> int:
    return session.exec(
        select(func.coalesce(func.sum(InvoicePayment.amount_minor), 0)).where(InvoicePayment.invoice_id == invoice_id)
    ).one()


def status_of(invoice: Invoice, paid_minor: int, today: date) -> str:
    if invoice.status in (DRAFT, VOID):
        return invoice.status
    if invoice.total_minor - paid_minor <= 0:
        return PAID
    if invoice.due_date is not None and today > invoice.due_date:
        return OVERDUE
    return PART_PAID if paid_minor > 0 else AWAITING


def live_invoice(session: Session, order_id: int) -> Invoice | None:
    """The order's invoice that counts: its draft or its issued one (an order has at most one at a time)."""
    return session.exec(
        select(Invoice).where(Invoice.order_id == order_id).where(Invoice.status != VOID).order_by(Invoice.id.desc())
    ).first()


def invoices_of_order(session: Session, order_id: int) -> list[Invoice]:
    return list(session.exec(select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id.desc())).all())


def _locked(session: Session, invoice_id: int) -> Invoice | None:
    """The invoice, its row locked for this transaction (SQLite: the database write lock)."""
    locking.hold_sqlite_write_lock(session)
    return session.exec(
        select(Invoice).where(Invoice.id == invoice_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def _refresh_totals(session: Session, invoice: Invoice) -> None:
    amounts = [line.quantity * line.unit_price_minor for line in lines_of(session, invoice.id)]
    totals = money.totals(amounts, invoice.tax_rate_bp)
    invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor = totals.subtotal, totals.tax, totals.total
    session.add(invoice)


# --- drafts -------------------------------------------------------------------------------------------


def approved_quote(session: Session, order_id: int) -> Quote | None:
    return session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .where(Quote.status == QuoteStatus.APPROVED.value)
        .order_by(Quote.version.desc())
    ).first()


def create_draft(session: Session, order: Order, actor: audit.Actor) -> Invoice:
    """A draft for the order with the approved quote's counted lines and tax (none yet: the shop's tax and
    no lines, for staff to add). Refused while the order has a draft or an issued invoice."""
    locking.hold_sqlite_write_lock(session)
    session.exec(select(Order.id).where(Order.id == order.id).with_for_update()).first()  # one creator at a time
    if live_invoice(session, order.id) is not None:
        raise InvoiceError("This order already has an invoice. Void it first to start a new one.")
    quote = approved_quote(session, order.id)
    shop = ShopSettings.current(session)
    invoice = Invoice(
        customer_id=order.customer_id,
        order_id=order.id,
        quote_id=quote.id if quote else None,
        status=DRAFT,
        currency=quote.currency if quote else shop.currency,
        tax_label=quote.tax_label if quote else shop.tax_label,
        tax_rate_bp=quote.tax_rate_bp if quote else shop.tax_rate_bp,
        created_by_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
    )
    session.add(invoice)
    session.flush()
    if quote is not None:
        counted = [line for line in quotes.lines_of(session, quote.id) if quotes.line_counts(line)]
        for position, line in enumerate(counted, start=1):
            session.add(
                InvoiceLine(
                    invoice_id=invoice.id,
                    position=position,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price_minor=line.unit_price_minor,
                    from_quote=True,
                )
            )
        session.flush()
    _refresh_totals(session, invoice)
    audit.record(session, actor, "invoice.draft_created", order_id=order.id, invoice_id=invoice.id)
    return invoice


def _check_line(description: str, quantity: int, unit_price_minor: int) -> str:
    text = " ".join(str(description or "").split())
    if not text:
        raise InvoiceError("Describe the line.")
    if len(text) > quotes.MAX_DESCRIPTION:
        raise InvoiceError(f"Line descriptions can be up to {quotes.MAX_DESCRIPTION} characters.")
    for value in (quantity, unit_price_minor):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvoiceError("Quantities and prices must be whole numbers.")
    if not 1 <= quantity <= quotes.MAX_QUANTITY:
        raise InvoiceError(f"Quantities run from 1 to {quotes.MAX_QUANTITY:,}.")
    if not 0 <= unit_price_minor <= quotes.MAX_UNIT_PRICE_MINOR:
        raise InvoiceError("Enter a price of zero or more (and check very large ones).")
    return text


def _draft(session: Session, invoice_id: int, order_id: int | None) -> Invoice:
    invoice = _locked(session, invoice_id)
    if invoice is None or (order_id is not None and invoice.order_id != order_id):
        raise InvoiceError("That invoice no longer exists.")
    if invoice.status != DRAFT:
        raise InvoiceError("Only a draft invoice can be changed; this one has been issued or voided.")
    return invoice


def add_line(
    session: Session,
    invoice_id: int,
    description: str,
    quantity: int,
    unit_price_minor: int,
    actor: audit.Actor,
    *,
    order_id: int | None = None,
) -> InvoiceLine:
    """An extra line on a draft (a part fitted on the day, a call-out charge)."""
    text = _check_line(description, quantity, unit_price_minor)
    invoice = _draft(session, invoice_id, order_id)
    last = session.exec(select(func.max(InvoiceLine.position)).where(InvoiceLine.invoice_id == invoice.id)).one()
    line = InvoiceLine(
        invoice_id=invoice.id,
        position=(last or 0) + 1,
        description=text,
        quantity=quantity,
        unit_price_minor=unit_price_minor,
    )
    session.add(line)
    session.flush()
    _refresh_totals(session, invoice)
    audit.record(session, actor, "invoice.line_added", order_id=invoice.order_id, invoice_id=invoice.id, line=text)
    return line


def remove_line(
    session: Session, invoice_id: int, line_id: int, actor: audit.Actor, *, order_id: int | None = None
) -> None:
    """Take an extra line off a draft again (the approved quote's lines stay: they are what was agreed)."""
    invoice = _draft(session, invoice_id, order_id)
    line = session.get(InvoiceLine, line_id)
    if line is None or line.invoice_id != invoice.id:
        raise InvoiceError("That line is no longer on the invoice.")
    if line.from_quote:
        raise InvoiceError("Lines from the approved quote stay on the invoice.")
    session.delete(line)
    session.flush()
    _refresh_totals(session, invoice)
    audit.record(session, actor, "invoice.line_removed", order_id=invoice.order_id, invoice_id=invoice.id)


# --- issue, void, allocations -------------------------------------------------------------------------


def issue(
    session: Session,
    invoice_id: int,
    actor: audit.Actor,
    *,
    due_days: int = DEFAULT_DUE_DAYS,
    at: datetime | None = None,
    order_id: int | None = None,
) -> Invoice:
    """Draft → issued: the next number (gap-free: taken in this transaction, given back by a rollback),
    today's date, the due date, and the order's payments so far allocated to it."""
    if isinstance(due_days, bool) or not isinstance(due_days, int) or not 0 <= due_days <= 365:
        raise InvoiceError("Choose when the invoice is due.")
    invoice = _draft(session, invoice_id, order_id)
    _refresh_totals(session, invoice)
    if not lines_of(session, invoice.id):
        raise InvoiceError("Add at least one line before issuing the invoice.")
    if invoice.total_minor <= 0:
        raise InvoiceError("The invoice total is zero: there is nothing to invoice.")
    at = at or clock.now()
    invoice.number = references.next_counter_value(session, INVOICE_COUNTER, FIRST_INVOICE_NUMBER)
    invoice.status = InvoiceStatus.ISSUED.value
    invoice.issued_at = at
    invoice.issue_date = local_date(session, at)
    invoice.due_date = invoice.issue_date + timedelta(days=due_days)
    invoice.issued_by_id = actor.id if actor.kind == "staff" else None
    session.add(invoice)
    session.flush()
    allocate_order_payments(session, invoice)
    audit.record(
        session,
        actor,
        "invoice.issued",
        order_id=invoice.order_id,
        invoice=invoice.number_text,
        total_minor=invoice.total_minor,
    )
    return invoice


def void(session: Session, invoice_id: int, reason: str, actor: audit.Actor, *, order_id: int | None = None) -> int:
    """Void a draft or an issued invoice, with a reason. Its number stays used (and shown as void). Payments
    allocated to it stay on the order and count towards the next invoice issued for the order. Returns the
    amount released."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvoiceError("Give a reason for voiding the invoice.")
    if len(reason) > MAX_REASON:
        raise InvoiceError(f"Keep the reason under {MAX_REASON} characters.")
    invoice = _locked(session, invoice_id)
    if invoice is None or (order_id is not None and invoice.order_id != order_id):
        raise InvoiceError("That invoice no longer exists.")
    if invoice.status == VOID:
        raise InvoiceError("This invoice is already void.")
    released = paid_on(session, invoice.id)
    session.execute(delete(InvoicePayment).where(InvoicePayment.invoice_id == invoice.id))
    invoice.status = VOID
    invoice.void_reason = reason
    invoice.voided_at = clock.now()
    invoice.voided_by_id = actor.id if actor.kind == "staff" else None
    session.add(invoice)
    session.flush()
    audit.record(
        session,
        actor,
        "invoice.voided",
        order_id=invoice.order_id,
        invoice=invoice.number_text or f"draft {invoice.id}",
        reason=reason,
        released_minor=released,
    )
    return released


def _allocate(session: Session, invoice: Invoice, payment: Payment, amount: int) -> None:
    applied = max(payment.received_at, invoice.issued_at or payment.received_at)
    row = session.exec(
        select(InvoicePayment)
        .where(InvoicePayment.invoice_id == invoice.id)
        .where(InvoicePayment.payment_id == payment.id)
    ).first()
    if row is None:
        row = InvoicePayment(invoice_id=invoice.id, payment_id=payment.id, amount_minor=0, applied_at=applied)
    row.amount_minor += amount
    session.add(row)
    session.flush()


def allocate_order_payments(session: Session, invoice: Invoice) -> None:
    """Set the order's unallocated money against its issued invoice: payments up to the amount due, and
    refunds (once they exceed what is unallocated) back off what was paid."""
    if invoice.status != InvoiceStatus.ISSUED.value:
        return
    rows = list(
        session.exec(
            select(Payment).where(Payment.order_id == invoice.order_id).order_by(Payment.received_at, Payment.id)
        ).all()
    )
    if not rows:
        return
    allocated = dict(
        session.exec(
            select(InvoicePayment.payment_id, func.sum(InvoicePayment.amount_minor))
            .where(InvoicePayment.payment_id.in_([p.id for p in rows]))
            .group_by(InvoicePayment.payment_id)
        ).all()
    )
    free = [(p, p.amount_minor - (allocated.get(p.id) or 0)) for p in rows]
    net = sum(amount for _, amount in free)
    paid = paid_on(session, invoice.id)
    if net > 0:
        want = min(net, invoice.total_minor - paid)
        for payment, amount in free:
            if want <= 0:
                break
            if amount > 0:
                take = min(amount, want)
                _allocate(session, invoice, payment, take)
                want -= take
    elif net < 0:
        want = max(net, -paid)  # negative: what to take back
        for payment, amount in free:
            if want >= 0:
                break
            if amount < 0:
                take = max(amount, want)
                _allocate(session, invoice, payment, take)
                want -= take


def allocate_new_payment(session: Session, payment: Payment) -> None:
    """After a payment or refund is recorded on an order: count it towards the order's issued invoice."""
    invoice = live_invoice(session, payment.order_id)
    if invoice is not None and invoice.status == InvoiceStatus.ISSUED.value:
        invoice = _locked(session, invoice.id)  # two payments at once must not both fill the same amount due
        allocate_order_payments(session, invoice)
