"""Booking a repair in at the counter: find or create the customer, record the device, open the order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, select

from ..models import Customer, Device, Location, PaymentMethod, ShopSettings, StaffUser
from . import audit, clock, passcodes, payments, phones, sms_consent, timefmt
from .emails import is_valid_email
from .ids import parse_id
from .money import AmountError, parse_amount
from .orders import NewOrder, create_order
from .payments import STAFF_METHODS
from .text_input import text_problem

MAX_TYPED = 20_000
# Each typed field's limit (the columns they are stored in), with the label its message names.
LIMITS = {
    "first_name": ("The first name", 100),
    "last_name": ("The last name", 100),
    "email": ("The email", 254),
    "phone": ("The phone number", 40),
    "company": ("The company", 200),
    "device_kind": ("The device type", 40),
    "make": ("The make", 100),
    "model": ("The model", 100),
    "serial": ("The serial / IMEI", 100),
    "problem": ("The problem", 4000),
    "intake_condition": ("The condition at intake", 4000),
    "accessories": ("The accessories", 1000),
    "promised_date": ("The promised date", 10),
    "deposit": ("The deposit", 20),
}


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
    accessories: str = ""
    checked: tuple[str, ...] = ()  # checklist items ticked ("check:<item>" fields)
    passcode: str = ""
    deposit: str = ""  # an amount as typed, or ""
    deposit_method: str = "card"
    sms_updates: bool = False  # "Text me updates": a tick of its own, recorded in the consent ledger

    def __repr__(self) -> str:  # the form's fingerprint (double-submit check) never shows the passcode
        return f"IntakeForm({self.fingerprint()})"

    def fingerprint(self) -> str:
        fields = {k: v for k, v in self.__dict__.items() if k != "passcode"}
        return json.dumps(fields, sort_keys=True, default=str) + ("+passcode" if self.passcode else "")

    @classmethod
    def from_form(cls, data: dict) -> IntakeForm:
        def text(key: str) -> str:  # clipped only far above every limit: `validate` refuses an over-long field
            return str(data.get(key, "") or "").strip()[:MAX_TYPED]

        def number(key: str) -> int | None:
            return parse_id(text(key))  # "²".isdigit() is True: only the shared parser is safe

        return cls(
            first_name=text("first_name"),
            last_name=text("last_name"),
            email=text("email").lower(),
            phone=text("phone"),
            company=text("company"),
            email_updates=str(data.get("email_updates", "")).lower() in {"on", "true", "1", "yes"},
            device_kind=text("device_kind") or "phone",
            make=text("make"),
            model=text("model"),
            serial=text("serial"),
            problem=text("problem"),
            intake_condition=text("intake_condition"),
            promised_date=text("promised_date"),
            location_id=number("location_id"),
            assigned_to_id=number("assigned_to_id"),
            accessories=text("accessories"),
            checked=tuple(sorted(str(k)[6:206] for k, v in data.items() if str(k).startswith("check:") and _ticked(v)))[
                :50
            ],
            passcode=str(data.get("passcode", "") or "")[:MAX_TYPED],  # not stripped: passcodes.clean does that
            deposit=text("deposit"),
            deposit_method=text("deposit_method") or PaymentMethod.CARD.value,
            # The checkbox reports through its ref (id f-sms_updates) as a boolean, else its hidden input.
            sms_updates=_ticked(data["f_sms_updates"] if "f_sms_updates" in data else data.get("sms_updates")),
        )


def _ticked(value) -> bool:
    return value is True or str(value).lower() in {"on", "true", "1", "yes"}


def checklist(shop: ShopSettings) -> list[str]:
    """The shop's pre-repair checklist: one item per line, blanks and repeats dropped."""
    seen: list[str] = []
    for line in (shop.intake_checklist or "").splitlines():
        item = " ".join(line.split())[:200]
        if item and item not in seen:
            seen.append(item)
    return seen[:50]


