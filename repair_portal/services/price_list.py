"""The shop's price list: keeping it (Settings → Price list) and adding its items to a quote.

A quote line made from an item is a copy of the item as it is now (name, price, optional or not):
changing a price or retiring an item later never changes a quote already made. Prices are tax
exclusive, like every quote line; the quote applies the shop's tax rate to its subtotal.

Adding to a quote goes through `quote_decisions.revise_quote`, the one place that decides between
rewriting an unsent draft and starting a new version (sent and signed versions stay as they were).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import Order, PriceKind, PriceListItem, Quote, QuoteStatus, ShopSettings
from . import audit, clock, locking, money, quote_builder, quote_decisions, quotes
from .ids import is_digits, parse_id
from .quote_view import latest_visible_quote

KIND_LABELS = {PriceKind.SERVICE.value: "Service", PriceKind.PART.value: "Part"}
MAX_CODE, MAX_NAME, MAX_SORT = 20, 200, 9999
LOCK_KEY = 0x5052_4943  # "PRIC": pg_advisory_xact_lock key serialising code checks
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]*$")


class PriceListError(ValueError):
    """A refused change; the message is safe to show. `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


GONE = "That item is no longer on the price list. Reload the page."


@dataclass(frozen=True)
class ItemForm:
    """What the editor submits, as typed."""

    name: str
    price: str
    code: str = ""
    kind: str = PriceKind.SERVICE.value
    optional_by_default: bool = False
    sort_order: str = ""  # "" puts a new item last and leaves an edited one where it is


@dataclass(frozen=True)
class PriceItemView:
    id: int = 0
    code: str = ""
    name: str = ""
    kind: str = PriceKind.SERVICE.value
    kind_label: str = ""
    unit_price_minor: int = 0
    price: str = ""  # "£89.00"
    price_input: str = ""  # "89.00", what the editor shows
    optional_by_default: bool = False
    active: bool = True
    sort_order: int = 0
    version: str = ""  # when it was last saved: an edit of an older copy is refused


def _version(item: PriceListItem) -> str:
    return item.updated_at.isoformat() if item.updated_at else ""


def _touch(item: PriceListItem) -> None:
    """A new version stamp, strictly later than the last one even within one clock tick (or behind
    another worker's clock): an editor holding the old stamp must be refused."""
    now, previous = clock.now(), item.updated_at
    item.updated_at = max(now, previous + timedelta(microseconds=1)) if previous else now


def _view(item: PriceListItem, currency: str) -> PriceItemView:
    return PriceItemView(
        id=item.id,
        code=item.code or "",
        name=item.name,
        kind=item.kind,
        kind_label=KIND_LABELS.get(item.kind, item.kind),
        unit_price_minor=item.unit_price_minor,
        price=money.format_money(item.unit_price_minor, currency),
        price_input=money.input_text(item.unit_price_minor),
        optional_by_default=item.optional_by_default,
        active=item.active,
        sort_order=item.sort_order,
        version=_version(item),
    )


# --- reading -------------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_items(session: Session, search: str = "", *, include_inactive: bool = False) -> list[PriceItemView]:
    """Active items in the shop's order (then by name); with `include_inactive`, retired ones after them.
    `search` matches anywhere in the code or the name, ignoring case."""
    query = select(PriceListItem)
    if not include_inactive:
        query = query.where(PriceListItem.active)
    term = " ".join(str(search or "").split())[:100].lower()
    if term:
        pattern = _like(term)
        query = query.where(
            or_(
                func.lower(PriceListItem.code).like(pattern, escape="\\"),
                func.lower(PriceListItem.name).like(pattern, escape="\\"),
            )
        )
    query = query.order_by(
        PriceListItem.active.desc(), PriceListItem.sort_order, func.lower(PriceListItem.name), PriceListItem.id
    )
    currency = ShopSettings.current(session).currency
    return [_view(item, currency) for item in session.exec(query)]


def _get(session: Session, item_id) -> PriceListItem:
    found = parse_id(item_id)
    item = session.get(PriceListItem, found) if found else None
    if item is None:
        raise PriceListError(GONE)
    return item


# --- keeping the list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clean:
    code: str | None
    name: str
    kind: str
    unit_price_minor: int
    optional_by_default: bool
    sort_order: int | None


def _clean_code(text: str) -> str | None:
    """Codes are compared and stored in capitals without spaces around them; empty means none."""
    code = str(text or "").strip().upper()
    return code or None


def _clean(form: ItemForm) -> _Clean:
    name = " ".join(str(form.name or "").split())
    if not name:
        raise PriceListError("Give the item a name: it becomes the quote line's description.", "name")
    if len(name) > MAX_NAME:
        raise PriceListError(f"Keep the name under {MAX_NAME} characters.", "name")
    code = _clean_code(form.code)
    if code is not None and (len(code) > MAX_CODE or not _CODE.fullmatch(code)):
        raise PriceListError(
            f"A code is up to {MAX_CODE} letters, digits and - . / _ with no spaces (e.g. SCR-IP13).",
            "code",
        )
    if form.kind not in KIND_LABELS:
        raise PriceListError("Choose service or part.", "kind")
    try:
        price = money.parse_amount(form.price)
    except money.AmountError as exc:
        raise PriceListError(str(exc), "price") from None
    if price > quotes.MAX_UNIT_PRICE_MINOR:
        raise PriceListError("That price looks too large; check the amount.", "price")
    order_text = str(form.sort_order or "").strip()
    if order_text and (not is_digits(order_text) or int(order_text) > MAX_SORT):
        raise PriceListError(f"The position is a whole number from 0 to {MAX_SORT}.", "sort_order")
    return _Clean(
        code, name, form.kind, price, form.optional_by_default is True, int(order_text) if order_text else None
    )


def _lock(session: Session) -> None:
    """Serialise code checks: two people saving the same code at once get one item and one message."""
    locking.advisory_xact_lock(session, LOCK_KEY)
    locking.hold_sqlite_write_lock(session)


def _check_code_free(session: Session, code: str | None, item_id: int | None) -> None:
    if code is None:
        return
    query = select(PriceListItem).where(PriceListItem.active).where(PriceListItem.code == code)
    if item_id is not None:
        query = query.where(PriceListItem.id != item_id)
    other = session.exec(query).first()
    if other is not None:
        raise PriceListError(
            f"The code {code} is already used by “{other.name}”. Codes must be unique among active items.", "code"
        )


def _flush(session: Session, code: str | None) -> None:
    """The database's unique index is the last word (a writer that skipped the lock)."""
    try:
        session.flush()
    except IntegrityError:
        raise PriceListError(
            f"The code {code} is already used by another active item. Codes must be unique among active items.",
            "code",
        ) from None


def _detail(item: PriceListItem) -> dict:
    return {"item_id": item.id, "code": item.code or "", "name": item.name, "price_minor": item.unit_price_minor}


def create_item(session: Session, form: ItemForm, actor: audit.Actor) -> PriceListItem:
    clean = _clean(form)
    _lock(session)
    _check_code_free(session, clean.code, None)
    if clean.sort_order is None:
        last = session.exec(select(func.max(PriceListItem.sort_order))).one()
        sort_order = min((last or 0) + 10, MAX_SORT)
    else:
        sort_order = clean.sort_order
    now = clock.now()
    item = PriceListItem(
        code=clean.code,
        name=clean.name,
        kind=clean.kind,
        unit_price_minor=clean.unit_price_minor,
        optional_by_default=clean.optional_by_default,
        active=True,
        sort_order=sort_order,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    _flush(session, clean.code)
    audit.record(session, actor, "price_list.created", **_detail(item))
    return item


def update_item(session: Session, item_id, form: ItemForm, actor: audit.Actor, *, seen_version: str) -> PriceListItem:
    """Save an edit of the item as the editor last saw it (`seen_version`); a newer save wins and this
    one is refused, so nobody's change is silently overwritten. Quotes already made keep their copy."""
    clean = _clean(form)
    _lock(session)
    item = _get(session, item_id)
    session.refresh(item)
    if _version(item) != str(seen_version or ""):
        raise PriceListError(
            f"Someone else changed “{item.name}” while you were editing. Close the editor, check it, and try again."
        )
    _check_code_free(session, clean.code if item.active else None, item.id)
    before = _detail(item)
    item.code, item.name, item.kind = clean.code, clean.name, clean.kind
    item.unit_price_minor, item.optional_by_default = clean.unit_price_minor, clean.optional_by_default
    if clean.sort_order is not None:
        item.sort_order = clean.sort_order
    _touch(item)
    session.add(item)
    _flush(session, clean.code)
    audit.record(session, actor, "price_list.updated", before=before, **_detail(item))
    return item


def set_active(session: Session, item_id, active: bool, actor: audit.Actor) -> PriceListItem:
    """Retire an item (it leaves the quote picker; quotes that used it are untouched) or bring it back."""
    if not isinstance(active, bool):
        raise PriceListError("Choose whether the item is on the list.")
    _lock(session)
    item = _get(session, item_id)
    session.refresh(item)
    if item.active == active:
        return item
    if active:
        _check_code_free(session, item.code, item.id)
    item.active = active
    _touch(item)
    session.add(item)
    _flush(session, item.code)
    audit.record(session, actor, "price_list.reactivated" if active else "price_list.deactivated", **_detail(item))
    return item


# --- quotes --------------------------------------------------------------------------------------


def _active_item(session: Session, item_id) -> PriceListItem:
    item = _get(session, item_id)
    if not item.active:
        raise PriceListError(GONE)
    return item


def line_spec(item: PriceListItem) -> quotes.LineSpec:
    """The quote line an item makes: a copy, quantity one."""
    return quotes.LineSpec(item.name, 1, item.unit_price_minor, item.optional_by_default)


def form_line(session: Session, item_id) -> quote_builder.FormLine:
    """The same copy as a row of the staff quote form (for a form that is open and not saved yet)."""
    spec = line_spec(_active_item(session, item_id))
    return quote_builder.FormLine(
        spec.description, str(spec.quantity), money.input_text(spec.unit_price_minor), spec.optional
    )


@dataclass(frozen=True)
class Added:
    version: int  # the draft the line went into
    description: str
    started_from: int  # the version of the customer's quote a new draft was started from (0: none)


def _current_lines(session: Session, order_id: int) -> tuple[list[quotes.LineSpec], str, int]:
    """What a revision starts from (the unsent draft, else the quote the customer has), read under
    the quote lock: its lines, its notes, and the customer's version it starts from (0: the draft, or none)."""
    locking.hold_sqlite_write_lock(session)
    latest = session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .order_by(Quote.version.desc())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    is_draft = latest is not None and latest.status == QuoteStatus.DRAFT.value
    base = latest if is_draft else latest_visible_quote(session, order_id)
    if base is None:
        return [], "", 0
    specs = [
        quotes.LineSpec(line.description, line.quantity, line.unit_price_minor, line.optional)
        for line in quotes.lines_of(session, base.id)
    ]
    return specs, base.notes, 0 if is_draft else base.version


def add_to_quote(session: Session, order: Order, item_id, actor: audit.Actor) -> Added:
    """Add the item as a line of the order's draft quote, starting a draft from the customer's current
    quote if there is none. The customer sees nothing until the draft is sent."""
    item = _active_item(session, item_id)
    lines, notes, started_from = _current_lines(session, order.id)
    if len(lines) >= quote_builder.MAX_LINES:
        raise PriceListError(f"A quote can have at most {quote_builder.MAX_LINES} lines.")
    spec = line_spec(item)
    draft = quote_decisions.revise_quote(
        session, order.id, [*lines, spec], actor, valid_until=clock.now() + quote_builder.VALID_FOR, notes=notes
    )
    return Added(draft.version, spec.description, started_from)
