"""What the customer sees of a quote, and the fingerprint (SHA-256) of exactly that, which a signature covers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from ..models import Order, Quote, QuoteLine, QuoteStatus, ShopSettings, SignaturePurpose
from . import clock, money, quotes, signatures, timefmt

CUSTOMER_VISIBLE = (QuoteStatus.SENT.value, QuoteStatus.APPROVED.value, QuoteStatus.DECLINED.value)
DOCUMENT_FORMAT = 1


@dataclass(frozen=True)
class QuoteLineView:
    id: int
    position: int
    description: str
    quantity: int
    unit_price_minor: int
    unit_price: str
    line_total_minor: int
    line_total: str
    optional: bool
    decision: str  # "" (not chosen: counts), "accepted" or "declined"
    included: bool  # whether it counts towards the total


@dataclass(frozen=True)
class QuoteView:
    order_id: int
    quote_id: int
    version: int
    status: str
    can_decide: bool  # sent and awaiting the customer's decision
    lines: list[QuoteLineView]
    has_optional_lines: bool
    currency: str
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    subtotal: str
    tax: str
    total: str
    tax_label: str
    tax_rate: str  # e.g. "20%"
    tax_rate_bp: int
    valid_until: datetime | None
    valid_until_text: str
    expired: bool  # shown as a warning; approval is still possible
    notes: str
    terms_text: str
    consent_version: str
    consent_text: str
    sent_at_text: str
    decided_at: datetime | None
    decided_at_text: str
    decision_channel: str
    decided_by_name: str
    decline_reason: str
    document_sha256: str


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat() if dt else None


def latest_visible_quote(session: Session, order_id: int) -> Quote | None:
    return session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .where(Quote.status.in_(CUSTOMER_VISIBLE))
        .order_by(Quote.version.desc())
    ).first()


def document_fields(session: Session, quote: Quote, lines: list[QuoteLine] | None = None) -> dict:
    """Exactly what the customer is shown for this quote version (and signs when approving)."""
    lines = quotes.lines_of(session, quote.id) if lines is None else lines
    order = session.get(Order, quote.order_id)
    shop = ShopSettings.current(session)
    totals = quotes.quote_totals(session, quote)
    consent_version, consent_text = signatures.current_consent(SignaturePurpose.REPAIR_AUTHORISATION)
    return {
        "format": DOCUMENT_FORMAT,
        "kind": "quote",
        "order_reference": order.reference if order else "",
        "version": quote.version,
        "currency": quote.currency,
        "tax_label": quote.tax_label,
        "tax_rate_bp": quote.tax_rate_bp,
        "valid_until": _iso(quote.valid_until),
        "notes": quote.notes,
        "lines": [
            {
                "position": line.position,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "line_total_minor": line.quantity * line.unit_price_minor,
                "optional": line.optional,
                # Not the raw decision: an untouched optional line counts, and accepting it at
                # approval must not change what was signed.
                "included": quotes.line_counts(line),
            }
            for line in lines
        ],
        "subtotal_minor": totals.subtotal,
        "tax_minor": totals.tax,
        "total_minor": totals.total,
        "terms_text": shop.terms_text,
        "consent_text_version": consent_version,
        "consent_text": consent_text,
    }


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha256(fields: dict) -> str:
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def canonical_document(session: Session, quote: Quote) -> str:
    """Canonical JSON (sorted keys, no spaces; hashed as UTF-8) of what the customer sees."""
    return _canonical(document_fields(session, quote))


def document_sha256(session: Session, quote: Quote) -> str:
    return _sha256(document_fields(session, quote))


def view_of(session: Session, quote: Quote) -> QuoteView:
    """The view of any quote (staff previews use it for drafts too)."""
    tz = timefmt.shop_timezone(session)
    cur = quote.currency
    lines = quotes.lines_of(session, quote.id)
    fields = document_fields(session, quote, lines)
    digest = _sha256(fields)
    line_views = [
        QuoteLineView(
            id=line.id,
            position=line.position,
            description=line.description,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            unit_price=money.format_money(line.unit_price_minor, cur),
            line_total_minor=line.quantity * line.unit_price_minor,
            line_total=money.format_money(line.quantity * line.unit_price_minor, cur),
            optional=line.optional,
            decision=line.decision or "",
            included=quotes.line_counts(line),
        )
        for line in lines
    ]
    return QuoteView(
        order_id=quote.order_id,
        quote_id=quote.id,
        version=quote.version,
        status=quote.status,
        can_decide=quote.status == QuoteStatus.SENT.value,
        lines=line_views,
        has_optional_lines=any(line.optional for line in lines),
        currency=cur,
        subtotal_minor=fields["subtotal_minor"],
        tax_minor=fields["tax_minor"],
        total_minor=fields["total_minor"],
        subtotal=money.format_money(fields["subtotal_minor"], cur),
        tax=money.format_money(fields["tax_minor"], cur),
        total=money.format_money(fields["total_minor"], cur),
        tax_label=quote.tax_label,
        tax_rate=money.format_rate(quote.tax_rate_bp),
        tax_rate_bp=quote.tax_rate_bp,
        valid_until=quote.valid_until,
        valid_until_text=timefmt.date(quote.valid_until, tz),
        expired=quote.valid_until is not None and clock.now() > quote.valid_until,
        notes=quote.notes,
        terms_text=fields["terms_text"],
        consent_version=fields["consent_text_version"],
        consent_text=fields["consent_text"],
        sent_at_text=timefmt.short(quote.sent_at, tz),
        decided_at=quote.decided_at,
        decided_at_text=timefmt.short(quote.decided_at, tz),
        decision_channel=quote.decision_channel or "",
        decided_by_name=quote.decided_by_name or "",
        decline_reason=quote.decline_reason or "",
        document_sha256=digest,
    )


def customer_view_of_quote(session: Session, order_id: int) -> QuoteView | None:
    """The latest quote the customer may see: sent, approved or declined; never a draft or superseded one."""
    quote = latest_visible_quote(session, order_id)
    return view_of(session, quote) if quote is not None else None
