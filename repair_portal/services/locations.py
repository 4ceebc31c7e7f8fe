"""Settings → Locations: contact details, opening hours, branding overrides, (de)activation.

Location has no version column, so an edit carries the values it was loaded with (`original`);
a save is refused whole when the row no longer matches them, naming the fields someone else changed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, not_
from sqlmodel import Session, select

from ..models import Location, Order, ShopSettings, Stage
from . import audit, branding, colours, deposits, edits, hours, locking, phones
from .emails import is_valid_email
from .hours import Hours, closed_week
from .mail import opening_hours
from .shop_settings import ACCESS_MODES

INHERIT = ""  # an override left empty: the shop's value applies
LABELS = {
    "name": "name",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "hours": "opening hours",
    "accent_color": "accent colour",
    "welcome_message": "welcome message",
    "access_mode": "portal access",
    "deposit_rule": "deposit",
    "deposit_value": "deposit amount",
    "deposit_required": "deposit required",
    "timezone": "time zone",
}
DEPOSIT_FIELDS = ("deposit_rule", "deposit_value", "deposit_required")
LIMITS = {"name": 200, "phone": 40, "email": 254, "address": 500, "welcome_message": 2000}
# The time zone select's list (quiet hours for texts wait for morning there); a location's own zone is added.
COMMON_TIMEZONES = (
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Brussels",
    "Europe/Amsterdam", "Europe/Berlin", "Europe/Zurich", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw",
    "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Tokyo", "Australia/Perth", "Australia/Brisbane",
    "Australia/Sydney", "Pacific/Auckland", "America/St_Johns", "America/Halifax", "America/New_York",
    "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
    "Pacific/Honolulu", "America/Mexico_City", "America/Sao_Paulo", "UTC",
)  # fmt: skip
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")


@dataclass(frozen=True)
class LocationForm:
    """An editable location. Overrides are '' when the location inherits the shop's value."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    hours: Hours = field(default_factory=closed_week)
    accent_color: str = INHERIT
    welcome_message: str = INHERIT
    access_mode: str = INHERIT
    # The shop's deposit rule overridden here (services/deposits.py): a rule (none, percent, fixed) with
    # its value as typed, and whether it is required ("yes" / "no").
    deposit_rule: str = INHERIT
    deposit_value: str = ""
    deposit_required: str = INHERIT
    timezone: str = INHERIT  # a zoneinfo name for quiet hours ('': the shop's)


class LocationInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class LocationConflict(edits.EditConflict):
    def __init__(self, name: str, changed: list[str], by: str = ""):
        super().__init__(name, changed, by, LABELS)


class LocationError(ValueError):
    """A refused action; the message is for the user."""


@dataclass(frozen=True)
class LocationRow:
    id: int
    name: str
    phone: str  # as people in the shop's country write it
    email: str
    address: str
    active: bool
    open_orders: int
    has_logo: bool
    accent_color: str  # what the portal uses (own or the shop's)
    own_accent: bool
    hours: list[tuple[str, str]]  # ("Monday", "09:00–17:30") for open days


# --- form ----------------------------------------------------------------------------------------


def _clean(form: LocationForm, region: str) -> LocationForm:
    """The values as stored; the phone number in E.164, read as a number of `region` (the shop's country)."""
    accent = form.accent_color.strip()
    access = form.access_mode.strip()
    rule, value, required = deposits.clean_location_fields(form.deposit_rule, form.deposit_value, form.deposit_required)
    return LocationForm(
        name=form.name.strip(),
        phone=phones.to_e164(form.phone, region),
        email=form.email.strip().lower(),
        address=form.address.strip(),
        hours=hours.clean(form.hours),
        accent_color=(colours.normalise(accent) or accent) if accent else INHERIT,
        welcome_message=form.welcome_message.strip(),
        access_mode=INHERIT if access in ("", "inherit") else access,
        deposit_rule=rule,
        deposit_value=value,
        deposit_required=required,
        timezone=form.timezone.strip(),
    )


