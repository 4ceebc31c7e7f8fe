"""What staff do with invoices (on the order page) and store credit (on the customer page). Each action is
one transaction; the services re-check that the invoice belongs to the order in the page's URL."""

from __future__ import annotations

from ..db import write_session
from ..models import Order
from ..services import audit, invoices, store_credit
from ..services.ids import is_digits, parse_id
from ..services.money import AmountError, format_money, parse_amount
from ..services.text_input import TextInputError, clean_text
from . import GONE, Outcome, done, refused

CHANGED = "invoice"


def _form_refusal(message: str) -> Outcome:
    return refused(message, level="form")


def create_draft(order_id: int, actor: audit.Actor) -> Outcome:
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        try:
            invoices.create_draft(session, order, actor)
        except invoices.InvoiceError as exc:
            return refused(str(exc))
    return done("Draft invoice started. Add any extra lines, then issue it.", changed=CHANGED, order_id=order_id)


def add_line(order_id: int, invoice_id: int, form: dict, actor: audit.Actor) -> Outcome:
    try:
        quantity_text = clean_text(form.get("quantity", "1") or "1", "The quantity", 6)
    except TextInputError as exc:
        return _form_refusal(str(exc))
    if not is_digits(quantity_text):
        return _form_refusal("Quantities are whole numbers, like 1 or 2.")
    try:
        price = parse_amount(clean_text(form.get("price", ""), "The price", 32))
        with write_session() as session:
            invoices.add_line(
                session,
                invoice_id,
                str(form.get("description", "")),  # the service refuses an over-long one
                int(quantity_text),
                price,
                actor,
                order_id=order_id,
            )
    except (AmountError, invoices.InvoiceError, TextInputError) as exc:
        return _form_refusal(str(exc))
    return done("Line added.", changed=CHANGED, order_id=order_id)


def remove_line(order_id: int, invoice_id: int, line_id: int | None, actor: audit.Actor) -> Outcome:
    if line_id is None:
        return refused("That line is no longer on the invoice.")
    try:
        with write_session() as session:
            invoices.remove_line(session, invoice_id, line_id, actor, order_id=order_id)
    except invoices.InvoiceError as exc:
        return refused(str(exc))
    return done("Line removed.", changed=CHANGED, order_id=order_id)


def issue(order_id: int, invoice_id: int, due_days: str, actor: audit.Actor) -> Outcome:
    days = parse_id(due_days) if str(due_days).strip() != "0" else 0
    if days not in invoices.DUE_DAY_CHOICES:
        return _form_refusal("Choose when the invoice is due.")
    try:
        with write_session() as session:
            invoice = invoices.issue(session, invoice_id, actor, due_days=days, order_id=order_id)
            number = invoice.number_text
    except invoices.InvoiceError as exc:
        return refused(str(exc))
    return done(f"Invoice {number} issued.", changed=CHANGED, order_id=order_id)


def void(order_id: int, invoice_id: int, reason: str, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            released = invoices.void(session, invoice_id, str(reason), actor, order_id=order_id)
            currency = session.get(invoices.Invoice, invoice_id).currency
    except invoices.InvoiceError as exc:
        return _form_refusal(str(exc))
    tail = (
        f" {format_money(released, currency)} of payments stay on the order and count towards its next invoice."
        if released
        else ""
    )
    return done(f"Invoice voided.{tail}", changed=CHANGED, order_id=order_id)


def pay_with_credit(order_id: int, invoice_id: int, amount_text: str, actor: audit.Actor) -> Outcome:
    """Use the customer's store credit on the invoice: all that is due (or all the credit) when empty."""
    try:
        amount = parse_amount(amount_text) if str(amount_text or "").strip() else None
        with write_session() as session:
            payment = store_credit.apply_to_invoice(session, invoice_id, amount, actor, order_id=order_id)
            paid = format_money(payment.amount_minor, session.get(invoices.Invoice, invoice_id).currency)
    except (AmountError, store_credit.CreditError) as exc:
        return _form_refusal(str(exc))
    return done(f"{paid} paid from store credit.", changed="payments", order_id=order_id)


def change_credit(customer_id: int, form: dict, actor: audit.Actor) -> Outcome:
    """Add credit, or take it off ("use"), with a reason."""
    use = str(form.get("direction", "add")) == "use"
    try:
        amount = parse_amount(str(form.get("amount", "")))
        with write_session() as session:
            change = store_credit.use_credit if use else store_credit.add_credit
            change(session, customer_id, amount, str(form.get("reason", "")), actor)
    except (AmountError, store_credit.CreditError) as exc:
        return _form_refusal(str(exc))
    return done("Store credit used." if use else "Store credit added.")
