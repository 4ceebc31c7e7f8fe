"""Booking orders in and listing them for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from ..models import Customer, Device, Location, Order, Stage, StatusEvent
from . import audit, clock, portal_links, workflow
from .references import next_order_reference


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
) -> NewOrder:
    """Book an order in at the first workflow stage and issue its tracking link."""
    stage = workflow.first_stage(session)
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
    updated_at: datetime


def list_orders(session: Session, *, search: str = "", limit: int = 50, offset: int = 0) -> tuple[list[OrderRow], int]:
    """Newest-updated first, with the total for paging."""
    query = (
        select(Order, Customer, Device, Stage, Location)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Stage, Stage.id == Order.stage_id)
        .join(Location, Location.id == Order.location_id)
        .outerjoin(Device, Device.id == Order.device_id)
    )
    count_query = select(func.count()).select_from(Order).join(Customer, Customer.id == Order.customer_id)
    term = search.strip()
    if term:
        like = f"%{term.lower()}%"
        condition = or_(
            func.lower(Order.reference).like(like),
            func.lower(Customer.last_name).like(like),
            func.lower(Customer.first_name).like(like),
        )
        query = query.where(condition)
        count_query = count_query.where(condition)
    total = session.exec(count_query).one()
    rows = session.exec(query.order_by(Order.updated_at.desc(), Order.id.desc()).limit(limit).offset(offset)).all()
    return [
        OrderRow(
            id=order.id,
            reference=order.reference,
            customer=customer.full_name,
            device=device.label if device else "—",
            stage=stage.name,
            stage_color=stage.color,
            location=location.name,
            updated_at=order.updated_at,
        )
        for order, customer, device, stage, location in rows
    ], total


def count_by_stage(session: Session) -> list[tuple[str, str, int]]:
    """(stage name, colour, open orders) for the active workflow, in order."""
    counts = dict(session.exec(select(Order.stage_id, func.count()).group_by(Order.stage_id)).all())
    return [(s.name, s.color, counts.get(s.id, 0)) for s in workflow.active_stages(session)]