@dataclass(frozen=True)
class IntakeCheck:
    item: str
    ticked: bool


def checks_of(intake_checks_json: str) -> list[IntakeCheck]:
    """What was ticked at intake, in the checklist's order."""
    try:
        data = json.loads(intake_checks_json or "{}")
    except ValueError:
        return []
    return [IntakeCheck(str(k), bool(v)) for k, v in data.items()] if isinstance(data, dict) else []


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
    if form.sms_updates and not form.phone:
        errors["sms_updates"] = "Enter a mobile number to text updates."
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
    try:
        passcodes.clean(form.passcode)
    except passcodes.PasscodeError as exc:
        errors["passcode"] = str(exc)
    if form.deposit:
        try:
            if parse_amount(form.deposit) <= 0:
                errors["deposit"] = "Enter the deposit taken, or leave it empty."
        except AmountError as exc:
            errors["deposit"] = str(exc)
        if form.deposit_method not in STAFF_METHODS:
            errors["deposit_method"] = "Choose how the deposit was paid."
    for name, (label, limit) in LIMITS.items():  # too long is the precise problem: it wins over the others
        if (problem := text_problem(getattr(form, name), label, limit)) is not None:
            errors[name] = problem
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


STOPPED_NUMBER = "This number replied STOP to our texts. The customer texts START to get texts again."


def _agree_to_texts(session: Session, customer: Customer, typed_phone: str, actor: audit.Actor) -> None:
    """The "Text me updates" tick, in the consent ledger with the wording shown and who took it. The number
    typed is the one they agreed to be texted at: a returning customer's record takes it (audited)."""
    number = phones.to_e164(typed_phone, phones.shop_region(session))
    new_number = customer.phone != number
    if new_number:
        customer.phone = number
        customer.updated_at = max(clock.now(), customer.updated_at + timedelta(microseconds=1))  # the edit token moves
        session.add(customer)
        audit.record(
            session,
            actor,
            "customer.updated",
            customer_id=customer.id,
            fields=["phone"],
            changes={},
            updated_at=customer.updated_at.isoformat(),
            reason="texts agreed at intake",
        )
    sms_consent.set_consent(
        session,
        customer,
        True,
        "intake",
        actor,
        wording=sms_consent.INTAKE_WORDING,
        staff_user_id=actor.id if actor.kind == "staff" else None,
        always=new_number,  # agreed for this number: recorded even when texts were already on for the old one
    )


@dataclass(frozen=True)
class IntakeResult:
    new: NewOrder
    matched_existing_customer: bool


def book_in(
    session: Session, secret_key: str, form: IntakeForm, actor: audit.Actor, *, passcode_key: bytes | None = None
) -> IntakeResult:
    """Customer (matched or new), device, order, the intake checklist, the encrypted passcode and the
    deposit, all in the caller's transaction. `passcode_key` is needed only when a passcode is given."""
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
    if form.sms_updates:
        if sms_consent.number_stopped(session, phones.to_e164(form.phone, phones.shop_region(session))):
            raise IntakeError({"sms_updates": STOPPED_NUMBER})
        _agree_to_texts(session, customer, form.phone, actor)
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
    order = new.order
    order.accessories = form.accessories
    ticked = set(form.checked)
    order.intake_checks_json = json.dumps(
        {item: item in ticked for item in checklist(ShopSettings.current(session))}, ensure_ascii=False
    )
    if form.passcode.strip():
        if passcode_key is None:
            raise ValueError("book_in needs the passcode key to keep a passcode")
        passcodes.store(order, passcode_key, form.passcode)
        audit.record(session, actor, "order.passcode_stored", order_id=order.id)
    session.add(order)
    if form.deposit:
        payments.record_payment(
            session, order, parse_amount(form.deposit), form.deposit_method, actor, note="Deposit at intake"
        )
    return IntakeResult(new, matched)
