"""Booking orders in and listing them for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, union
from sqlmodel import Session, select

from ..models import Customer, Device, Location, Order, StaffUser, Stage, StageKind, StatusEvent
from . import alerts, audit, clock, phones, portal_links, workflow
from .ids import is_digits
from .references import next_order_reference
from .search import customer_ids, prefix, serial_condition


@dataclass(frozen=True)
class NewOrder:
    order: Order
    code: str


def create_order(
    session: Session,
    secret_key: str,
    *,
    customer: Customer,
    location: Location,
    device: Device | None,
    problem: str,
    actor: audit.Actor,
    intake_condition: str = "",
    promised_at: datetime | None = None,
    assigned_to_id: int | None = None,
    booked_in_at: datetime | None = None,
    stage: Stage | None = None,
) -> NewOrder:
    """Book an order in at the first workflow stage (or `stage`: a customer's request starts at the
    requested stage, services/job_requests.py) and issue its tracking link."""
    stage = stage or workflow.first_stage(session)
    at = booked_in_at or clock.now()
    order = Order(
        reference=next_order_reference(session),
        customer_id=customer.id,
        location_id=location.id,
        device_id=device.id if device else None,
        stage_id=stage.id,
        assigned_to_id=assigned_to_id,
        problem=problem.strip(),
        intake_condition=intake_condition.strip(),
        promised_at=promised_at,
        booked_in_at=at,
        created_at=at,
        updated_at=at,
    )
    session.add(order)
    session.flush()
    session.add(
        StatusEvent(
            order_id=order.id,
            from_stage_id=None,
            to_stage_id=stage.id,
            at=at,
            staff_user_id=actor.id if actor.kind == "staff" else None,
        )
    )
    code = portal_links.issue_link(session, secret_key, order)
    audit.record(session, actor, "order.created", order_id=order.id, reference=order.reference)
    return NewOrder(order, code)


@dataclass(frozen=True)
class OrderRow:
    """One line of the staff order list."""

    id: int
    reference: str
    customer: str
    device: str
    stage: str
    stage_color: str
    location: str
    technician: str
    booked_in_at: datetime
    updated_at: datetime
    overdue: bool = False  # promised date passed and not ready yet
    attention: int = 0  # customer actions nobody has handled yet
    customer_request: bool = False  # a customer asked for it from their account (services/job_requests.py)


def is_overdue(order: Order, stage: Stage, now: datetime | None = None) -> bool:
    """Staff flag: the promised date has passed and the device isn't ready or collected yet."""
    if order.promised_at is None or stage.kind in (StageKind.READY.value, StageKind.COLLECTED.value):
        return False
    return (now or clock.now()) > order.promised_at


@dataclass(frozen=True)
class OrderFilter:
    """What the board is narrowed to. Empty/None fields don't filter."""

    search: str = ""
    stage_id: int | None = None
    location_id: int | None = None
    assigned_to_id: int | None = None  # 0 = unassigned
    booked_from: datetime | None = None  # inclusive, UTC
    booked_before: datetime | None = None  # exclusive, UTC
    open_only: bool = False  # hide orders at a terminal (collected) stage
    needs_attention: bool = False  # only orders with a customer action nobody has handled


