"""Settings → Shop: validate and save the shop-wide settings, with optimistic locking on `updated_at`.

A save is refused whole when someone else saved since the editor loaded the form; the message names
the fields they changed, and nothing of theirs is overwritten. `rebase` then gives the editor a form
with their own edits on top of the latest values, so a second, deliberate save can go through.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import available_timezones

from sqlmodel import Session, select

from ..models import AccessMode, AuditEvent, ShopSettings
from . import audit, branding, clock, colours, edits, locking, lookup_widget, phones
from .ids import is_digits

# format_money assumes two decimal places, so only currencies with cents/pence are offered (no JPY).
CURRENCIES = {
    "GBP": "Pound sterling (£)",
    "EUR": "Euro (€)",
    "USD": "US dollar ($)",
    "CAD": "Canadian dollar (C$)",
    "AUD": "Australian dollar (A$)",
    "NZD": "New Zealand dollar (NZ$)",
    "CHF": "Swiss franc (CHF)",
    "SEK": "Swedish krona (SEK)",
    "NOK": "Norwegian krone (NOK)",
    "DKK": "Danish krone (DKK)",
    "PLN": "Polish złoty (PLN)",
    "CZK": "Czech koruna (CZK)",
    "ZAR": "South African rand (ZAR)",
    "INR": "Indian rupee (INR)",
}
# Only the modes the portal enforces today: customer accounts don't exist yet.
ACCESS_MODES = {
    AccessMode.LINK_LAST_NAME.value: "Link + last name check",
    AccessMode.LINK.value: "Link only",
}
TOGGLES = (
    "show_timeline_explanations",
    "show_photos",
    "show_documents",
    "show_quote",
    "show_payments",
    "show_messages",
    "sign_collection_remotely",
)
LABELS = {
    "name": "shop name",
    "accent_color": "accent colour",
    "welcome_message": "welcome message",
    "currency": "currency",
    "tax_label": "tax label",
    "tax_rate": "tax rate",
    "timezone": "time zone",
    "country": "country",
    "access_mode": "portal access",
    "link_expiry_days": "link expiry",
    "quote_reminder_days": "quote reminder",
    "collection_reminder_days": "collection reminder",
    "show_timeline_explanations": "stage explanations",
    "show_photos": "photos",
    "show_documents": "documents",
    "show_quote": "quotes",
    "show_payments": "payments",
    "show_messages": "messages",
    "sign_collection_remotely": "collection signature on the portal",
    "terms_text": "terms",
    "intake_checklist": "intake checklist",
    "job_types": "job types",
    "lookup_frame_origins": "websites that may show the lookup widget",
}
LIMITS = {
    "name": 200,
    "welcome_message": 2000,
    "tax_label": 40,
    "terms_text": 20000,
    "intake_checklist": 2000,
    "job_types": 1000,
    "lookup_frame_origins": 2000,
}
MAX_EXPIRY_DAYS = 3650
MAX_REMINDER_DAYS = 90
_RATE = re.compile(r"\d{1,3}(\.\d{1,2})?")


@dataclass(frozen=True)
class ShopForm:
    """The editable settings as the form holds them: text as typed, switches as booleans."""

    name: str = ""
    accent_color: str = branding.DEFAULT_ACCENT
    welcome_message: str = ""
    currency: str = "GBP"
    tax_label: str = "VAT"
    tax_rate: str = "20"  # percent, as typed: "20", "17.5"
    timezone: str = "Europe/London"
    country: str = phones.DEFAULT_REGION  # ISO 3166 alpha-2: reads and shows phone numbers
    access_mode: str = AccessMode.LINK_LAST_NAME.value
    link_expiry_days: str = "30"
    quote_reminder_days: str = "3"  # 0: off
    collection_reminder_days: str = "5"
    show_timeline_explanations: bool = True
    show_photos: bool = True
    show_documents: bool = True
    show_quote: bool = True
    show_payments: bool = True
    show_messages: bool = True
    sign_collection_remotely: bool = False
    terms_text: str = ""
    intake_checklist: str = ""  # one item per line: ticked at intake, printed on the ticket
    job_types: str = ""  # one per line: what customers choose from when they request a job (Repair, Service...)
    lookup_frame_origins: str = ""  # websites that may frame /lookup, one origin per line

    @classmethod
    def from_dict(cls, data: dict) -> ShopForm:
        """Build from untrusted input: unknown keys dropped, switches must be real booleans."""
        values = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            raw = data[f.name]
            values[f.name] = raw is True if f.name in TOGGLES else str(raw if raw is not None else "")
        return cls(**values)


class ShopSettingsInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class ShopSettingsConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("the shop settings", changed, by, LABELS)


def parse_rate_bp(raw: str) -> int:
    """'20' -> 2000, '17.5' -> 1750, '0' -> 0 basis points. ValueError (a message for the form) otherwise."""
    text = (raw or "").strip().rstrip("%").strip().replace(",", ".")
    if not _RATE.fullmatch(text):
        raise ValueError("Enter a percentage like 20 or 17.5 (at most two decimals).")
    try:
        rate = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise ValueError("Enter a percentage like 20 or 17.5.") from exc
    if rate > 100:
        raise ValueError("The tax rate must be between 0 and 100 %.")
    return int(rate * 100)


def format_rate_input(rate_bp: int) -> str:
    """2000 -> '20', 1750 -> '17.5', 825 -> '8.25' (what the form shows)."""
    whole, frac = divmod(rate_bp, 100)
    return str(whole) if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")


@lru_cache(maxsize=1)
def valid_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def timezones() -> tuple[str, ...]:
    """Time zone names a shop would pick (Area/City), sorted; any valid zoneinfo name is accepted."""
    return tuple(sorted(z for z in valid_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))))


MAX_JOB_TYPE = 60  # Order.job_type
MAX_JOB_TYPES = 30


def job_type_list(text: str) -> list[str]:
    """The shop's job types, one per line: spaces tidied, blanks and repeats (ignoring case) dropped."""
    found: list[str] = []
    for line in (text or "").splitlines():
        item = " ".join(line.split())
        if item and item.casefold() not in {f.casefold() for f in found}:
            found.append(item)
    return found


