"""The frozen plain data an invoice or an account statement PDF is built from (services/invoice_documents.py
fills it). `shop`, `location`, `customer`, `order` and `device` are what the shared letterhead and footer
(pdf_common.DocumentPDF) read; `order.reference` carries the document's own number for the footer."""

from __future__ import annotations

from dataclasses import dataclass, field

from .document_data import CustomerInfo, DeviceInfo, LocationInfo, OrderInfo, ShopInfo
from .pdf_cache import PRINTED_DAY


@dataclass(frozen=True)
class InvoiceLineInfo:
    description: str
    quantity: int
    unit_price: str
    amount: str


@dataclass(frozen=True)
class InvoicePaymentInfo:
    date: str
    method: str
    reference: str
    amount: str


@dataclass(frozen=True)
class InvoiceDocument:
    shop: ShopInfo
    location: LocationInfo
    customer: CustomerInfo
    order: OrderInfo
    device: DeviceInfo | None
    number: str
    status: str  # awaiting_payment, part_paid, paid, overdue, void
    status_label: str
    order_reference: str
    po_number: str
    issue_date: str
    due_date: str
    lines: tuple[InvoiceLineInfo, ...]
    subtotal: str
    tax_label: str
    tax_rate: str
    tax: str
    total: str
    payments: tuple[InvoicePaymentInfo, ...]
    paid: str
    due: str
    due_minor: int
    void_reason: str
    voided_on: str
    generated_at: str = field(metadata=PRINTED_DAY)  # a cached copy is reused through its day


@dataclass(frozen=True)
class StatementLineInfo:
    date: str
    details: str
    charge: str
    payment: str
    balance: str


@dataclass(frozen=True)
class StatementDocument:
    shop: ShopInfo
    location: LocationInfo
    customer: CustomerInfo
    order: OrderInfo
    device: DeviceInfo | None
    period: str
    start: str
    end: str
    opening: str
    lines: tuple[StatementLineInfo, ...]
    charges: str
    payments: str
    closing: str
    closing_minor: int
    credit_balance: str
    generated_at: str = field(metadata=PRINTED_DAY)  # a cached copy is reused through its day
