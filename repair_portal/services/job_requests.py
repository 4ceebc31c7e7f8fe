"""A portal user asks the shop for new work from their account ("Request a job"): the site, the job type
(the shop's list), an existing asset or a new device, a description, a preferred date and their PO number.

The request becomes an order at the workflow's "Requested" stage (services/workflow.requested_stage) with
`requested_by_id` set, so staff see it on the board flagged as a customer request and the customer sees it
in their order list at once. Every id is re-scoped to the account here: another account's site or asset
is simply unknown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ..models import Customer, Device, Location, Order, PortalUser, ShopSettings, Site, Stage
from . import asset_portal, assets, audit, clock, shop_settings, timefmt, workflow
from .orders import create_order

MAX_DESCRIPTION = 4000  # Order.problem
MAX_PO = 60  # Order.po_number
MAX_DAYS_AHEAD = 365
PREFERRED_HOUR = 9  # a preferred day is stored as 09:00 shop time (UTC in the database)
NEW_DEVICE_LIMITS = {"kind": 40, "make": 100, "model": 100, "serial": 100}  # Device's columns
CLOSED = "The shop isn't taking requests online at the moment. Please call or email them instead."


class RequestError(ValueError):
    """A refused request; the message is safe to show. `field` names the form field at fault ('' for the
    whole form); `errors` holds every field's problem (field → message) when there are several."""

    def __init__(self, message: str, field: str = "", errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.errors = dict(errors or ({field: message} if field else {}))


@dataclass(frozen=True)
class NewDevice:
    """A device the account hasn't got on file yet, as the customer describes it."""

    kind: str = ""
    make: str = ""
    model: str = ""
    serial: str = ""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class RequestOptions:
    """What the request form offers this account (only its own active sites and assets)."""

    taking_requests: bool
    sites: list[Choice] = field(default_factory=list)
    job_types: list[str] = field(default_factory=list)
    assets: list[Choice] = field(default_factory=list)
    first_day: str = ""  # ISO dates bounding the preferred-date input (shop time zone)
    last_day: str = ""


def job_types(session: Session) -> list[str]:
    """The shop's job types (Settings → Shop), in its order; empty: requests don't ask for one."""
    return shop_settings.job_type_list(ShopSettings.current(session).job_types)


def request_location(session: Session) -> Location | None:
    """Where requests are taken in: the shop's first active location."""
    return session.exec(select(Location).where(Location.active).order_by(Location.id)).first()


def _today(session: Session) -> date:
    return clock.now().astimezone(ZoneInfo(timefmt.shop_timezone(session))).date()


def _active_sites(session: Session, customer_id: int) -> list[Site]:
    return list(
        session.exec(
            select(Site).where(Site.customer_id == customer_id).where(Site.active).order_by(Site.name, Site.id)
        ).all()
    )


def asset_label(device: Device, site_name: str, view: asset_portal.View) -> str:
    """An asset as the select names it, from the fields the shop shows customers only."""
    title = asset_portal._title(device, view)
    parts = [title]
    make_model = " ".join(p for p, key in ((device.make, "make"), (device.model, "model")) if p and view.shows(key))
    if make_model and make_model != title:
        parts.append(make_model)
    if view.shows("serial") and device.serial and device.serial != title:
        parts.append(device.serial)
    if view.shows("site") and site_name:
        parts.append(site_name)
    return " · ".join(parts)[:200]


def options(session: Session, customer_id: int, *, with_assets: bool) -> RequestOptions:
    """The form's choices. `with_assets`: the user's group may see the account's assets (else the form
    offers only a new device, and no asset reaches their browser)."""
    taking = workflow.requested_stage(session) is not None and request_location(session) is not None
    sites = _active_sites(session, customer_id)
    names = {s.id: s.name for s in session.exec(select(Site).where(Site.customer_id == customer_id)).all()}
    found: list[Choice] = []
    if with_assets:
        view = asset_portal.view_of(session)
        devices = session.exec(
            select(Device).where(Device.customer_id == customer_id).order_by(Device.asset_tag, Device.id).limit(500)
        ).all()
        found = [Choice(str(d.id), asset_label(d, names.get(d.site_id, ""), view)) for d in devices]
    today = _today(session)
    return RequestOptions(
        taking_requests=taking,
        sites=[Choice(str(s.id), s.name) for s in sites],
        job_types=job_types(session),
        assets=found,
        first_day=today.isoformat(),
        last_day=(today + timedelta(days=MAX_DAYS_AHEAD)).isoformat(),
    )


@dataclass(frozen=True)
class CheckedRequest:
    """A request that passed every check, with the rows it refers to."""

    customer: Customer
    user: PortalUser
    stage: Stage
    location: Location
    site: Site | None
    job_type: str
    device: Device | None
    new_device: NewDevice | None
    description: str
    preferred_day: date | None
    po_number: str


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def _check_device(session, customer_id, device_id, new_device, errors) -> tuple[Device | None, NewDevice | None]:
    if device_id is not None:
        device = assets.asset_of(session, customer_id, device_id)
        if device is None:
            errors["device"] = "Choose one of your assets from the list."
        return device, None
    if new_device is None:
        errors["device"] = "Choose the asset the job is for, or describe the new device."
        return None, None
    cleaned = NewDevice(**{name: _one_line(getattr(new_device, name)) for name in NEW_DEVICE_LIMITS})
    if not cleaned.kind:
        errors["new_kind"] = "Say what kind of device it is, e.g. “Laptop” or “Printer”."
    for name, limit in NEW_DEVICE_LIMITS.items():
        if len(getattr(cleaned, name)) > limit:
            errors[f"new_{name}"] = f"Keep this under {limit} characters."
    return None, cleaned


def _check_day(session: Session, preferred_date, errors: dict[str, str]) -> date | None:
    if preferred_date is None or preferred_date == "":
        return None
    if isinstance(preferred_date, date):
        day = preferred_date
    else:
        try:
            day = assets.parse_date(preferred_date)
        except ValueError:
            errors["preferred_date"] = "Enter the date as a date, e.g. 2026-12-24."
            return None
    today = _today(session)
    if day < today:
        errors["preferred_date"] = "Choose today or a later date."
    elif day > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["preferred_date"] = "Choose a date within the next year."
    return day


def check_request(
    session: Session,
    *,
    identity_user_id: int,
    customer_id: int,
    site_id: int | None,
    job_type: str,
    device_id: int | None = None,
    new_device: NewDevice | None = None,
    description: str,
    preferred_date: date | str | None = None,
    po_number: str = "",
) -> CheckedRequest:
    """Every check `request_job` makes, without writing anything. Raises RequestError (all field problems)."""
    customer = session.get(Customer, customer_id) if customer_id else None
    user = session.get(PortalUser, identity_user_id) if identity_user_id else None
    if customer is None or user is None or not user.active or user.customer_id != customer.id:
        raise RequestError("Your sign-in doesn't match this account any more. Sign in again.")
    stage, location = workflow.requested_stage(session), request_location(session)
    if stage is None or location is None:
        raise RequestError(CLOSED)
    errors: dict[str, str] = {}

    active = _active_sites(session, customer.id)
    site = next((s for s in active if s.id == site_id), None) if site_id is not None else None
    if site_id is not None and site is None:
        errors["site"] = "Choose one of your sites from the list."
    elif site is None and active:
        errors["site"] = "Choose the site the work is for."

    types, wanted = job_types(session), _one_line(job_type)
    chosen = next((t for t in types if t.casefold() == wanted.casefold()), None) if wanted else ""
    if types and not wanted:
        errors["job_type"] = "Choose the type of job."
    elif chosen is None or (wanted and not types):
        errors["job_type"] = "Choose one of the listed job types."

    if device_id is not None and new_device is not None:
        errors["device"] = "Choose one of your assets or a new device, not both."
        device, fresh = None, None
    else:
        device, fresh = _check_device(session, customer.id, device_id, new_device, errors)

    text = str(description or "").strip()
    if not text:
        errors["description"] = "Describe what you need: what's wrong, or what should be done."
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description under {MAX_DESCRIPTION:,} characters."

    day = _check_day(session, preferred_date, errors)
    po = _one_line(po_number)
    if len(po) > MAX_PO:
        errors["po_number"] = f"Keep the PO number under {MAX_PO} characters."

    if errors:
        first = next(iter(errors))
        raise RequestError(errors[first], first, errors)
    return CheckedRequest(customer, user, stage, location, site, chosen or "", device, fresh, text, day, po)


def scheduled_at(session: Session, day: date | None) -> datetime | None:
    """A preferred day as the moment stored: 09:00 in the shop's time zone, in UTC."""
    if day is None:
        return None
    zone = ZoneInfo(timefmt.shop_timezone(session))
    return datetime.combine(day, time(PREFERRED_HOUR), zone).astimezone(UTC)


def request_job(
    session: Session,
    secret_key: str,
    *,
    identity_user_id: int,
    customer_id: int,
    site_id: int | None,
    job_type: str,
    device_id: int | None = None,
    new_device: NewDevice | None = None,
    description: str,
    preferred_date: date | str | None = None,
    po_number: str = "",
    actor: audit.Actor,
) -> Order:
    """Create the order at the Requested stage (with a new asset of the account when the device is new).
    Run it in `write_session`: the checks and the writes are one transaction."""
    checked = check_request(
        session,
        identity_user_id=identity_user_id,
        customer_id=customer_id,
        site_id=site_id,
        job_type=job_type,
        device_id=device_id,
        new_device=new_device,
        description=description,
        preferred_date=preferred_date,
        po_number=po_number,
    )
    device = checked.device
    if checked.new_device is not None:
        device = Device(
            customer_id=checked.customer.id,
            site_id=checked.site.id if checked.site else None,
            **{name: getattr(checked.new_device, name) for name in NEW_DEVICE_LIMITS},
        )
        session.add(device)
        session.flush()
    order = create_order(
        session,
        secret_key,
        customer=checked.customer,
        location=checked.location,
        device=device,
        problem=checked.description,
        actor=actor,
        stage=checked.stage,
    ).order
    order.site_id = checked.site.id if checked.site else None
    order.job_type = checked.job_type
    order.scheduled_at = scheduled_at(session, checked.preferred_day)
    order.po_number = checked.po_number
    order.requested_by_id = checked.user.id
    session.add(order)
    session.flush()
    audit.record(
        session,
        actor,
        "order.requested",
        order_id=order.id,
        reference=order.reference,
        site_id=order.site_id,
        job_type=order.job_type,
        device_id=device.id if device else None,
        new_device=checked.new_device is not None,
        preferred_date=checked.preferred_day.isoformat() if checked.preferred_day else None,
        po_number=order.po_number,
    )
    return order


@dataclass(frozen=True)
class RequestFacts:
    """What the shop's email says about a request (services/mail.py)."""

    account: str
    site: str
    job_type: str
    preferred: str
    po_number: str
    requested_by: str


def facts(session: Session, order: Order) -> RequestFacts:
    customer = session.get(Customer, order.customer_id)
    site = session.get(Site, order.site_id) if order.site_id else None
    user = session.get(PortalUser, order.requested_by_id) if order.requested_by_id else None
    tz = timefmt.shop_timezone(session)
    return RequestFacts(
        account=(customer.company or customer.full_name) if customer else "",
        site=", ".join(p for p in ((site.name, site.address) if site else ()) if p),
        job_type=order.job_type,
        preferred=timefmt.date(order.scheduled_at, tz) if order.scheduled_at else "",
        po_number=order.po_number,
        requested_by=f"{user.name} <{user.email}>" if user and user.name else (user.email if user else ""),
    )