def timezone_problem(name: str) -> str:
    """Why `name` isn't a time zone this server knows ('' when it is one, or empty: the shop's)."""
    if not name:
        return ""
    try:
        if _ZONE_NAME.fullmatch(name) and ZoneInfo(name):
            return ""
    except (KeyError, ValueError, OSError):  # unknown (ZoneInfoNotFoundError is a KeyError), or not a zone file
        pass
    return "Choose a time zone from the list, or use the shop's."


def timezone_choices(current: str) -> list[str]:
    """The select's zones: the common ones, and the location's own when it isn't among them."""
    extra = [current] if current and current not in COMMON_TIMEZONES and not timezone_problem(current) else []
    return [*COMMON_TIMEZONES, *extra]


def validate(form: LocationForm, region: str, *, stored_phone: str = "") -> dict[str, str]:
    """Field name -> message. The number already on the location (`stored_phone`) is not judged again."""
    typed_phone = form.phone.strip()
    form = _clean(form, region)
    errors: dict[str, str] = {}
    if not form.name:
        errors["name"] = "Give the location a name customers recognise, like “High Street”."
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            errors[name] = f"Keep it under {limit} characters."
    if typed_phone and "phone" not in errors and not (stored_phone and form.phone == stored_phone):
        problem = phones.problem(typed_phone, region)
        if problem:
            errors["phone"] = problem
    if form.email and not is_valid_email(form.email) and "email" not in errors:
        errors["email"] = "Enter an email address like shop@example.com."
    if form.accent_color and colours.normalise(form.accent_color) is None:
        errors["accent_color"] = "Use a colour like #0f766e, or use the shop's colour."
    elif form.accent_color and (refused := colours.accent_problem(form.accent_color)[0]):
        errors["accent_color"] = refused
    if form.access_mode and form.access_mode not in ACCESS_MODES:
        errors["access_mode"] = "Choose how customers open their page, or use the shop's setting."
    if problem := timezone_problem(form.timezone):
        errors["timezone"] = problem
    errors.update(hours.validate(form.hours))
    errors.update(deposits.parse_location_deposit(form.deposit_rule, form.deposit_value, form.deposit_required)[1])
    return errors


def form_for(location: Location) -> LocationForm:
    rule, value, required = deposits.location_deposit_fields(location)
    return LocationForm(
        name=location.name,
        phone=location.phone,
        email=location.email,
        address=location.address,
        hours=hours.parse(location.opening_hours_json),
        accent_color=location.accent_color or INHERIT,
        welcome_message=location.welcome_message or INHERIT,
        access_mode=location.access_mode or INHERIT,
        deposit_rule=rule,
        deposit_value=value,
        deposit_required=required,
        timezone=location.timezone or INHERIT,
    )


def keep_deposit(mine: LocationForm, original: LocationForm) -> LocationForm:
    """`mine` with the deposit fields as they were: for editors who may not change deposits."""
    return replace(mine, **{name: getattr(original, name) for name in DEPOSIT_FIELDS})


def new_form(session: Session) -> LocationForm:
    """A new location starts with the shop's opening hours (its first active location's)."""
    first = session.exec(select(Location).where(Location.active).order_by(Location.id)).first()
    return LocationForm(hours=hours.parse(first.opening_hours_json)) if first is not None else LocationForm()


def changed_fields(before: LocationForm, after: LocationForm, region: str) -> list[str]:
    a, b = asdict(_clean(before, region)), asdict(_clean(after, region))
    return [f.name for f in fields(LocationForm) if a[f.name] != b[f.name]]


def rebase(original: LocationForm, mine: LocationForm, theirs: LocationForm, region: str) -> LocationForm:
    """The latest saved values with this editor's own edits on top."""
    return edits.rebase(theirs, mine, changed_fields(original, mine, region))


def _apply(location: Location, form: LocationForm) -> None:
    location.name = form.name
    location.phone = form.phone
    location.email = form.email
    location.address = form.address
    location.opening_hours_json = hours.to_json(form.hours)
    location.accent_color = colours.normalise(form.accent_color) if form.accent_color else None
    location.welcome_message = form.welcome_message or None
    location.access_mode = form.access_mode or None
    deposit = deposits.parse_location_deposit(form.deposit_rule, form.deposit_value, form.deposit_required)[0]
    location.deposit_rule, location.deposit_value = deposit.rule, deposit.value
    location.deposit_required = deposit.required
    location.timezone = form.timezone or None


