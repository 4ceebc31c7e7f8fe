"""Customer actions staff must see: the bell's unread count (per staff member), the inbox, and the
board's "needs attention" (alerts nobody has handled yet)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..models import AlertKind, AlertRead, Customer, CustomerAlert, Location, Order
from . import clock, timefmt

KIND_LABELS = {
    AlertKind.APPROVED.value: ("Approved the quote", "circle-check", "green"),
    AlertKind.DECLINED.value: ("Declined the quote", "circle-x", "red"),
    AlertKind.SIGNED.value: ("Signed", "pen-line", "blue"),
    AlertKind.PAID.value: ("Paid", "credit-card", "green"),
    AlertKind.MESSAGE.value: ("Wrote a message", "message-circle", "amber"),
    AlertKind.FEEDBACK.value: ("Left feedback", "star", "amber"),
    AlertKind.REQUEST.value: ("Requested a job", "inbox", "violet"),
    AlertKind.REMINDER.value: ("Was sent a reminder", "alarm-clock", "gray"),
}
ALERT_ICONS = (*(icon for _label, icon, _colour in KIND_LABELS.values()), "bell")  # every icon an alert shows
PAGE = 50


def kind_label(kind: str) -> tuple[str, str, str]:
    """(what the customer did, lucide icon, colour) for an alert kind."""
    return KIND_LABELS.get(kind, (kind, "bell", "gray"))


def record(
    session: Session, order: Order, kind: AlertKind, summary: str, *, dedupe_key: str | None = None
) -> CustomerAlert:
    """In the customer action's own transaction: the alert exists exactly when the action does."""
    alert = CustomerAlert(
        order_id=order.id,
        location_id=order.location_id,
        kind=kind.value,
        summary=" ".join(summary.split())[:300],
        dedupe_key=dedupe_key,
        created_at=clock.now(),
    )
    session.add(alert)
    session.flush()
    return alert


def _read_by(staff_user_id: int):
    """A condition on CustomerAlert: this staff member has read it."""
    return (
        select(AlertRead.alert_id)
        .where(AlertRead.alert_id == CustomerAlert.id)
        .where(AlertRead.staff_user_id == staff_user_id)
        .exists()
    )


def _unread(staff_user_id: int):
    return ~_read_by(staff_user_id)


def unread_count(session: Session, staff_user_id: int) -> int:
    return session.exec(select(func.count(CustomerAlert.id)).where(_unread(staff_user_id))).one()


@dataclass(frozen=True)
class AlertView:
    id: int
    order_id: int
    reference: str
    customer: str
    kind: str
    label: str
    icon: str
    color: str
    summary: str
    at: str
    location: str
    unread: bool
    handled: bool


def list_alerts(
    session: Session, staff_user_id: int, *, location_id: int | None = None, unread_only: bool = False
) -> list[AlertView]:
    """Newest first, the latest PAGE of them."""
    read = _read_by(staff_user_id)
    query = (
        select(CustomerAlert, Order.reference, Customer, Location.name, read)
        .join(Order, Order.id == CustomerAlert.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Location, Location.id == CustomerAlert.location_id)
        .order_by(CustomerAlert.created_at.desc(), CustomerAlert.id.desc())
        .limit(PAGE)
    )
    if location_id:
        query = query.where(CustomerAlert.location_id == location_id)
    if unread_only:
        query = query.where(~read)
    tz = timefmt.shop_timezone(session)
    views = []
    for alert, reference, customer, location, is_read in session.exec(query).all():
        label, icon, color = kind_label(alert.kind)
        views.append(
            AlertView(
                id=alert.id,
                order_id=alert.order_id,
                reference=reference,
                customer=customer.full_name or customer.company,
                kind=alert.kind,
                label=label,
                icon=icon,
                color=color,
                summary=alert.summary,
                at=timefmt.short(alert.created_at, tz),
                location=location,
                unread=not is_read,
                handled=alert.handled_at is not None,
            )
        )
    return views


def mark_read(session: Session, staff_user_id: int, alert_ids: list[int] | None = None) -> int:
    """Mark these alerts (None: every alert) read for this staff member; returns how many were new.

    Idempotent and safe to race: an existing read is left as it is."""
    query = select(CustomerAlert.id).where(_unread(staff_user_id))
    if alert_ids is not None:
        query = query.where(CustomerAlert.id.in_(alert_ids[:500]))
    fresh = session.exec(query).all()
    now = clock.now()
    for alert_id in fresh:
        session.merge(AlertRead(staff_user_id=staff_user_id, alert_id=alert_id, read_at=now))
    session.flush()
    return len(fresh)


def open_for_order(session: Session, order_id: int) -> list[CustomerAlert]:
    return list(
        session.exec(
            select(CustomerAlert)
            .where(CustomerAlert.order_id == order_id)
            .where(CustomerAlert.handled_at.is_(None))
            .order_by(CustomerAlert.created_at)
        ).all()
    )


def handle_order(session: Session, order_id: int, staff_user_id: int) -> int:
    """Staff dealt with everything the customer did on this order: it leaves "needs attention"."""
    result = session.exec(
        update(CustomerAlert)
        .where(CustomerAlert.order_id == order_id)
        .where(CustomerAlert.handled_at.is_(None))
        .values(handled_at=clock.now(), handled_by_id=staff_user_id)
    )
    mark_read(
        session, staff_user_id, list(session.exec(select(CustomerAlert.id).where(CustomerAlert.order_id == order_id)))
    )
    return result.rowcount or 0


def open_counts(session: Session, order_ids: list[int]) -> dict[int, int]:
    """Unhandled customer actions per order (the board's badges)."""
    if not order_ids:
        return {}
    rows = session.exec(
        select(CustomerAlert.order_id, func.count(CustomerAlert.id))
        .where(CustomerAlert.order_id.in_(order_ids))
        .where(CustomerAlert.handled_at.is_(None))
        .group_by(CustomerAlert.order_id)
    ).all()
    return dict(rows)


def needing_attention():
    """A condition on Order: it has a customer action nobody has handled yet."""
    return (
        select(CustomerAlert.id)
        .where(CustomerAlert.order_id == Order.id)
        .where(CustomerAlert.handled_at.is_(None))
        .exists()
    )
