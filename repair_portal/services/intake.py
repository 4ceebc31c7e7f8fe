"""Booking a repair in at the counter: find or create the customer, record the device, open the order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, select

from ..models import Customer, Device, Location, StaffUser
from . import audit, phones, timefmt
from .emails import is_valid_email
from .ids import parse_id
from .orders import NewOrder, create_order


class IntakeError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class IntakeForm:
    first_name: str
    last_name: str
    email: str
    phone: str
    company: str
    email_updates: bool
    device_kind: str
    make: str
    model: str
    serial: str
    problem: str
    intake_condition: str
    promised_date: str  # YYYY-MM-DD or ""
    location_id: int | None
    assigned_to_id: int | None

    @classmethod
    def from_form(cls, data: dict) -> IntakeForm:
        def text(key: str, limit: int = 200) -> str:
            return str(data.get(key, "") or "").strip()[:limit]

        def number(key: str) -> int | None:
            return parse_id(text(key))  # "²".isdigit() is True: only the shared parser is safe

        return cls(
            first_name=text("first_name", 100),
            last_name=text("last_name", 100),
            email=text("email", 254).lower(),
            phone=text("phone", 40),
            company=text("company"),
            email_updates=str(data.get("email_updates", "")).lower() in {"on", "true", "1", "yes"},
            device_kind=text("device_kind", 40) or "phone",
            make=text("make", 100),
            model=text("model", 100),
            serial=text("serial", 100),
            problem=text("problem", 4000),
            intake_condition=text("intake_condition", 4000),
            promised_date=text("promised_date", 10),
            location_id=number("location_id"),
            assigned_to_id=number("assigned_to_id"),
        )


def validate(session: Session, form: IntakeForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    region = phones.shop_region(session)
    if not form.last_name:
        errors["last_name"] = "Enter the customer's last name (the portal asks for it)."
    if form.email and not is_valid_email(form.email):
        errors["email"] = "That email address doesn't look right."
    if not form.email and not form.phone:
        errors["phone"] = "Enter a phone number or an email so we can reach the customer."
    problem = phones.problem(form.phone, region)
    # A number already on a customer's record is theirs (saved before numbers were checked, say):
    # refusing it at the counter would help nobody.
    if problem and not _on_file(session, phones.to_e164(form.phone, region)):
        errors["phone"] = problem
    if not form.problem:
        errors["problem"] = "Describe the problem in the customer's words."
    location = session.get(Location, form.location_id) if form.location_id else None
    if location is None or not location.active:
        errors["location_id"] = "Choose the location."
    if form.assigned_to_id is not None:
        tech = session.get(StaffUser, form.assigned_to_id)
        if tech is None or not tech.active:
            errors["assigned_to_id"] = "Choose an active staff member."
    if form.promised_date:
        try:
            date.fromisoformat(form.promised_date)
        except ValueError:
            errors["promised_date"] = "Use a date like 2026-12-24."
    return errors


def _on_file(session: Session, e164: str) -> bool:
    return session.exec(select(Customer.id).where(Customer.phone == e164).limit(1)).first() is not None


def find_customer(session: Session, email: str, phone: str) -> Customer | None:
    """Duplicate detection: the same email (any case) or the same phone number (read in the shop's country)."""
    conditions = []
    if email:
        conditions.append(Customer.email == email.lower())
    if phone:
        conditions.append(Customer.phone == phones.to_e164(phone, phones.shop_region(session)))
    if not conditions:
        return None
    return session.exec(select(Customer).where(or_(*conditions)).order_by(Customer.id)).first()


@dataclass(frozen=True)
class IntakeResult:
    new: NewOrder
    matched_existing_customer: bool


def book_in(session: Session, secret_key: str, form: IntakeForm, actor: audit.Actor) -> IntakeResult:
    errors = validate(session, form)
    if errors:
        raise IntakeError(errors)
    customer = find_customer(session, form.email, form.phone)
    # Same contact details but another surname: a different person sharing a phone/email
    # (family, company). Reusing the record would put the wrong name on the portal check.
    if customer is not None and customer.last_name.strip().lower() != form.last_name.strip().lower():
        customer = None
    matched = customer is not None
    if customer is None:
        customer = Customer(
            first_name=form.first_name,
            last_name=form.last_name,
            email=form.email,
            phone=phones.to_e164(form.phone, phones.shop_region(session)),
            company=form.company,
            email_updates=form.email_updates,
        )
        session.add(customer)
        session.flush()
        audit.record(session, actor, "customer.created", customer_id=customer.id)
    device = Device(
        customer_id=customer.id, kind=form.device_kind, make=form.make, model=form.model, serial=form.serial
    )
    session.add(device)
    session.flush()
    location = session.get(Location, form.location_id)
    promised_at = None
    if form.promised_date:
        tz = ZoneInfo(timefmt.shop_timezone(session))
        promised_at = datetime.combine(date.fromisoformat(form.promised_date), time(17, 0), tz)
    new = create_order(
        session,
        secret_key,
        customer=customer,
        location=location,
        device=device,
        problem=form.problem,
        actor=actor,
        intake_condition=form.intake_condition,
        promised_at=promised_at,
        assigned_to_id=form.assigned_to_id,
    )
    return IntakeResult(new, matched)
