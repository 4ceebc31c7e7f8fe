"""Quotes: building, sending and their totals (integer money)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from ..models import Order, Quote, QuoteLine, QuoteStatus, ShopSettings
from . import audit, clock, money

MAX_DESCRIPTION = 500
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE_MINOR = 100_000_000  # 1,000,000.00 in major units: a typo guard, not a business rule


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
        if len(line.description.strip()) > MAX_DESCRIPTION:
            raise QuoteError(f"Line descriptions can be up to {MAX_DESCRIPTION} characters.")
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            raise QuoteError("Quantities must be whole numbers.")
        if isinstance(line.unit_price_minor, bool) or not isinstance(line.unit_price_minor, int):
            raise QuoteError("Prices must be whole minor units (pence/cents).")
        if line.quantity < 1:
            raise QuoteError("Quantities must be at least 1.")
        if line.quantity > MAX_QUANTITY:
            raise QuoteError(f"Quantities can be at most {MAX_QUANTITY:,}.")
        if line.unit_price_minor < 0:
            raise QuoteError("Prices can't be negative; record discounts as a separate line on a later quote.")
        if line.unit_price_minor > MAX_UNIT_PRICE_MINOR:
            raise QuoteError("That price looks too large; check the amount.")


def _add_lines(session: Session, quote: Quote, lines: list[LineSpec]) -> None:
    for position, spec in enumerate(lines, start=1):
        session.add(
            QuoteLine(
                quote_id=quote.id,
                position=position,
                description=spec.description.strip(),
                quantity=spec.quantity,
                unit_price_minor=spec.unit_price_minor,
                optional=bool(spec.optional),
            )
        )
    session.flush()


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
    shop = ShopSettings.current(session)
    latest = session.exec(select(func.max(Quote.version)).where(Quote.order_id == order.id)).one()
    quote = Quote(
        order_id=order.id,
        version=(latest or 0) + 1,
        status=QuoteStatus.DRAFT.value,
        currency=shop.currency,
        tax_label=shop.tax_label,
        tax_rate_bp=shop.tax_rate_bp,
        valid_until=valid_until,
        notes=notes,
        created_by_id=actor.id if actor.kind == "staff" else None,
        created_at=clock.now(),
    )
    session.add(quote)
    session.flush()
    _add_lines(session, quote, lines)
    audit.record(session, actor, "quote.created", order_id=order.id, version=quote.version)
    return quote


def replace_draft_lines(
    session: Session,
    quote: Quote,
    lines: list[LineSpec],
    actor: audit.Actor,
    *,
    valid_until: datetime | None = None,
    notes: str = "",
) -> Quote:
    """Rewrite a draft in place: nobody has seen or signed it, so no new version is needed."""
    _validate(lines)
    # Conditional on the status in the database, not the (possibly stale) object in memory.
    claimed = session.execute(
        update(Quote)
        .where(Quote.id == quote.id)
        .where(Quote.status == QuoteStatus.DRAFT.value)
        .values(valid_until=valid_until, notes=notes)
    ).rowcount
    if claimed != 1:
        raise QuoteError("Only a draft quote can be edited; a sent quote needs a new version.")
    session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
    _add_lines(session, quote, lines)
    session.refresh(quote)
    audit.record(session, actor, "quote.draft_updated", order_id=quote.order_id, version=quote.version)
    return quote


def send_quote(session: Session, quote: Quote, actor: audit.Actor, *, at: datetime | None = None) -> Quote:
    """Make a draft visible to the customer; earlier undecided quotes are superseded.

    Both steps are conditional UPDATEs on the stored status, so a customer approving the
    old version at the same moment either wins (and stays approved) or finds it superseded:
    never an approved quote silently overwritten, on SQLite or PostgreSQL.
    """
    at = at or clock.now()
    claimed = session.execute(
        update(Quote)
        .where(Quote.id == quote.id)
        .where(Quote.status == QuoteStatus.DRAFT.value)
        .values(status=QuoteStatus.SENT.value, sent_at=at)
    ).rowcount
    if claimed != 1:
        raise QuoteError("Only a draft quote can be sent.")
    session.execute(
        update(Quote)
        .where(Quote.order_id == quote.order_id)
        .where(Quote.id != quote.id)
        .where(Quote.status == QuoteStatus.SENT.value)
        .values(status=QuoteStatus.SUPERSEDED.value)
    )
    session.refresh(quote)
    audit.record(session, actor, "quote.sent", order_id=quote.order_id, version=quote.version)
    return quote


def lines_of(session: Session, quote_id: int) -> list[QuoteLine]:
    return list(session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position)))


def line_counts(line: QuoteLine) -> bool:
    """Whether a line is part of the total: optional lines count unless the customer declined them."""
    return not (line.optional and line.decision == "declined")


def quote_totals(session: Session, quote: Quote) -> money.Totals:
    """Optional lines count unless the customer declined them."""
    amounts = [line.quantity * line.unit_price_minor for line in lines_of(session, quote.id) if line_counts(line)]
    return money.totals(amounts, quote.tax_rate_bp)
