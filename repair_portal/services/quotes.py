"""Quotes: building, sending and their totals (integer money)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Order, Quote, QuoteLine, QuoteStatus, ShopSettings
from . import audit, clock, money


@dataclass(frozen=True)
class LineSpec:
    description: str
    quantity: int
    unit_price_minor: int
    optional: bool = False


class QuoteError(ValueError):
    pass


def _validate(lines: list[LineSpec]) -> None:
    if not lines:
        raise QuoteError("Add at least one line to the quote.")
    for line in lines:
        if not line.description.strip():
            raise QuoteError("Every line needs a description.")
        if line.quantity < 1:
            raise QuoteError("Quantities must be at least 1.")
        if line.unit_price_minor < 0:
            raise QuoteError("Prices can't be negative; record discounts as a separate line on a later quote.")


def create_quote(
    session: Session,
    order: Order,
    lines: list[LineSpec],
    actor: audit.Actor,
    *,
    valid_until: datetime | None = None,
    notes: str = "",
) -> Quote:
    """A new draft quote at the next version number, with the shop's current tax."""
    _validate(lines)
    shop = session.get(ShopSettings, 1)
    latest = session.exec(select(func.max(Quote.version)).where(Quote.order_id == order.id)).one()
    quote = Quote(
        order_id=order.id,
        version=(latest or 0) + 1,
        status=QuoteStatus.DRAFT.value,
        currency=shop.currency if shop else "GBP",
        tax_label=shop.tax_label if shop else "VAT",
        tax_rate_bp=shop.tax_rate_bp if shop else 0,
        valid_until=valid_until,
        notes=notes,
        created_by_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
    )
    session.add(quote)
    session.flush()
    for position, spec in enumerate(lines, start=1):
        session.add(
            QuoteLine(
                quote_id=quote.id,
                position=position,
                description=spec.description.strip(),
                quantity=spec.quantity,
                unit_price_minor=spec.unit_price_minor,
                optional=spec.optional,
            )
        )
    session.flush()
    audit.record(session, actor, "quote.created", order_id=order.id, version=quote.version)
    return quote


def send_quote(session: Session, quote: Quote, actor: audit.Actor, *, at: datetime | None = None) -> Quote:
    """Make a draft visible to the customer; earlier undecided quotes are superseded."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteError("Only a draft quote can be sent.")
    for other in session.exec(
        select(Quote)
        .where(Quote.order_id == quote.order_id)
        .where(Quote.id != quote.id)
        .where(Quote.status == QuoteStatus.SENT.value)
    ).all():
        other.status = QuoteStatus.SUPERSEDED.value
        session.add(other)
    quote.status = QuoteStatus.SENT.value
    quote.sent_at = at or clock.now()
    session.add(quote)
    audit.record(session, actor, "quote.sent", order_id=quote.order_id, version=quote.version)
    return quote


def lines_of(session: Session, quote_id: int) -> list[QuoteLine]:
    return list(session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position)))


def quote_totals(session: Session, quote: Quote) -> money.Totals:
    """Optional lines count unless the customer declined them."""
    amounts = [
        line.quantity * line.unit_price_minor
        for line in lines_of(session, quote.id)
        if not (line.optional and line.decision == "declined")
    ]
    return money.totals(amounts, quote.tax_rate_bp)
