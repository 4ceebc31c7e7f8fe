"""Everything a printed document shows about one order, as frozen plain data.

The PDF code never touches the database: it receives an `OrderDocument` whose
money is already formatted and whose times are already in the shop's time zone,
so every document agrees with the portal and with each other.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from .. import routes
from ..integrations.document_data import (
    CustomerInfo,
    DeviceInfo,
    LocationInfo,
    OrderDocument,
    OrderInfo,
    PaymentInfo,
    QuoteInfo,
    QuoteLineInfo,
    ShopInfo,
    SignatureInfo,
)
from ..models import (
    Customer,
    Device,
    Location,
    Order,
    Payment,
    Quote,
    QuoteStatus,
    ShopSettings,
    Signature,
)
from . import clock, consents, hours, intake, payments, phones, portal_links, quotes, timefmt
from .branding import accent_for
from .money import format_money, format_rate
from .signatures import METHOD_LABELS, purpose_label
from .signed_records import channel_label

__all__ = [
    "CustomerInfo",
    "DeviceInfo",
    "LocationInfo",
    "OrderDocument",
    "OrderInfo",
    "PaymentInfo",
    "QuoteInfo",
    "QuoteLineInfo",
    "ShopInfo",
    "SignatureInfo",
    "document_context",
    "track_url",
]


def _zone(name: str | None) -> str:
    try:
        ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name or "UTC"


def track_url(public_url: str, code: str) -> str:
    """Same shape as Settings.track_url, for callers that only hold the public URL."""
    return f"{public_url.rstrip('/')}/track/{code}"


def _quote_info(session: Session, quote: Quote, tz: str) -> QuoteInfo:
    cur = quote.currency
    lines = []
    for line in quotes.lines_of(session, quote.id):
        lines.append(
            QuoteLineInfo(
                description=line.description,
                quantity=line.quantity,
                unit_price=format_money(line.unit_price_minor, cur),
                line_total=format_money(line.quantity * line.unit_price_minor, cur),
                optional=line.optional,
                decision=line.decision,
                counted=not (line.optional and line.decision == "declined"),
            )
        )
    totals = quotes.quote_totals(session, quote)
    return QuoteInfo(
        version=quote.version,
        status=quote.status,
        tax_label=quote.tax_label,
        tax_rate=format_rate(quote.tax_rate_bp),
        lines=tuple(lines),
        subtotal=format_money(totals.subtotal, cur),
        tax=format_money(totals.tax, cur),
        total=format_money(totals.total, cur),
        total_minor=totals.total,
        valid_until=timefmt.date(quote.valid_until, tz),
        sent_at=timefmt.short(quote.sent_at, tz),
        decided_at=timefmt.short(quote.decided_at, tz),
        decided_by_name=quote.decided_by_name or "",
        notes=quote.notes,
    )


def document_context(session: Session, order_id: int, public_url: str, secret_key: str) -> OrderDocument:
    order = session.get(Order, order_id)
    if order is None:
        raise LookupError(order_id)
    shop = ShopSettings.current(session)
    location = session.get(Location, order.location_id)
    customer = session.get(Customer, order.customer_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    tz = _zone(shop.timezone)
    accent = accent_for(shop, location)

    all_quotes = list(
        session.exec(select(Quote).where(Quote.order_id == order.id).order_by(Quote.version.desc())).all()
    )
    infos: dict[int, QuoteInfo] = {}

    def info(quote: Quote | None) -> QuoteInfo | None:
        if quote is None:
            return None
        if quote.id not in infos:
            infos[quote.id] = _quote_info(session, quote, tz)
        return infos[quote.id]

    shown = next((q for q in all_quotes if q.status != QuoteStatus.DRAFT), None)
    billed = next((q for q in all_quotes if q.status == QuoteStatus.APPROVED), None) or next(
        (q for q in all_quotes if q.status == QuoteStatus.SENT), None
    )
    by_id = {q.id: q for q in all_quotes}

    payment_rows = session.exec(
        select(Payment).where(Payment.order_id == order.id).order_by(Payment.received_at, Payment.id)
    ).all()
    paid = payments.paid_total(session, order.id)
    billed_info = info(billed)
    balance = (billed_info.total_minor if billed_info else 0) - paid
    currency = billed.currency if billed else shop.currency

    code = portal_links.current_code(session, secret_key, order.id)
    signatures = session.exec(
        select(Signature).where(Signature.order_id == order.id).order_by(Signature.signed_at, Signature.id)
    ).all()

    return OrderDocument(
        shop=ShopInfo(
            name=shop.name,
            currency=shop.currency,
            tax_label=shop.tax_label,
            tax_rate=format_rate(shop.tax_rate_bp),
            accent_color=accent or "#2563eb",
            terms_text=shop.terms_text,
            timezone=tz,
        ),
        location=LocationInfo(
            name=location.name if location else "",
            address=location.address if location else "",
            phone=phones.display(location.phone, shop.country) if location else "",
            email=location.email if location else "",
            hours=hours.merged(location.opening_hours_json if location else None),
        ),
        order=OrderInfo(
            reference=order.reference,
            booked_in_at=timefmt.short(order.booked_in_at, tz),
            promised_at=timefmt.date(order.promised_at, tz),
            problem=order.problem,
            intake_condition=order.intake_condition,
            accessories=order.accessories,
            checked_at_intake=" · ".join(
                f"{c.item}: {'yes' if c.ticked else 'no'}" for c in intake.checks_of(order.intake_checks_json)
            ),
        ),
        customer=CustomerInfo(
            full_name=customer.full_name if customer else "",
            last_name=customer.last_name if customer else "",
            phone=phones.display(customer.phone, shop.country) if customer else "",
            email=customer.email if customer else "",
            company=customer.company if customer else "",
        ),
        device=DeviceInfo(label=device.label, serial=device.serial, kind=device.kind) if device else None,
        tracking_url=track_url(public_url, code) if code else None,
        staff_url=public_url.rstrip("/") + routes.staff_order(order.id),
        quote=info(shown),
        billed_quote=billed_info,
        payments=tuple(
            PaymentInfo(
                received_at=timefmt.date(p.received_at, tz),
                method=payments.method_label(p.method),
                reference=p.reference,
                note=p.note,
                amount=format_money(p.amount_minor, currency),
                amount_minor=p.amount_minor,
            )
            for p in payment_rows
        ),
        paid=format_money(paid, currency),
        balance=format_money(balance, currency),
        balance_minor=balance,
        signatures=tuple(
            SignatureInfo(
                purpose=s.purpose,
                purpose_label=purpose_label(s.purpose),
                signer_name=s.signer_name,
                signed_at=s.signed_at,
                signed_at_utc=timefmt.utc_iso(s.signed_at),
                signed_at_local=timefmt.short(s.signed_at, tz),
                ip=s.ip,
                user_agent=s.user_agent,
                auth_method=s.auth_method,
                channel=channel_label(s.auth_method),
                method=METHOD_LABELS.get(s.method, s.method),
                text=consents.signed_text(session, s),
                id=s.id,
                document_kind=s.document_kind,
                document_version=s.document_version,
                document_sha256=s.document_sha256,
                consent_text_version=s.consent_text_version,
                record_hash=s.record_hash,
                image_png=s.image_png,
                quote=info(by_id.get(s.quote_id)) if s.quote_id else None,
            )
            for s in signatures
        ),
        generated_at=timefmt.short(clock.now(), tz),
    )
