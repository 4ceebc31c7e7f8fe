"""Everything the staff order page shows, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..models import (
    Customer,
    Device,
    Location,
    Order,
    OutboxMessage,
    Quote,
    QuoteStatus,
    StaffUser,
    Stage,
    StatusEvent,
)
from . import alerts, order_job, orders, phones, portal_links, sites, timefmt
from .email_templates import TEMPLATES
from .intake import IntakeCheck, checks_of


@dataclass(frozen=True)
class HistoryItem:
    stage: str
    color: str
    at: str
    by: str


@dataclass(frozen=True)
class EmailItem:
    id: int
    template: str
    to: str
    status: str
    backend: str
    when: str
    error: str


@dataclass(frozen=True)
class OpenAlert:
    """A customer action on this order nobody has handled yet."""

    id: int
    label: str
    summary: str
    at: str
    icon: str
    color: str


def _open_alert(alert, tz: str) -> OpenAlert:
    label, icon, color = alerts.kind_label(alert.kind)
    return OpenAlert(alert.id, label, alert.summary, timefmt.short(alert.created_at, tz), icon, color)


@dataclass(frozen=True)
class OrderSummary:
    """What the staff order page shows about the order at a glance (no secrets: no tracking code)."""

    reference: str = ""
    stage: str = ""
    stage_color: str = "gray"
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    email_updates: bool = False
    device: str = ""
    serial: str = ""
    problem: str = ""
    intake_condition: str = ""
    accessories: str = ""
    intake_checks: list[IntakeCheck] = field(default_factory=list)
    has_passcode: bool = False
    passcode_deleted: str = ""  # when the passcode was deleted (collection), shop time
    location: str = ""
    booked_in: str = ""
    promised: str = ""
    overdue: bool = False  # the promised date passed and it isn't ready yet
    assigned_to: str = ""
    has_quote: bool = False
    open_alerts: list[OpenAlert] = field(default_factory=list)
    site: str = ""  # the customer's site the job is for (business accounts)
    scheduled: str = ""  # shop time, date and time
    po_number: str = ""
    job_type: str = ""
    requested_by: str = ""  # a customer request: the portal user who asked ('' = booked in by staff)
    requested_at: str = ""
    preferred: str = ""  # the day they asked for
    requested_site: str = ""  # the site they asked for


@dataclass(frozen=True)
class OrderDetail:
    id: int
    reference: str
    version: int
    stage_id: int
    stage: str
    stage_color: str
    customer_name: str
    customer_email: str
    customer_phone: str
    email_updates: bool
    device: str
    serial: str
    problem: str
    intake_condition: str
    accessories: str
    intake_checks: list[IntakeCheck]
    has_passcode: bool
    passcode_deleted: str
    location: str
    booked_in: str
    promised: str
    overdue: bool
    assigned_to: str
    tracking_code: str | None
    has_quote: bool
    open_alerts: list[OpenAlert]
    site: str
    scheduled: str
    po_number: str
    job_type: str
    requested_by: str
    requested_at: str
    preferred: str
    requested_site: str
    history: list[HistoryItem]
    emails: list[EmailItem]

    @property
    def summary(self) -> OrderSummary:
        return OrderSummary(**{f: getattr(self, f) for f in OrderSummary.__dataclass_fields__})


EMAIL_STATUS_LABELS = {"queued": "Queued", "sending": "Sending", "sent": "Sent", "failed": "Failed"}


def email_items(session: Session, order_id: int, tz: str) -> list[EmailItem]:
    rows = session.exec(
        select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.created_at.desc())
    ).all()
    items = []
    for m in rows:
        status = EMAIL_STATUS_LABELS.get(m.status, m.status)
        if m.status == "sent" and m.backend == "outbox":
            status = "In outbox (email not set up)"
        elif m.status == "queued" and m.attempts:
            status = f"Retrying (attempt {m.attempts + 1})"
        items.append(
            EmailItem(
                id=m.id,
                template=TEMPLATES[m.template].label if m.template in TEMPLATES else m.template,
                to=m.to_email,
                status=status,
                backend=m.backend,
                when=timefmt.short(m.sent_at or m.created_at, tz),
                error=m.last_error,
            )
        )
    return items


def order_detail(session: Session, order_id: int, secret_key: str) -> OrderDetail | None:
    order = session.get(Order, order_id)
    if order is None:
        return None
    tz = timefmt.shop_timezone(session)
    customer = session.get(Customer, order.customer_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    stage = session.get(Stage, order.stage_id)
    location = session.get(Location, order.location_id)
    tech = session.get(StaffUser, order.assigned_to_id) if order.assigned_to_id else None
    stages = {s.id: s for s in session.exec(select(Stage))}
    staff_names = {u.id: u.name for u in session.exec(select(StaffUser))}
    site = sites.site_of(session, order.customer_id, order.site_id)
    request = order_job.request_note(session, order, tz)
    events = session.exec(
        select(StatusEvent)
        .where(StatusEvent.order_id == order_id)
        .order_by(StatusEvent.at.desc(), StatusEvent.id.desc())
    ).all()
    return OrderDetail(
        id=order.id,
        reference=order.reference,
        version=order.version,
        stage_id=stage.id,
        stage=stage.name,
        stage_color=stage.color,
        customer_name=customer.full_name,
        customer_email=customer.email,
        customer_phone=phones.display(customer.phone, phones.shop_region(session)),
        email_updates=customer.email_updates,
        device=device.label if device else "—",
        serial=device.serial if device else "",
        problem=order.problem,
        intake_condition=order.intake_condition,
        accessories=order.accessories,
        intake_checks=checks_of(order.intake_checks_json),
        has_passcode=order.passcode_encrypted is not None,
        passcode_deleted=timefmt.short(order.passcode_deleted_at, tz),
        location=location.name if location else "",
        booked_in=timefmt.short(order.booked_in_at, tz),
        promised=timefmt.date(order.promised_at, tz),
        overdue=orders.is_overdue(order, stage),
        assigned_to=tech.name if tech else "Unassigned",
        tracking_code=portal_links.current_code(session, secret_key, order.id),
        has_quote=session.exec(
            select(Quote.id).where(Quote.order_id == order.id).where(Quote.status != QuoteStatus.DRAFT.value)
        ).first()
        is not None,
        open_alerts=[_open_alert(a, tz) for a in alerts.open_for_order(session, order.id)],
        site=site.name if site is not None else "",
        scheduled=timefmt.short(order.scheduled_at, tz),
        po_number=order.po_number,
        job_type=order.job_type,
        requested_by=request.requested_by if request else "",
        requested_at=request.requested_at if request else "",
        preferred=request.preferred if request else "",
        requested_site=request.site if request else "",
        history=[
            HistoryItem(
                stages[e.to_stage_id].name,
                stages[e.to_stage_id].color,
                timefmt.short(e.at, tz),
                staff_names.get(e.staff_user_id, "System") if e.staff_user_id else "System",
            )
            for e in events
        ],
        emails=email_items(session, order_id, tz),
    )
