"""Texting consent as people see it: the staff customer page's history ("at intake by Dee Desk", "by replying
STOP") and the customer's own "Text me updates" switch, with their number shown by its last four digits only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Customer, SmsConsent, StaffUser
from . import audit, phones, sms_consent, timefmt

MASK = "••••"
NO_NUMBER = "We have no mobile number for you: ask the shop to add one."


class TextsRefused(ValueError):
    """A message safe to show the customer; nothing was written."""


def has_mobile(phone: str | None) -> bool:
    """A number texts can go to: stored in E.164 (what services/sms.py sends to)."""
    return (phone or "").strip().startswith("+")


def masked(phone: str | None, region: str) -> str:
    """'+447700900123' -> '•••• 0123' (the national form's last four digits); '' without a number."""
    digits = [c for c in phones.display(phone or "", region) if c.isdigit()]
    return f"{MASK} {''.join(digits[-4:])}" if len(digits) >= 4 else ""


# ---------------------------------------------------------------- staff: the history


@dataclass(frozen=True)
class ConsentRow:
    """One change of a customer's texting choice, as the staff customer page lists it."""

    id: int
    at: str
    on: bool
    how: str
    number: str  # the number it was given for (national form), "" if none was on file


def how_of(row: SmsConsent, staff_name: str = "") -> str:
    """'at intake by Dee Desk', 'in the portal', 'by replying STOP', 'by staff (Dee Desk)'."""
    if row.channel == "intake":
        return f"at intake by {staff_name}" if staff_name else "at intake"
    if row.channel == "portal":
        return "in the portal"
    if row.channel == "keyword":
        return "by replying START" if row.granted else "by replying STOP"
    if row.channel == "staff":
        return f"by staff ({staff_name})" if staff_name else "by staff"
    return row.channel


def history_rows(session: Session, customer_id: int, tz: str, region: str) -> list[ConsentRow]:
    """Every change, newest first, with the staff member's name where one recorded it."""
    rows = sms_consent.history(session, customer_id)
    ids = {r.staff_user_id for r in rows if r.staff_user_id}
    names = dict(session.exec(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))).all()) if ids else {}
    return [
        ConsentRow(
            id=r.id,
            at=timefmt.short(r.at, tz),
            on=bool(r.granted),
            how=how_of(r, names.get(r.staff_user_id, "") if r.staff_user_id else ""),
            number=phones.display(r.phone, region) if r.phone else "",
        )
        for r in rows
    ]


# ---------------------------------------------------------------- the customer: their switch


@dataclass(frozen=True)
class TextsChoice:
    """What the customer's "Text me updates" switch shows (`available`: there is a number to text)."""

    available: bool = False
    number: str = ""  # masked: "•••• 0123"
    on: bool = False


def texts_choice(session: Session, customer: Customer | None) -> TextsChoice:
    if customer is None or not has_mobile(customer.phone):
        return TextsChoice()
    return TextsChoice(True, masked(customer.phone, phones.shop_region(session)), bool(customer.sms_updates))


def set_from_portal(session: Session, customer: Customer, on: bool, actor: audit.Actor) -> bool:
    """The customer switched texts on or off on their order's page. True when that changed something."""
    if not has_mobile(customer.phone):
        raise TextsRefused(NO_NUMBER)
    row = sms_consent.set_consent(session, customer, bool(on), "portal", actor, wording=sms_consent.PORTAL_WORDING)
    return row is not None