# --- queries -------------------------------------------------------------------------------------


def open_order_count(session: Session, location_id: int) -> int:
    """Orders at the location that have not reached a final stage."""
    return session.exec(
        select(func.count(Order.id))
        .join(Stage, Stage.id == Order.stage_id)
        .where(Order.location_id == location_id)
        .where(not_(Stage.is_terminal))
    ).one()


def list_locations(session: Session) -> list[LocationRow]:
    """Active locations first, then by creation order."""
    shop = ShopSettings.current(session)
    region = phones.region_or_default(shop.country)
    rows = session.exec(select(Location).order_by(Location.active.desc(), Location.id)).all()
    return [
        LocationRow(
            id=loc.id,
            name=loc.name,
            phone=phones.display(loc.phone, region),
            email=loc.email,
            address=loc.address,
            active=loc.active,
            open_orders=open_order_count(session, loc.id),
            has_logo=bool(loc.logo_path),
            accent_color=branding.accent_for(shop, loc),
            own_accent=bool(loc.accent_color),
            hours=opening_hours(loc),
        )
        for loc in rows
    ]


def _get(session: Session, location_id: int, *, lock: bool = False) -> Location:
    location = locking.row(session, Location, location_id) if lock else session.get(Location, location_id)
    if location is None:
        raise LocationError("That location no longer exists.")
    return location


# --- changes -------------------------------------------------------------------------------------


def create_location(session: Session, form: LocationForm, actor: audit.Actor) -> Location:
    region = phones.shop_region(session)
    form = _clean(form, region)
    errors = validate(form, region)
    if errors:
        raise LocationInvalid(errors)
    location = Location(name=form.name)
    _apply(location, form)
    session.add(location)
    session.flush()
    audit.record(session, actor, "settings.location_created", location_id=location.id, name=location.name)
    return location


def update_location(
    session: Session, location_id: int, form: LocationForm, *, original: LocationForm, actor: audit.Actor
) -> list[str]:
    """Save the edit; returns the changed field names. Raises LocationInvalid or LocationConflict.

    Run it in `write_session` so the comparison and the write are one transaction.
    """
    region = phones.shop_region(session)
    location = _get(session, location_id, lock=True)  # compared and written under one lock
    form = _clean(form, region)
    errors = validate(form, region, stored_phone=location.phone)
    if errors:
        raise LocationInvalid(errors)
    current = form_for(location)
    theirs = changed_fields(original, current, region)
    if theirs:
        raise LocationConflict(location.name, theirs)
    changed = changed_fields(current, form, region)
    if not changed:
        return []
    _apply(location, form)
    session.add(location)
    audit.record(session, actor, "settings.location_changed", location_id=location.id, fields=changed)
    return changed


def deactivate_location(session: Session, location_id: int, actor: audit.Actor) -> int:
    """Hide the location from new orders; returns how many open orders it still has."""
    location = _get(session, location_id)
    if not location.active:
        return open_order_count(session, location_id)
    others = session.exec(
        select(func.count(Location.id)).where(Location.active).where(Location.id != location_id)
    ).one()
    if others == 0:
        raise LocationError(
            f"{location.name} is your only active location, so it can't be deactivated. "
            "Add or reactivate another location first."
        )
    open_orders = open_order_count(session, location_id)
    location.active = False
    session.add(location)
    audit.record(session, actor, "settings.location_deactivated", location_id=location.id, open_orders=open_orders)
    return open_orders


def reactivate_location(session: Session, location_id: int, actor: audit.Actor) -> None:
    location = _get(session, location_id)
    if location.active:
        return
    location.active = True
    session.add(location)
    audit.record(session, actor, "settings.location_reactivated", location_id=location.id)


def set_location_logo(session: Session, files_dir: Path, location_id: int, data: bytes, actor: audit.Actor) -> str:
    _get(session, location_id)
    return branding.set_logo(session, files_dir, data, actor, location_id=location_id)


def remove_location_logo(session: Session, location_id: int, actor: audit.Actor) -> bool:
    _get(session, location_id)
    return branding.remove_logo(session, actor, location_id=location_id)
