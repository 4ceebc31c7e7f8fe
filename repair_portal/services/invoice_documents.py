"""What an invoice PDF and an account statement PDF show, as frozen plain data (money formatted, dates in
the shop's calendar), so the PDF code never touches the database."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..integrations.document_data import CustomerInfo, DeviceInfo, LocationInfo, OrderInfo, ShopInfo
from ..integrations.invoice_data import (
    InvoiceDocument,
    InvoiceLineInfo,
    InvoicePaymentInfo,
    StatementDocument,
    StatementLineInfo,
)
from ..models import Customer, Device, Invoice, InvoicePayment, Location, Order, Payment, ShopSettings
from . import clock, hours, invoices, phones, statements, store_credit, timefmt
from .branding import accent_for
from .invoice_views import day_text
from .money import format_money, format_rate
from .payments import method_label


def _shop_info(shop: ShopSettings, location: Location | None, tz: str) -> ShopInfo:
    return ShopInfo(
        name=shop.name,
        currency=shop.currency,
        tax_label=shop.tax_label,
        tax_rate=format_rate(shop.tax_rate_bp),
        accent_color=accent_for(shop, location) or "#2563eb",
        terms_text=shop.terms_text,
        timezone=tz,
    )


def _location_info(location: Location | None, shop: ShopSettings) -> LocationInfo:
    return LocationInfo(
        name=location.name if location else "",
        address=location.address if location else "",
        phone=phones.display(location.phone, shop.country) if location else "",
        email=location.email if location else "",
        hours=hours.merged(location.opening_hours_json if location else None),
    )


def _customer_info(customer: Customer | None, shop: ShopSettings) -> CustomerInfo:
    return CustomerInfo(
        full_name=customer.full_name if customer else "",
        last_name=customer.last_name if customer else "",
        phone=phones.display(customer.phone, shop.country) if customer and customer.phone else "",
        email=customer.email if customer else "",
        company=customer.company if customer else "",
    )


def _header(reference: str) -> OrderInfo:
    """The footer's document number (the shared DocumentPDF reads it from `order.reference`)."""
    return OrderInfo(reference=reference, booked_in_at="", promised_at="", problem="", intake_condition="")


def invoice_document(session: Session, invoice_id: int) -> InvoiceDocument | None:
    """An issued or void invoice as printed (None for a draft: it has no number and is never sent)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.status == invoices.DRAFT:
        return None
    order = session.get(Order, invoice.order_id)
    shop = ShopSettings.current(session)
    location = session.get(Location, order.location_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    tz = timefmt.shop_timezone(session)
    cur = invoice.currency
    paid = invoices.paid_on(session, invoice.id)
    status = invoices.status_of(invoice, paid, invoices.shop_today(session))
    allocations = session.exec(
        select(InvoicePayment, Payment)
        .join(Payment, Payment.id == InvoicePayment.payment_id)
        .where(InvoicePayment.invoice_id == invoice.id)
        .order_by(InvoicePayment.applied_at, InvoicePayment.id)
    ).all()
    due = invoice.total_minor - paid if invoice.status == invoices.InvoiceStatus.ISSUED.value else 0
    return InvoiceDocument(
        shop=_shop_info(shop, location, tz),
        location=_location_info(location, shop),
        customer=_customer_info(session.get(Customer, invoice.customer_id), shop),
        order=_header(invoice.number_text),
        device=DeviceInfo(label=device.label, serial=device.serial, kind=device.kind) if device else None,
        number=invoice.number_text,
        status=status,
        status_label=invoices.STATUS_LABELS[status],
        order_reference=order.reference,
        po_number=order.po_number,
        issue_date=day_text(invoice.issue_date),
        due_date=day_text(invoice.due_date),
        lines=tuple(
            InvoiceLineInfo(
                line.description,
                line.quantity,
                format_money(line.unit_price_minor, cur),
                format_money(line.quantity * line.unit_price_minor, cur),
            )
            for line in invoices.lines_of(session, invoice.id)
        ),
        subtotal=format_money(invoice.subtotal_minor, cur),
        tax_label=invoice.tax_label,
        tax_rate=format_rate(invoice.tax_rate_bp),
        tax=format_money(invoice.tax_minor, cur),
        total=format_money(invoice.total_minor, cur),
        payments=tuple(
            InvoicePaymentInfo(
                date=day_text(invoices.local_date(session, allocation.applied_at)),
                method=method_label(payment.method),
                reference=payment.reference,
                amount=format_money(allocation.amount_minor, cur),
            )
            for allocation, payment in allocations
        ),
        paid=format_money(paid, cur),
        due=format_money(due, cur),
        due_minor=due,
        void_reason=invoice.void_reason,
        voided_on=timefmt.date(invoice.voided_at, tz),
        generated_at=timefmt.short(clock.now(), tz),
    )


def statement_document(session: Session, customer_id: int, start: date | None, end: date | None):
    """The account's statement for the range (raises statements.StatementError for a bad range)."""
    result = statements.statement(session, customer_id, start, end)
    shop = ShopSettings.current(session)
    location = session.exec(select(Location).where(Location.active).order_by(Location.id)).first()
    tz = timefmt.shop_timezone(session)
    cur = shop.currency

    def amount(value: int) -> str:
        return format_money(value, cur) if value else ""

    return StatementDocument(
        shop=_shop_info(shop, location, tz),
        location=_location_info(location, shop),
        customer=_customer_info(session.get(Customer, customer_id), shop),
        order=_header("Statement"),
        device=None,
        period=f"{day_text(result.start)} – {day_text(result.end)}",
        start=day_text(result.start),
        end=day_text(result.end),
        opening=format_money(result.opening_minor, cur),
        lines=tuple(
            StatementLineInfo(
                date=day_text(line.day),
                details=line.details,
                charge=amount(line.charge_minor),
                payment=amount(line.payment_minor),
                balance=format_money(line.balance_minor, cur),
            )
            for line in result.lines
        ),
        charges=format_money(result.charges_minor, cur),
        payments=format_money(result.payments_minor, cur),
        closing=format_money(result.closing_minor, cur),
        closing_minor=result.closing_minor,
        credit_balance=format_money(store_credit.balance(session, customer_id), cur),
        generated_at=timefmt.short(clock.now(), tz),
    )
