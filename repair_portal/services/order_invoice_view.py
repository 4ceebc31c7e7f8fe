"""The staff order page's Invoice card: the order's live invoice (draft or issued) with its lines, the
earlier (void) ones, and what the customer's store credit could pay."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ..models import Order, ShopSettings
from . import invoices, store_credit
from .invoice_views import InvoiceRow, row_of
from .money import format_money, format_rate


@dataclass(frozen=True)
class LineRow:
    id: int
    description: str
    quantity: int
    unit_price: str
    amount: str
    from_quote: bool


@dataclass(frozen=True)
class OrderInvoices:
    live: InvoiceRow | None = None
    lines: list[LineRow] = field(default_factory=list)
    subtotal: str = ""
    tax: str = ""
    tax_label: str = ""
    earlier: list[InvoiceRow] = field(default_factory=list)
    has_approved_quote: bool = False
    credit: str = ""
    credit_minor: int = 0


def order_invoices(session: Session, order_id: int) -> OrderInvoices:
    order = session.get(Order, order_id)
    if order is None:
        return OrderInvoices()
    today = invoices.shop_today(session)
    reference = order.reference
    rows = invoices.invoices_of_order(session, order_id)
    live = next((i for i in rows if i.status != invoices.VOID), None)
    credit = store_credit.balance(session, order.customer_id)
    common = {
        "earlier": [row_of(i, reference, 0, today) for i in rows if i is not live],
        "has_approved_quote": invoices.approved_quote(session, order_id) is not None,
        "credit": format_money(credit, ShopSettings.current(session).currency),
        "credit_minor": credit,
    }
    if live is None:
        return OrderInvoices(**common)
    cur = live.currency
    return OrderInvoices(
        live=row_of(live, reference, invoices.paid_on(session, live.id), today),
        lines=[
            LineRow(
                line.id,
                line.description,
                line.quantity,
                format_money(line.unit_price_minor, cur),
                format_money(line.quantity * line.unit_price_minor, cur),
                line.from_quote,
            )
            for line in invoices.lines_of(session, live.id)
        ],
        subtotal=format_money(live.subtotal_minor, cur),
        tax=format_money(live.tax_minor, cur),
        tax_label=f"{live.tax_label} ({format_rate(live.tax_rate_bp)})",
        **common,
    )
