"""An order's job details besides the repair itself: the customer's site, when the job is scheduled, the
customer's purchase-order number and the job type (the shop's list). Staff set them in the order's details
form (services/order_edit.py); a customer request fills them from the portal (services/job_requests.py).

The schedule is a moment: stored in UTC, typed and shown in the shop's time zone. A site is only ever one of
the order's own customer's sites (a business account's): any other id is simply unknown."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ..models import AuditEvent, Customer, CustomerKind, Order, PortalUser, ShopSettings, Site
from . import clock, shop_settings, sites, timefmt
from .ids import parse_id

MAX_PO = 60  # Order.po_number
DEFAULT_HOUR = 9  # a day typed without a time is 09:00 shop time (as a customer's preferred day)
YEARS_EITHER_SIDE = 5  # a schedule further away than this is a typing mistake
FORM_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def one_line(value) -> str:
    """Spaces tidied: a PO number or a job type is one line."""
    return " ".join(str(value or "").split())


# --- the schedule -------------------------------------------------------------------------------------------


def schedule_value(moment: datetime | None, tz: str) -> str:
    """The stored moment as the form holds it ('2026-12-03T14:30', shop time), '' for none."""
    return moment.astimezone(ZoneInfo(tz)).strftime(FORM_FORMAT) if moment else ""


def _local(text: str) -> datetime:
    """A typed local time ('2026-12-03T14:30', '2026-12-03 14:30', or a day alone: 09:00); ValueError else."""
    raw = str(text or "").strip()
    if len(raw) > 25:
        raise ValueError(raw)
    if len(raw) == 10:
        return datetime.combine(date.fromisoformat(raw), time(DEFAULT_HOUR))
    found = datetime.fromisoformat(raw)
    if found.tzinfo is not None:  # the form sends shop time; an offset means it came from somewhere else
        raise ValueError(raw)
    return found.replace(second=0, microsecond=0)


def canonical_schedule(text: str) -> str:
    """The form's value in one spelling (seconds dropped, a day alone at 09:00), so re-typing the same
    moment is no change; anything unreadable is kept as typed for the validation to name."""
    try:
        return _local(text).strftime(FORM_FORMAT) if str(text or "").strip() else ""
    except ValueError:
        return str(text or "").strip()


def schedule_problem(text: str, tz: str) -> str:
    """Why a typed schedule can't be saved ('' when it can, or when it is empty)."""
    if not str(text or "").strip():
        return ""
    try:
        moment = _local(text)
    except ValueError:
        return "Use a date and time like 2026-12-24 09:30."
    today = clock.now().astimezone(ZoneInfo(tz)).date()
    if abs((moment.date() - today).days) > YEARS_EITHER_SIDE * 366:
        return f"Choose a date within {YEARS_EITHER_SIDE} years of today."
    return ""


def parse_schedule(text: str, tz: str) -> datetime | None:
    """The typed shop-time moment in UTC (None for empty). Check `schedule_problem` first."""
    if not str(text or "").strip():
        return None
    return _local(text).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


# --- job type and site --------------------------------------------------------------------------------------


def job_types(session: Session) -> list[str]:
    """The shop's job types (Settings → Shop), in its order."""
    return shop_settings.job_type_list(ShopSettings.current(session).job_types)


def job_type_choice(session: Session, wanted: str) -> str | None:
    """The shop's own spelling of a typed job type ('' for none), None when it isn't on the list."""
    wanted = one_line(wanted)
    if not wanted:
        return ""
    return next((t for t in job_types(session) if t.casefold() == wanted.casefold()), None)


def job_type_problem(session: Session, wanted: str) -> str:
    return "" if job_type_choice(session, wanted) is not None else "Choose one of the shop's job types."


def po_problem(text: str) -> str:
    if len(one_line(text)) > MAX_PO:
        return f"A PO number is at most {MAX_PO} characters: this one has {len(one_line(text))}."
    return ""


def is_business(session: Session, customer_id: int) -> bool:
    customer = session.get(Customer, customer_id) if customer_id else None
    return customer is not None and customer.kind == CustomerKind.BUSINESS.value


def site_problem(session: Session, customer_id: int, site_id: str) -> str:
    """'' when `site_id` is empty or one of this customer's active sites; a message otherwise (another
    customer's site, a forged id, a closed site, a customer who isn't a business account)."""
    if not str(site_id or "").strip():
        return ""
    if not is_business(session, customer_id):
        return "Only business accounts have sites."
    site = sites.site_of(session, customer_id, parse_id(site_id))
    if site is None or not site.active:
        return "Choose one of this customer's sites."
    return ""


@dataclass(frozen=True)
class JobChoices:
    """What the details form offers for this order."""

    sites: list[tuple[str, str]]  # (id, name): the customer's active sites, and the order's own if closed
    job_types: list[str]  # the shop's list, and the order's own if it has left the list
    has_sites: bool  # a business account (the site field is shown)


def choices(session: Session, order: Order) -> JobChoices:
    business = is_business(session, order.customer_id)
    found = (
        session.exec(
            select(Site)
            .where(Site.customer_id == order.customer_id)
            .where(Site.active | (Site.id == order.site_id))
            .order_by(Site.name, Site.id)
        ).all()
        if business or order.site_id
        else []
    )
    types = job_types(session)
    if order.job_type and order.job_type.casefold() not in {t.casefold() for t in types}:
        types.append(order.job_type)
    return JobChoices([(str(s.id), s.name) for s in found], types, business or order.site_id is not None)


# --- what a customer request asked for ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestNote:
    """A customer request as it was made (the order's own fields may have been changed by staff since)."""

    requested_by: str  # the portal user: "Dana Whitfield <dana@…>"
    requested_at: str  # shop time
    preferred: str  # the day they asked for, '' if none
    site: str  # the site they asked for, '' if none


def _user_text(user: PortalUser | None, customer_id: int) -> str:
    if user is None or user.customer_id != customer_id:
        return "a portal user who no longer exists"
    return f"{user.name} <{user.email}>" if user.name else user.email


def request_note(session: Session, order: Order, tz: str) -> RequestNote | None:
    """Who asked for this order from the account portal, when, and the day and site they asked for (from
    the request's audit record); None for an order staff booked in."""
    if order.requested_by_id is None:
        return None
    user = session.get(PortalUser, order.requested_by_id)
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order.id)
        .where(AuditEvent.action == "order.requested")
        .order_by(AuditEvent.id)
    ).first()
    try:
        detail = json.loads(event.detail) if event is not None and event.detail else {}
    except ValueError:
        detail = {}
    detail = detail if isinstance(detail, dict) else {}
    preferred = ""
    try:
        day = date.fromisoformat(str(detail.get("preferred_date") or ""))
        preferred = f"{day.day} {day.strftime('%b %Y')}"
    except ValueError:
        pass
    site = sites.site_of(session, order.customer_id, parse_id(detail.get("site_id")))
    return RequestNote(
        requested_by=_user_text(user, order.customer_id),
        requested_at=timefmt.short(event.at if event is not None else order.created_at, tz),
        preferred=preferred,
        site=site.name if site is not None else "",
    )
