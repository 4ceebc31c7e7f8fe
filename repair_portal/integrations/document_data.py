"""The frozen plain-data types a printed document is built from: the PDF code reads only these
(services.documents fills them from the database), so integrations never import a service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .pdf_cache import PRINTED_DAY


@dataclass(frozen=True)
class ShopInfo:
    name: str
    currency: str
    tax_label: str
    tax_rate: str
    accent_color: str
    terms_text: str
    timezone: str


@dataclass(frozen=True)
class LocationInfo:
    name: str
    address: str
    phone: str
    email: str
    hours: tuple[tuple[str, str], ...]  # ("Mon–Wed", "09:00–17:30"), consecutive equal days merged


@dataclass(frozen=True)
class OrderInfo:
    reference: str
    booked_in_at: str
    promised_at: str
    problem: str
    intake_condition: str
    accessories: str = ""
    checked_at_intake: str = ""  # "Powers on: yes · Screen cracked: no"


@dataclass(frozen=True)
class CustomerInfo:
    full_name: str
    last_name: str
    phone: str
    email: str
    company: str


@dataclass(frozen=True)
class DeviceInfo:
    label: str
    serial: str
    kind: str


@dataclass(frozen=True)
class QuoteLineInfo:
    description: str
    quantity: int
    unit_price: str
    line_total: str
    optional: bool
    decision: str | None
    counted: bool  # False for an optional line the customer declined


@dataclass(frozen=True)
class QuoteInfo:
    version: int
    status: str
    tax_label: str
    tax_rate: str
    lines: tuple[QuoteLineInfo, ...]
    subtotal: str
    tax: str
    total: str
    total_minor: int
    valid_until: str
    sent_at: str
    decided_at: str
    decided_by_name: str
    notes: str


@dataclass(frozen=True)
class PaymentInfo:
    received_at: str
    method: str
    reference: str
    note: str
    amount: str
    amount_minor: int


@dataclass(frozen=True)
class SignatureInfo:
    purpose: str
    purpose_label: str
    signer_name: str
    signed_at: datetime  # UTC
    signed_at_utc: str  # ISO 8601 with Z
    signed_at_local: str
    ip: str
    user_agent: str
    auth_method: str
    document_kind: str
    document_version: str
    document_sha256: str
    consent_text_version: str
    record_hash: str
    image_png: bytes
    quote: QuoteInfo | None  # the quote version that was signed, if any
    channel: str = ""  # how the signer was identified ("In person at the counter")
    text: str = ""  # the words signed
    method: str = ""  # "Drawn on screen" / "Typed name"
    id: int = 0


@dataclass(frozen=True)
class OrderDocument:
    shop: ShopInfo
    location: LocationInfo
    order: OrderInfo
    customer: CustomerInfo
    device: DeviceInfo | None
    tracking_url: str | None  # the customer's portal (ticket QR)
    staff_url: str  # the order's staff page (device label QR: staff scan the device in the queue)
    quote: QuoteInfo | None  # latest non-draft quote, what the customer was shown
    billed_quote: QuoteInfo | None  # latest approved quote, else the sent one: what the invoice charges
    payments: tuple[PaymentInfo, ...]
    paid: str
    balance: str
    balance_minor: int
    signatures: tuple[SignatureInfo, ...]
    generated_at: str = field(metadata=PRINTED_DAY)  # a cached copy is reused through its day