def job_types_problem(text: str) -> str:
    types = job_type_list(text)
    if any(len(t) > MAX_JOB_TYPE for t in types):
        return f"Keep each job type under {MAX_JOB_TYPE} characters."
    if len(types) > MAX_JOB_TYPES:
        return f"List at most {MAX_JOB_TYPES} job types."
    return ""


def _clean(form: ShopForm) -> ShopForm:
    """Trim text the same way on every side, so whitespace alone is never a change."""
    values = {}
    for f in fields(ShopForm):
        value = getattr(form, f.name)
        values[f.name] = value if f.name in TOGGLES else str(value).strip()
    values["accent_color"] = colours.normalise(values["accent_color"]) or values["accent_color"]
    values["currency"] = values["currency"].upper()
    values["country"] = values["country"].upper()
    return ShopForm(**values)


def validate(form: ShopForm) -> dict[str, str]:
    """Per-field messages; empty when the form can be saved."""
    form = _clean(form)
    errors: dict[str, str] = {}
    if not form.name:
        errors["name"] = "Enter the shop's name, as customers know it."
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            errors[name] = f"Keep it under {limit} characters."
    if colours.normalise(form.accent_color) is None:
        errors["accent_color"] = "Use a colour like #0f766e (a # and six hex digits)."
    elif refused := colours.accent_problem(form.accent_color)[0]:
        errors["accent_color"] = refused
    if form.currency not in CURRENCIES:
        errors["currency"] = "Choose one of the listed currencies."
    try:
        rate = parse_rate_bp(form.tax_rate)
    except ValueError as exc:
        errors["tax_rate"] = str(exc)
    else:
        if rate > 0 and not form.tax_label and "tax_label" not in errors:
            errors["tax_label"] = "Name the tax (for example VAT or GST); it is printed on quotes."
    if form.timezone not in valid_timezones():
        errors["timezone"] = "Choose a time zone from the list, like Europe/London."
    if not phones.is_region(form.country):
        errors["country"] = "Choose the shop's country from the list."
    if form.access_mode not in ACCESS_MODES:
        errors["access_mode"] = "Choose how customers open their page."
    days = form.link_expiry_days
    if not is_digits(days) or not 1 <= int(days) <= MAX_EXPIRY_DAYS:
        errors["link_expiry_days"] = f"Enter a whole number of days from 1 to {MAX_EXPIRY_DAYS}."
    for name in ("quote_reminder_days", "collection_reminder_days"):
        value = getattr(form, name)
        if not is_digits(value) or not 0 <= int(value) <= MAX_REMINDER_DAYS:
            errors[name] = f"Enter a whole number of days from 1 to {MAX_REMINDER_DAYS}, or 0 for no reminder."
    if "job_types" not in errors and (problem := job_types_problem(form.job_types)):
        errors["job_types"] = problem
    if "lookup_frame_origins" not in errors and (problem := lookup_widget.validate_origins(form.lookup_frame_origins)):
        errors["lookup_frame_origins"] = problem
    return errors