class DateRangeError(ValueError):
    pass


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def booked_range(
    choice: str, tz: str, date_from: str = "", date_to: str = "", now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """The board's booked-in choice ("today", "7d", "30d", "custom" with two ISO days, anything else:
    all time) as a UTC [from, before) range of whole days in the shop's time zone."""
    zone = ZoneInfo(tz)
    today = (now or clock.now()).astimezone(zone).date()
    start = end = None
    if choice == "today":
        start, end = today, today
    elif choice == "7d":
        start, end = today - timedelta(days=6), today
    elif choice == "30d":
        start, end = today - timedelta(days=29), today
    elif choice == "custom":
        start, end = _day(date_from), _day(date_to)
    if start and end and start > end:
        raise DateRangeError("The first date is after the second.")

    def as_utc(day: date) -> datetime:
        return datetime.combine(day, time(0), zone).astimezone(UTC)

    return (as_utc(start) if start else None), (as_utc(end + timedelta(days=1)) if end else None)


def _matching_order_ids(term: str, dialect: str, region: str):
    """Order ids whose reference starts with what staff typed ("10042" finds R-10042), or whose
    customer or device matches (services/search.py: names, company, email, phone, serial/IMEI)."""
    upper = term.strip().upper()
    digits = "".join(ch for ch in term if is_digits(ch))
    references = {upper}
    if digits and digits == term.strip():
        references.add(f"R-{digits}")
    return union(
        select(Order.id).where(or_(*[prefix(Order.reference, r) for r in references])),
        select(Order.id).where(Order.customer_id.in_(customer_ids(term, dialect, region))),
        select(Order.id).where(Order.device_id.in_(select(Device.id).where(serial_condition(term)))),
    )


def _filtered(query, flt: OrderFilter, dialect: str, region: str):
    """Filters on the order row itself (indexed columns), so the board never joins to count.
    `region`: the shop's country, for phone numbers typed into the search."""
    term = flt.search.strip()[:100]
    if term:
        query = query.where(Order.id.in_(_matching_order_ids(term, dialect, region)))
    if flt.stage_id:
        query = query.where(Order.stage_id == flt.stage_id)
    if flt.location_id:
        query = query.where(Order.location_id == flt.location_id)
    if flt.assigned_to_id is not None:
        query = query.where(
            Order.assigned_to_id.is_(None) if flt.assigned_to_id == 0 else Order.assigned_to_id == flt.assigned_to_id
        )
    if flt.booked_from:
        query = query.where(Order.booked_in_at >= flt.booked_from)
    if flt.booked_before:
        query = query.where(Order.booked_in_at < flt.booked_before)
    if flt.open_only:
        query = query.where(Order.stage_id.in_(select(Stage.id).where(Stage.is_terminal.is_(False))))
    if flt.needs_attention:
        query = query.where(alerts.needing_attention())
    return query


def list_orders(
    session: Session, flt: OrderFilter | None = None, *, search: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[OrderRow], int]:
    """Newest-updated first, with the total for paging."""
    flt = flt or OrderFilter(search=search)
    dialect, region = session.get_bind().dialect.name, phones.shop_region(session)
    ids_query = _filtered(select(Order.id), flt, dialect, region)
    total = session.exec(_filtered(select(func.count(Order.id)), flt, dialect, region)).one()
    page_ids = list(
        session.exec(ids_query.order_by(Order.updated_at.desc(), Order.id.desc()).limit(limit).offset(offset)).all()
    )
    if not page_ids:
        return [], total
    rows = session.exec(
        select(Order, Customer, Device, Stage, Location, StaffUser)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Stage, Stage.id == Order.stage_id)
        .join(Location, Location.id == Order.location_id)
        .outerjoin(Device, Device.id == Order.device_id)
        .outerjoin(StaffUser, StaffUser.id == Order.assigned_to_id)
        .where(Order.id.in_(page_ids))
    ).all()
    by_id = {row[0].id: row for row in rows}
    now = clock.now()
    attention = alerts.open_counts(session, page_ids)
    result = []
    for order_id in page_ids:
        order, customer, device, stage, location, tech = by_id[order_id]
        result.append(
            OrderRow(
                id=order.id,
                reference=order.reference,
                customer=customer.full_name or customer.company,
                device=device.label if device else "—",
                stage=stage.name,
                stage_color=stage.color,
                location=location.name,
                technician=tech.name if tech else "",
                booked_in_at=order.booked_in_at,
                updated_at=order.updated_at,
                overdue=is_overdue(order, stage, now),
                attention=attention.get(order.id, 0),
                customer_request=order.requested_by_id is not None,
            )
        )
    return result, total


def count_by_stage(session: Session) -> list[tuple[str, str, int]]:
    """(stage name, colour, open orders) for the active workflow, in order."""
    counts = dict(session.exec(select(Order.stage_id, func.count()).group_by(Order.stage_id)).all())
    return [(s.name, s.color, counts.get(s.id, 0)) for s in workflow.active_stages(session)]
