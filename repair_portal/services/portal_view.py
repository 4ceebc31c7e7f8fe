"""Everything the customer portal shows for one order, as plain data, honouring the shop's toggles."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import (
    Attachment,
    AttachmentKind,
    Device,
    Location,
    Order,
    Payment,
    Quote,
    QuoteStatus,
    ShopSettings,
    StageKind,
    StatusEvent,
)
from . import mail, messages, money, phones, timefmt, tracking
from . import payments as payments_service
from .branding import accent_for
from .pay_view import PayView
from .quotes import quote_totals


@dataclass(frozen=True)
class Step:
    label: str
    explanation: str
    state: str  # done, current, upcoming
    at: str


@dataclass(frozen=True)
class FileItem:
    id: int
    title: str
    is_photo: bool
    added: str


@dataclass(frozen=True)
class PaymentItem:
    date: str
    method: str
    amount: str
    refund: bool


@dataclass(frozen=True)
class HoursItem:
    day: str
    hours: str


@dataclass(frozen=True)
class ContactView:
    """How to reach the location that has the order (on every customer page, a dead link's included)."""

    name: str = ""
    phone: str = ""  # as people in the shop's country write it
    phone_href: str = ""  # tel: link that phones dial (E.164, so it works from abroad too)
    email: str = ""
    address: str = ""
    hours: list[HoursItem] = field(default_factory=list)


def contact_view(location: Location | None, region: str) -> ContactView:
    """`region`: the shop's country, whose numbers are shown without the country code."""
    if location is None:
        return ContactView()
    return ContactView(
        name=location.name,
        phone=phones.display(location.phone, region),
        phone_href=phones.tel_href(location.phone, region),
        email=location.email,
        address=location.address,
        hours=[HoursItem(day, hours) for day, hours in mail.opening_hours(location, include_closed=True)],
    )


@dataclass(frozen=True)
class PortalView:
    """One order as its customer may see it. Every field has a default, so an empty view is what a
    page shows before (or instead of) an order."""

    reference: str = ""
    shop_name: str = ""
    accent: str = ""
    welcome: str = ""
    first_name: str = ""
    device: str = ""
    problem: str = ""
    public_note: str = ""
    booked_in: str = ""
    promised: str = ""
    stage_label: str = ""
    stage_explanation: str = ""
    steps: list[Step] = field(default_factory=list)
    show_explanations: bool = True
    show_photos: bool = True
    show_documents: bool = True
    show_quote: bool = True
    show_payments: bool = True
    show_messages: bool = True
    files: list[FileItem] = field(default_factory=list)
    files_tab: str = "Photos"  # "Photos & documents" once a document is shared
    payments: list[PaymentItem] = field(default_factory=list)
    total: str = ""
    paid: str = ""
    balance: str = ""
    has_total: bool = False
    thread: list[messages.ThreadItem] = field(default_factory=list)
    pay: PayView = field(default_factory=PayView)  # what may be paid online (filled by the page: pay_view.for_order)
    contact: ContactView = field(default_factory=ContactView)
    stage_position: int = 0  # the current step, counting from 1
    progress_percent: int = 0


@dataclass
class StageView:
    """The stage and timeline fields of a view: a page holds them in a var of their own, so a live stage
    change sends only them."""

    stage_label: str = ""
    stage_explanation: str = ""
    steps: list[Step] = field(default_factory=list)
    stage_position: int = 0
    progress_percent: int = 0


STAGE_FIELDS = ("stage_label", "stage_explanation", "steps", "stage_position", "progress_percent")


def split(view: PortalView) -> tuple[PortalView, StageView, list[messages.ThreadItem]]:
    """The view as a page holds it: the rest, the stage part, the messages (each sent only when it changes)."""
    stage = StageView(**{name: getattr(view, name) for name in STAGE_FIELDS})
    rest = replace(view, thread=[], **{name: getattr(StageView(), name) for name in STAGE_FIELDS})
    return rest, stage, list(view.thread)


def join(rest: PortalView, stage: StageView, thread: list[messages.ThreadItem]) -> PortalView:
    """The whole view again from the parts `split` made."""
    return replace(rest, thread=list(thread), **{name: getattr(stage, name) for name in STAGE_FIELDS})


def progress(steps: list[Step]) -> tuple[int, int]:
    """(position of the current step from 1, percent of the way) for the progress bar."""
    position = next((i for i, s in enumerate(steps, start=1) if s.state == "current"), len(steps))
    percent = 100 if len(steps) <= 1 else round(100 * (position - 1) / (len(steps) - 1))
    return position, percent


CHANGE_NOTICES = {
    "stage": "Status changed: {stage}",
    "files": "New photos or documents from the shop",
    "payments": "Your payment summary changed",
    "messages": "New message from the shop",
}


def what_changed(before: PortalView, after: PortalView) -> str | None:
    """The part of an open portal page a live update changed (for its highlight and notice), or None."""
    if not before.reference or before.reference != after.reference:
        return None
    for part, old, new in (
        ("stage", before.stage_label, after.stage_label),
        ("files", len(before.files), len(after.files)),
        ("payments", before.paid, after.paid),
        ("messages", len(before.thread), len(after.thread)),
        ("payments", before.total, after.total),
    ):
        if old != new:
            return part
    return None


def change_notice(part: str, view: PortalView | StageView) -> str:
    return CHANGE_NOTICES[part].format(stage=view.stage_label)


def billed_total(session: Session, order_id: int) -> tuple[int, str] | None:
    """(total, currency) of the order's issued invoice (its extra lines count), else of the approved
    quote, else of the quote awaiting a decision."""
    from ..models import Invoice, InvoiceStatus

    invoice = session.exec(
        select(Invoice)
        .where(Invoice.order_id == order_id)
        .where(Invoice.status == InvoiceStatus.ISSUED.value)
        .order_by(Invoice.id.desc())
    ).first()
    if invoice is not None:
        return invoice.total_minor, invoice.currency
    for status in (QuoteStatus.APPROVED, QuoteStatus.SENT):
        quote = session.exec(
            select(Quote)
            .where(Quote.order_id == order_id)
            .where(Quote.status == status.value)
            .order_by(Quote.version.desc())
        ).first()
        if quote is not None:
            return quote_totals(session, quote).total, quote.currency
    return None


def _steps(session: Session, order: Order, status: tracking.CustomerStatus, tz: str) -> list[Step]:
    """The public stages, done up to where the order is; the current one says what `status` says.
    An internal stage with its own wording is a step of its own, right after the public stage before it."""
    public, current = tracking.public_stages(session), status.public_stage
    reached = {
        stage_id: at
        for stage_id, at in session.exec(
            select(StatusEvent.to_stage_id, func.max(StatusEvent.at))
            .where(StatusEvent.order_id == order.id)
            .group_by(StatusEvent.to_stage_id)
        ).all()
    }
    # The customer-requests stage is a step only of orders that started there (never of a walk-in's).
    public = [s for s in public if s.kind != StageKind.REQUESTED.value or s.id in reached or s.id == order.stage_id]
    since = reached.get(order.stage_id)
    interim = Step(status.label, "", "current", timefmt.short(since, tz) if since else "")
    steps = [interim] if status.interim and current.id == order.stage_id else []  # no public stage before it
    for stage in public:
        passed = stage.position < current.position or (stage.id == current.id and (stage.is_terminal or status.interim))
        state = "done" if passed else "current" if stage.id == current.id else "upcoming"
        at = reached.get(stage.id)
        label, explanation = (
            status.passed_label(stage)
            if state == "done"
            else (stage.customer_label or stage.name, stage.customer_explanation or "")
        )
        if state == "current":
            label, explanation = status.label, status.explanation
        steps.append(Step(label, explanation, state, timefmt.short(at, tz) if at and state != "upcoming" else ""))
        if status.interim and stage.id == current.id:
            steps.append(interim)
    return steps


def _stage_fields(session: Session, order: Order, status: tracking.CustomerStatus, tz: str) -> dict:
    steps = _steps(session, order, status, tz)
    position, percent = progress(steps)
    return dict(
        stage_label=status.label,
        stage_explanation=status.explanation,
        steps=steps,
        stage_position=position,
        progress_percent=percent,
    )


_STAGE_PARTS: dict[tuple[int, int, int], tuple[float, dict]] = {}
STAGE_PART_SECONDS = 5.0  # how long one reading serves every open page of the order


def stage_part(session: Session, order: Order) -> dict:
    """The order's stage and timeline fields of a view (what a live stage change needs).

    Every open page of the order needs them at once after a change, and they are the same for all of them:
    read once per order version and served to the others for a few seconds."""
    key, now = (order.id, order.version, order.stage_id), time.monotonic()
    hit = _STAGE_PARTS.get(key)
    if hit is None or now - hit[0] > STAGE_PART_SECONDS:
        shop = ShopSettings.current(session)
        status = tracking.customer_status(session, order)
        hit = _STAGE_PARTS[key] = (now, _stage_fields(session, order, status, shop.timezone))
        for old in [k for k, (at, _) in _STAGE_PARTS.items() if now - at > STAGE_PART_SECONDS]:
            del _STAGE_PARTS[old]
    return hit[1]


def with_new_stage(session: Session, view: PortalView, order: Order) -> PortalView:
    """`view` with only its stage and timeline read again."""
    return replace(view, **stage_part(session, order))


def portal_view(session: Session, order_id: int, *, for_customer: bool = True) -> PortalView:
    """What the portal shows. For the customer, parts the shop switched off are left out of the
    data itself (not just hidden), so they never reach the browser; staff get everything."""
    order = session.get(Order, order_id)
    shop = ShopSettings.current(session)
    tz = shop.timezone
    location = session.get(Location, order.location_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    status = tracking.customer_status(session, order)
    from ..models import Customer

    customer = session.get(Customer, order.customer_id)
    kinds = []
    if shop.show_photos:
        kinds.append(AttachmentKind.PHOTO.value)
    if shop.show_documents:
        kinds.append(AttachmentKind.DOCUMENT.value)
    files = (
        session.exec(
            select(Attachment)
            .where(Attachment.order_id == order_id)
            .where(Attachment.visible_to_customer)
            .where(Attachment.kind.in_(kinds))
            .order_by(Attachment.created_at)
        ).all()
        if kinds
        else []
    )
    has_documents = any(f.kind != AttachmentKind.PHOTO.value for f in files)
    billed = billed_total(session, order_id)
    currency = billed[1] if billed else shop.currency
    payment_rows = session.exec(select(Payment).where(Payment.order_id == order_id).order_by(Payment.received_at))
    payments = list(payment_rows)
    paid = sum(p.amount_minor for p in payments)
    total = billed[0] if billed else 0
    hide_money = for_customer and not shop.show_payments
    if hide_money:
        payments, paid, total, billed = [], 0, 0, None
    return PortalView(
        reference=order.reference,
        shop_name=shop.name,
        accent=accent_for(shop, location),
        welcome=(location.welcome_message if location and location.welcome_message else None) or shop.welcome_message,
        first_name=customer.first_name if customer else "",
        device=device.label if device else "",
        problem=order.problem,
        public_note=order.public_note,
        booked_in=timefmt.date(order.booked_in_at, tz),
        promised=timefmt.date(order.promised_at, tz),
        **_stage_fields(session, order, status, tz),
        show_explanations=shop.show_timeline_explanations,
        show_photos=shop.show_photos,
        show_documents=shop.show_documents,
        show_quote=shop.show_quote,
        show_payments=shop.show_payments,
        show_messages=shop.show_messages,
        files_tab="Photos & documents" if has_documents else "Photos",
        files=[
            FileItem(
                f.id,
                f.title or ("Photo" if f.kind == "photo" else "Document"),
                f.kind == "photo",
                timefmt.date(f.created_at, tz),
            )
            for f in files
        ],
        payments=[
            PaymentItem(
                timefmt.date(p.received_at, tz),
                payments_service.method_label(p.method),
                money.format_money(p.amount_minor, currency),
                p.amount_minor < 0,
            )
            for p in payments
        ],
        total=money.format_money(total, currency),
        paid=money.format_money(paid, currency),
        balance=money.format_money(total - paid, currency),
        has_total=billed is not None,
        thread=_thread(session, order_id, shop, for_customer),
        contact=contact_view(location, shop.country),
    )


def _thread(session: Session, order_id: int, shop: ShopSettings, for_customer: bool) -> list[messages.ThreadItem]:
    return messages.thread(session, order_id, shop.timezone) if shop.show_messages or not for_customer else []


def customer_thread(session: Session, order_id: int) -> list[messages.ThreadItem]:
    """Only the messages part of the customer's view (a page that has just posted re-reads no more)."""
    return _thread(session, order_id, ShopSettings.current(session), True)