def form_for(shop: ShopSettings | None) -> ShopForm:
    if shop is None:
        return ShopForm()
    return ShopForm(
        name=shop.name,
        accent_color=shop.accent_color,
        welcome_message=shop.welcome_message,
        currency=shop.currency,
        tax_label=shop.tax_label,
        tax_rate=format_rate_input(shop.tax_rate_bp),
        timezone=shop.timezone,
        country=shop.country,
        access_mode=shop.access_mode,
        link_expiry_days=str(shop.link_expiry_days),
        quote_reminder_days=str(shop.quote_reminder_days),
        collection_reminder_days=str(shop.collection_reminder_days),
        terms_text=shop.terms_text,
        intake_checklist=shop.intake_checklist,
        job_types=shop.job_types,
        lookup_frame_origins=shop.lookup_frame_origins,
        **{t: getattr(shop, t) for t in TOGGLES},
    )


def changed_fields(before: ShopForm, after: ShopForm) -> list[str]:
    a, b = asdict(_clean(before)), asdict(_clean(after))
    return [f.name for f in fields(ShopForm) if a[f.name] != b[f.name]]


def rebase(loaded: ShopForm, mine: ShopForm, theirs: ShopForm) -> ShopForm:
    """The latest saved values with this editor's own edits (fields they changed) on top."""
    return edits.rebase(theirs, mine, changed_fields(loaded, mine))


def _last_editor(session: Session) -> str:
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.action == "settings.shop_changed")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).first()
    return edits.editor_name(session, event)


def load(session: Session) -> tuple[ShopForm, datetime | None]:
    """The form and the version stamp the editor must send back."""
    shop = session.get(ShopSettings, 1)
    return form_for(shop), shop.updated_at if shop else None


def save_shop_settings(
    session: Session,
    form: ShopForm,
    *,
    expected_updated_at: datetime | None,
    actor: audit.Actor,
    loaded: ShopForm | None = None,
) -> list[str]:
    """Validate and store; returns the changed field names (empty: nothing to save).

    Raises ShopSettingsInvalid (field messages) or ShopSettingsConflict (nothing written). Run it in
    `write_session` so the version check and the write are one transaction.
    """
    form = _clean(form)
    errors = validate(form)
    if errors:
        raise ShopSettingsInvalid(errors)
    shop = locking.row(session, ShopSettings, 1)  # compared and written under one lock
    if shop is not None and shop.updated_at != expected_updated_at:
        current = form_for(shop)
        # Name what they changed; without the loaded form, name what differs from this save.
        changed = changed_fields(loaded, current) if loaded is not None else changed_fields(form, current)
        raise ShopSettingsConflict(changed, _last_editor(session))
    if shop is None:
        shop, changed = ShopSettings(id=1, name=form.name), [f.name for f in fields(ShopForm)]
    else:
        changed = changed_fields(form_for(shop), form)
    if not changed:
        return []
    shop.name = form.name
    shop.accent_color = colours.normalise(form.accent_color)
    shop.welcome_message = form.welcome_message
    shop.currency = form.currency
    shop.tax_label = form.tax_label
    shop.tax_rate_bp = parse_rate_bp(form.tax_rate)
    shop.timezone = form.timezone
    shop.country = form.country
    shop.access_mode = form.access_mode
    shop.link_expiry_days = int(form.link_expiry_days)
    shop.quote_reminder_days = int(form.quote_reminder_days)
    shop.collection_reminder_days = int(form.collection_reminder_days)
    shop.terms_text = form.terms_text
    shop.intake_checklist = "\n".join(line.strip() for line in form.intake_checklist.splitlines() if line.strip())
    shop.job_types = "\n".join(job_type_list(form.job_types))
    shop.lookup_frame_origins = "\n".join(lookup_widget.parse_origins(form.lookup_frame_origins)[0])
    for toggle in TOGGLES:
        setattr(shop, toggle, getattr(form, toggle))
    now = clock.now()
    # Strictly newer than before, so two saves in the same clock tick still look different.
    previous = shop.updated_at
    shop.updated_at = max(now, previous + timedelta(microseconds=1)) if previous else now
    session.add(shop)
    audit.record(session, actor, "settings.shop_changed", fields=changed)
    return changed
