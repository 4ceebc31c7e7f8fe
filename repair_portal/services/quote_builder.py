"""Turning the staff quote form (text fields) into quote lines, and sending a quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from ..models import Order, Stage, StageKind
from . import audit, clock, locking, money, quote_decisions, quotes, workflow
from .ids import is_digits
from .text_input import TextInputError, clean_text

VALID_FOR = timedelta(days=30)
MAX_LINES = 50  # what one quote form holds


class QuoteFormError(ValueError):
    pass


def parse_price(text: str) -> int:
    """A line's price as typed -> minor units (the form's message on anything else)."""
    try:
        return money.parse_amount(text)
    except money.AmountError as exc:
        raise QuoteFormError(str(exc)) from exc


@dataclass(frozen=True)
class FormLine:
    description: str
    quantity: str
    price: str
    optional: bool


def to_specs(rows: list[FormLine]) -> list[quotes.LineSpec]:
    specs = []
    for number, row in enumerate(rows, start=1):
        if not row.description.strip() and not row.price.strip():
            continue  # an empty row left at the end
        if not row.description.strip():
            raise QuoteFormError(f"Line {number} needs a description.")
        if not is_digits(row.quantity.strip()) or not 1 <= int(row.quantity) <= 999:
            raise QuoteFormError(f"Line {number}: the quantity must be a whole number from 1 to 999.")
        try:
            description = clean_text(row.description, f"Line {number}'s description", quotes.MAX_DESCRIPTION)
        except TextInputError as exc:
            raise QuoteFormError(str(exc)) from exc
        specs.append(quotes.LineSpec(description, int(row.quantity), parse_price(row.price), row.optional))
    if not specs:
        raise QuoteFormError("Add at least one line to the quote.")
    return specs


MAX_NOTES = 2000


def _notes(notes: str) -> str:
    try:
        return clean_text(notes, "The quote's notes", MAX_NOTES)
    except TextInputError as exc:
        raise QuoteFormError(str(exc)) from exc


def send_new_quote(
    session: Session, order: Order, rows: list[FormLine], actor: audit.Actor, *, notes: str = ""
) -> tuple[int, bool]:
    """Create (or revise) the quote and send it; moves the order to the awaiting-approval stage.

    Returns (version, moved_stage).
    """
    specs = to_specs(rows)
    quote = quote_decisions.revise_quote(
        session, order.id, specs, actor, valid_until=clock.now() + VALID_FOR, notes=_notes(notes)
    )
    quotes.send_quote(session, quote, actor)
    order = locking.row(session, Order, order.id)  # the stage as stored now (locked after the quote, as decisions do)
    waiting = session.exec(
        select(Stage).where(Stage.active).where(Stage.kind == StageKind.AWAITING_APPROVAL.value)
    ).first()
    moved = False
    if waiting is not None and order.stage_id != waiting.id:
        workflow.change_stage(session, order, waiting, actor, note=f"Quote v{quote.version} sent")
        moved = True
    return quote.version, moved


def save_draft(session: Session, order: Order, rows: list[FormLine], actor: audit.Actor, *, notes: str = "") -> int:
    """Keep the lines as an unsent draft (the customer sees nothing yet). Returns the draft's version."""
    quote = quote_decisions.revise_quote(
        session, order.id, to_specs(rows), actor, valid_until=clock.now() + VALID_FOR, notes=_notes(notes)
    )
    return quote.version


@dataclass(frozen=True)
class Draft:
    version: int
    lines: list[FormLine]


def current_draft(session: Session, order_id: int) -> Draft | None:
    """The unsent draft the staff form should continue from, if the latest version is one."""
    from ..models import Quote, QuoteStatus

    latest = session.exec(select(Quote).where(Quote.order_id == order_id).order_by(Quote.version.desc())).first()
    if latest is None or latest.status != QuoteStatus.DRAFT.value:
        return None
    return Draft(
        latest.version,
        [
            FormLine(line.description, str(line.quantity), money.input_text(line.unit_price_minor), line.optional)
            for line in quotes.lines_of(session, latest.id)
        ],
    )
