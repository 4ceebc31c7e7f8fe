"""The account portal's order list: the signed-in account's orders (or only the user's own, for a group
that may see only theirs), newest first, searched by reference, asset/device or PO number, filtered by
site, status and a booked-in or scheduled date range, one page at a time. Every query starts from the
account (`customer_id`), which the (customer_id, booked_in_at) index serves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..models import Device, Order, Quote, QuoteStatus, Site, Stage, StageKind
from . import orders as order_rules
from . import timefmt, tracking
from .order_lookup import parse_reference
from .portal_auth import PortalIdentity
from .portal_permissions import Perm
from .text_input import clean_text, text_problem

PER_PAGE = 20
STATUSES = {
    "open": "Open",
    "decision": "Waiting for your decision",
    "done": "Completed",
    "all": "All",
}
DATE_FIELDS = {"booked": "Booked in", "scheduled": "Scheduled"}
MAX_SEARCH = 100


@dataclass(frozen=True)
class OrderQuery:
    text: str = ""
    site_id: int | None = None
    status: str = "all"
    date_field: str = "booked"
    date_from: str = ""  # ISO days in the shop's time zone, both ends included
    date_to: str = ""
    page: int = 1


@dataclass(frozen=True)
class OrderRow:
    id: int
    reference: str
    device: str
    site: str
    status: str
    explanation: str
    booked: str
    scheduled: str
    po_number: str
    requested: bool
    done: bool
    waiting_for_you: bool


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    total: int
    page: int
    pages: int


def may_list(identity: PortalIdentity) -> bool:
    return identity.may(Perm.ORDERS_VIEW_ALL) or identity.may(Perm.ORDERS_VIEW_MINE)


def search_problem(text: str) -> str | None:
    """What is wrong with a typed search (None: it can run). Longer than MAX_SEARCH is refused with a message,
    never cut to what fits: the page says so and keeps what was typed."""
    return text_problem(text, "The search", MAX_SEARCH, one_line=True)


def _scoped(identity: PortalIdentity):
    """The account's orders, and only the user's own where the group sees no more."""
    statement = select(Order).where(Order.customer_id == identity.customer_id)
    if not identity.may(Perm.ORDERS_VIEW_ALL):
        statement = statement.where(Order.requested_by_id == identity.user_id)
    return statement


def _starts(column, text: str):
    """Case-insensitive "starts with" (the account's own rows only: a few thousand at most)."""
    return func.lower(column).startswith(text.lower(), autoescape=True)


def _text_filter(statement, text: str, customer_id: int):
    text = clean_text(text, "The search", MAX_SEARCH, one_line=True)  # TextInputError when too long: never cut
    if not text:
        return statement
    reference = parse_reference(text)
    device_ids = (
        select(Device.id)
        .where(Device.customer_id == customer_id)
        .where(
            or_(
                _starts(Device.asset_tag, text),
                _starts(Device.serial, text),
                _starts(Device.model, text),
                _starts(Device.make, text),
                _starts(Device.customer_ref, text),
            )
        )
    )
    conditions = [Order.device_id.in_(device_ids), _starts(Order.po_number, text)]
    if reference is not None:
        conditions.append(Order.reference == reference)
    return statement.where(or_(*conditions))


def _status_filter(statement, status: str):
    done_stage_ids = select(Stage.id).where(or_(Stage.is_terminal, Stage.kind == StageKind.COLLECTED.value))
    if status == "open":
        return statement.where(Order.collected_at.is_(None)).where(Order.stage_id.not_in(done_stage_ids))
    if status == "done":
        return statement.where(or_(Order.collected_at.is_not(None), Order.stage_id.in_(done_stage_ids)))
    if status == "decision":  # a sent quote is the one waiting (a newer version supersedes it)
        waiting = select(Quote.order_id).where(Quote.status == QuoteStatus.SENT.value)
        return statement.where(Order.id.in_(waiting)).where(Order.collected_at.is_(None))
    return statement


def _date_filter(statement, query: OrderQuery, tz: str):
    if not (query.date_from or query.date_to):
        return statement
    column = Order.scheduled_at if query.date_field == "scheduled" else Order.booked_in_at
    start, before = order_rules.booked_range(
        "custom", tz, query.date_from or "1970-01-01", query.date_to or "9999-12-30"
    )
    if start is not None:
        statement = statement.where(column >= start)
    if before is not None:
        statement = statement.where(column < before)
    return statement


def list_orders(session: Session, identity: PortalIdentity, query: OrderQuery, per_page: int = PER_PAGE) -> OrderPage:
    """One page of the account's orders the user may see (raises orders.DateRangeError for a bad range,
    text_input.TextInputError for an over-long search: `search_problem` says it first)."""
    if not may_list(identity):
        return OrderPage([], 0, 1, 1)
    tz = timefmt.shop_timezone(session)
    statement = _scoped(identity)
    statement = _text_filter(statement, query.text, identity.customer_id)
    if query.site_id:
        statement = statement.where(Order.site_id == query.site_id)
    statement = _status_filter(statement, query.status)
    statement = _date_filter(statement, query, tz)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, query.page), pages)
    found = session.exec(
        statement.order_by(Order.booked_in_at.desc(), Order.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return OrderPage(_rows(session, found, tz), total, page, pages)


def _rows(session: Session, found: list[Order], tz: str) -> list[OrderRow]:
    device_ids = {o.device_id for o in found if o.device_id}
    site_ids = {o.site_id for o in found if o.site_id}
    devices = (
        {d.id: d for d in session.exec(select(Device).where(Device.id.in_(device_ids))).all()} if device_ids else {}
    )
    sites = {s.id: s for s in session.exec(select(Site).where(Site.id.in_(site_ids))).all()} if site_ids else {}
    rows = []
    for order in found:
        device = devices.get(order.device_id)
        shown = tracking.customer_status(session, order)
        stage = session.get(Stage, order.stage_id)
        done = order.collected_at is not None or bool(
            stage and (stage.is_terminal or stage.kind == StageKind.COLLECTED.value)
        )
        rows.append(
            OrderRow(
                id=order.id,
                reference=order.reference,
                device=_device_text(device),
                site=sites[order.site_id].name if order.site_id in sites else "",
                status=shown.label,
                explanation=shown.explanation,
                booked=timefmt.date(order.booked_in_at, tz),
                scheduled=timefmt.date(order.scheduled_at, tz) if order.scheduled_at else "",
                po_number=order.po_number,
                requested=order.requested_by_id is not None,
                done=done,
                waiting_for_you=shown.quote_status == "sent" and not done,
            )
        )
    return rows


def _device_text(device: Device | None) -> str:
    if device is None:
        return ""
    return " · ".join(p for p in (device.asset_tag, device.label) if p)


def site_choices(session: Session, customer_id: int) -> list[tuple[int, str]]:
    sites = session.exec(select(Site).where(Site.customer_id == customer_id).order_by(Site.name)).all()
    return [(s.id, s.name) for s in sites]


def upcoming(session: Session, identity: PortalIdentity, limit: int = 5) -> list[OrderRow]:
    """The next scheduled jobs (today onwards) the user may see, soonest first."""
    if not may_list(identity):
        return []
    tz = timefmt.shop_timezone(session)
    start, _ = order_rules.booked_range("today", tz)
    found = session.exec(
        _scoped(identity)
        .where(Order.scheduled_at >= start)
        .where(Order.collected_at.is_(None))
        .order_by(Order.scheduled_at, Order.id)
        .limit(limit)
    ).all()
    return _rows(session, found, tz)
