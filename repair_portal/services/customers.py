"""The staff customer directory: search, one customer's record, and editing it with optimistic locking.

`Customer.updated_at` is the version token: the editor sends the value it loaded, and a save is
refused (nothing written) when the row has moved on since. Audit rows keep field names for every
change and old/new values only for names, company and consent flags: email addresses and phone
numbers stay out of the long-lived audit log (the row itself holds the current values).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import AuditEvent, Customer, Device, Order, PortalUser, Stage
from . import audit, clock, edits, locking, phones, sms_consent
from .emails import is_valid_email
from .search import matching_customer_ids

LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "company": "company",
    "email": "email",
    "phone": "phone",
    "email_updates": "email updates",
    "sms_updates": "SMS updates",
}
CONTACT_FIELDS = ("first_name", "last_name", "company", "email", "phone")
CONSENT_FIELDS = ("email_updates", "sms_updates")
SENSITIVE_FIELDS = {"email", "phone"}  # audited by name only
LIMITS = {"first_name": 100, "last_name": 100, "company": 200, "email": 254, "phone": 40}
UPDATE_ACTIONS = ("customer.updated", "customer.consent_changed")
STOPPED = "They replied STOP to a text: only they can turn texts back on (by replying START, or in the portal)."


class CustomerError(ValueError):
    """Base of everything `update_customer` refuses with; nothing was written."""


class CustomerNotFound(CustomerError, LookupError):
    def __init__(self) -> None:
        super().__init__("This customer doesn't exist (or was removed).")


class CustomerInvalid(CustomerError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class CustomerConflict(CustomerError, edits.EditConflict):
    def __init__(self, changed: list[str], by: str = ""):
        edits.EditConflict.__init__(self, "this customer", changed, by, LABELS)


# ---------------------------------------------------------------- list


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    name: str
    company: str
    email: str
    phone: str  # as people in the shop's country write it
    order_count: int
    last_order_id: int | None
    last_order_reference: str
    last_order_at: datetime | None
    last_activity_at: datetime
    has_portal_access: bool = False  # someone signs in at /portal for this customer


def list_customers(
    session: Session, *, search: str = "", limit: int = 25, offset: int = 0
) -> tuple[list[CustomerRow], int]:
    """Alphabetical by last name, then first name, like a card index (the order board is the
    "what happened lately" view). Five statements whatever the page size: the total, the page
    (served by the lower(last_name) index), and order counts, latest orders and portal access
    for that page only. The search is shared with the order board (services/search.py).
    """
    term = search.strip()[:100]
    region = phones.shop_region(session)
    query = select(Customer)
    count_query = select(func.count(Customer.id))
    if term:
        condition = Customer.id.in_(matching_customer_ids(term, session.get_bind().dialect.name, region))
        query, count_query = query.where(condition), count_query.where(condition)
    total = session.exec(count_query).one()
    found = session.exec(
        query.order_by(func.lower(Customer.last_name), func.lower(Customer.first_name), Customer.id)
        .limit(max(0, limit))
        .offset(max(0, offset))
    ).all()
    ids = [customer.id for customer in found]
    stats = (
        {
            customer_id: (count, last)
            for customer_id, count, last in session.exec(
                select(Order.customer_id, func.count(Order.id), func.max(Order.updated_at))
                .where(Order.customer_id.in_(ids))
                .group_by(Order.customer_id)
            ).all()
        }
        if ids
        else {}
    )
    latest = _latest_orders(session, ids)
    with_portal = (
        set(session.exec(select(PortalUser.customer_id).where(PortalUser.customer_id.in_(ids)).distinct()))
        if ids
        else set()
    )
    rows = []
    for customer in found:
        count, last_updated = stats.get(customer.id, (0, None))
        if last_updated is not None and last_updated.tzinfo is None:
            last_updated = last_updated.replace(tzinfo=UTC)
        last = latest.get(customer.id)
        rows.append(
            CustomerRow(
                id=customer.id,
                name=customer.full_name,
                company=customer.company,
                email=customer.email,
                phone=phones.display(customer.phone, region),
                order_count=int(count or 0),
                last_order_id=last[0] if last else None,
                last_order_reference=last[1] if last else "",
                last_order_at=last[2] if last else None,
                last_activity_at=max(filter(None, (last_updated, customer.updated_at))),
                has_portal_access=customer.id in with_portal,
            )
        )
    return rows, total


def _latest_orders(session: Session, customer_ids: list[int]) -> dict[int, tuple[int, str, datetime]]:
    """customer id -> (order id, reference, booked in) of the most recently booked-in order."""
    if not customer_ids:
        return {}
    ranked = (
        select(
            Order.customer_id,
            Order.id,
            Order.reference,
            Order.booked_in_at,
            func.row_number()
            .over(partition_by=Order.customer_id, order_by=(Order.booked_in_at.desc(), Order.id.desc()))
            .label("rank"),
        )
        .where(Order.customer_id.in_(customer_ids))
        .subquery()
    )
    rows = session.exec(
        select(ranked.c.customer_id, ranked.c.id, ranked.c.reference, ranked.c.booked_in_at).where(ranked.c.rank == 1)
    ).all()
    return {customer_id: (order_id, reference, at) for customer_id, order_id, reference, at in rows}


# ---------------------------------------------------------------- detail


@dataclass(frozen=True)
class DeviceRow:
    id: int
    kind: str
    make: str
    model: str
    serial: str
    label: str


@dataclass(frozen=True)
class CustomerOrderRow:
    id: int
    reference: str
    device: str
    stage: str
    stage_color: str
    booked_in_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CustomerDetail:
    id: int
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str  # as stored (E.164): the edit form's starting value
    email_updates: bool
    sms_updates: bool
    created_at: datetime
    updated_at: datetime  # the version token for update_customer
    devices: list[DeviceRow]
    orders: list[CustomerOrderRow]
    phone_display: str = ""  # as people in the shop's country write it
    country: str = phones.DEFAULT_REGION  # the shop's, which reads what is typed into the edit form
    kind: str = "person"
    orders_total: int = 0  # all of the customer's orders; `orders` holds the newest SHOWN_ON_PAGE
    devices_total: int = 0

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def title(self) -> str:
        """What the page is headed with: a business account by its company name."""
        return self.company if self.kind == "business" and self.company else self.name


SHOWN_ON_PAGE = 100  # a business account may have thousands: the newest, and how many there are


def customer_detail(session: Session, customer_id: int) -> CustomerDetail | None:
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    region = phones.shop_region(session)
    devices = session.exec(
        select(Device).where(Device.customer_id == customer_id).order_by(Device.id.desc()).limit(SHOWN_ON_PAGE)
    ).all()
    orders = session.exec(
        select(Order, Stage, Device)
        .join(Stage, Stage.id == Order.stage_id)
        .outerjoin(Device, Device.id == Order.device_id)
        .where(Order.customer_id == customer_id)
        .order_by(Order.booked_in_at.desc(), Order.id.desc())
        .limit(SHOWN_ON_PAGE)
    ).all()
    orders_total = session.exec(select(func.count()).select_from(Order).where(Order.customer_id == customer_id)).one()
    devices_total = session.exec(
        select(func.count()).select_from(Device).where(Device.customer_id == customer_id)
    ).one()
    return CustomerDetail(
        id=customer.id,
        first_name=customer.first_name,
        last_name=customer.last_name,
        company=customer.company,
        email=customer.email,
        phone=customer.phone,
        email_updates=customer.email_updates,
        sms_updates=customer.sms_updates,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        phone_display=phones.display(customer.phone, region),
        country=region,
        kind=customer.kind,
        orders_total=orders_total,
        devices_total=devices_total,
        devices=[DeviceRow(d.id, d.kind, d.make, d.model, d.serial, d.label) for d in devices],
        orders=[
            CustomerOrderRow(
                id=o.id,
                reference=o.reference,
                device=d.label if d else "—",
                stage=s.name,
                stage_color=s.color,
                booked_in_at=o.booked_in_at,
                updated_at=o.updated_at,
            )
            for o, s, d in orders
        ],
    )


# ---------------------------------------------------------------- editing


@dataclass(frozen=True)
class CustomerForm:
    """The editable fields as the form sends them (text untrimmed until `cleaned`)."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    email_updates: bool = False
    sms_updates: bool = False

    @classmethod
    def from_form(cls, data: dict) -> CustomerForm:
        """Browser input: bounded strings (validation reports over-long ones), checkbox values as flags."""
        return cls(
            **{name: str(data.get(name, "") or "")[:1000] for name in CONTACT_FIELDS},
            **{name: flag(data.get(name)) for name in CONSENT_FIELDS},
        )

    @classmethod
    def of(cls, customer: Customer | CustomerDetail) -> CustomerForm:
        return cls(**{f.name: getattr(customer, f.name) for f in fields(cls)})

    def cleaned(self, region: str) -> CustomerForm:
        """Trimmed, email lower-cased, phone in E.164 (read as a number of `region`, the shop's
        country, unless typed with a country code): the values that would be stored."""
        email = self.email.strip().lower()
        return CustomerForm(
            first_name=self.first_name.strip(),
            last_name=self.last_name.strip(),
            company=self.company.strip(),
            email=email,
            phone=phones.to_e164(self.phone, region),
            email_updates=bool(self.email_updates),
            sms_updates=bool(self.sms_updates),
        )


def flag(value) -> bool:
    """A checkbox/switch value: True, or 'on'/'true'/'1'/'yes'; anything else (or absent) is off."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"on", "true", "1", "yes"}


def validate(form: CustomerForm, region: str, *, stored_phone: str = "") -> dict[str, str]:
    """Field name -> message for a form as typed (it is checked as it would be stored).

    `region` is the shop's country. The number already on the record (`stored_phone`) is not
    judged again, so a record saved before numbers were checked can still be edited."""
    clean = form.cleaned(region)
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(clean, name)) > limit:
            errors[name] = f"Keep it to {limit} characters or fewer."
    if not clean.last_name:
        errors["last_name"] = "Enter the customer's last name (the portal asks for it)."
    if clean.email and "email" not in errors and not is_valid_email(clean.email):
        errors["email"] = "That email address doesn't look right."
    raw_phone = form.phone.strip()
    if raw_phone and "phone" not in errors and not (stored_phone and clean.phone == stored_phone):
        problem = phones.problem(raw_phone, region)
        if problem:
            errors["phone"] = problem
    if not clean.email and not raw_phone:
        errors["phone"] = "Enter a phone number or an email so we can reach the customer."
    if clean.sms_updates and not raw_phone:
        errors["sms_updates"] = "Add a phone number to send SMS updates."
    return errors


def _recent_edits(session: Session, customer_id: int, since: datetime) -> list[tuple[AuditEvent, dict]]:
    """Audit rows of saves of this customer that produced a version newer than `since`."""
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.action.in_(UPDATE_ACTIONS))
        .where(AuditEvent.at >= since - timedelta(seconds=1))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    out = []
    for event in events:
        try:
            detail = json.loads(event.detail or "{}")
            version = datetime.fromisoformat(detail.get("updated_at", ""))
        except (ValueError, TypeError):
            continue
        if detail.get("customer_id") == customer_id and version > since:
            out.append((event, detail))
    return out


def rebase(original: CustomerForm, mine: CustomerForm, theirs: CustomerForm, region: str) -> CustomerForm:
    """The saved values with this editor's own edits (fields they changed from what they loaded) on top."""
    loaded, typed = original.cleaned(region), mine.cleaned(region)
    changed = [f.name for f in fields(CustomerForm) if getattr(loaded, f.name) != getattr(typed, f.name)]
    return edits.rebase(theirs, mine, changed)


def _who(session: Session, event: AuditEvent | None) -> str:
    return edits.editor_name(session, event)


def _conflict(
    session: Session, customer: Customer, since: datetime, original: CustomerForm | None, region: str
) -> CustomerConflict:
    edits = _recent_edits(session, customer.id, since)
    names = [f.name for f in fields(CustomerForm)]
    if original is not None:
        loaded, now = original.cleaned(region), CustomerForm.of(customer)
        changed = [n for n in names if getattr(loaded, n) != getattr(now, n)]
    else:
        seen = {name for _, detail in edits for name in detail.get("fields", [])}
        changed = [n for n in names if n in seen]
    return CustomerConflict(changed, _who(session, edits[-1][0] if edits else None))


NUMBER_CHANGED = "The mobile number changed: texts are off until the customer agrees for the new one."


def update_customer(
    session: Session,
    customer_id: int,
    form: CustomerForm,
    *,
    expected_updated_at: datetime,
    actor: audit.Actor,
    original: CustomerForm | None = None,
) -> list[str]:
    """Save the form over the customer; returns the changed field names ([] = nothing to save).

    Raises CustomerNotFound, CustomerConflict (the row changed since `expected_updated_at`;
    `original`, the values the editor loaded, lets the message name exactly what changed)
    or CustomerInvalid (field messages). Run it in `db.write_session`.
    """
    customer = locking.row(session, Customer, customer_id)  # compared and written under one lock
    if customer is None:
        raise CustomerNotFound()
    region = phones.shop_region(session)
    if customer.updated_at != expected_updated_at:
        raise _conflict(session, customer, expected_updated_at, original, region)
    errors = validate(form, region, stored_phone=customer.phone)
    if errors:
        raise CustomerInvalid(errors)
    clean = form.cleaned(region)
    before = CustomerForm.of(customer)
    if original is not None and original.cleaned(region).sms_updates == clean.sms_updates:
        # The editor left the texts switch alone: a choice made meanwhile elsewhere (the customer in the portal,
        # a STOP by text, which don't move the edit token) stands.
        clean = replace(clean, sms_updates=before.sms_updates)
    if clean.sms_updates and not before.sms_updates and sms_consent.opted_out_by_keyword(session, customer.id):
        raise CustomerInvalid({"sms_updates": STOPPED})
    changed = [f.name for f in fields(CustomerForm) if getattr(before, f.name) != getattr(clean, f.name)]
    if not changed:
        return []
    for name in changed:
        if name != "sms_updates":  # texting consent goes through its ledger, below (the new number first)
            setattr(customer, name, getattr(clean, name))
    staff_id = actor.id if actor.kind == "staff" else None
    if "sms_updates" in changed:
        sms_consent.set_consent(session, customer, clean.sms_updates, "staff", actor, staff_user_id=staff_id)
    elif "phone" in changed and customer.sms_updates:  # agreed for the old number, not this one
        sms_consent.set_consent(
            session, customer, False, "staff", actor, wording=NUMBER_CHANGED, staff_user_id=staff_id
        )
    # Strictly increasing, even when two saves read the same clock tick: the token must move.
    customer.updated_at = max(clock.now(), customer.updated_at + timedelta(microseconds=1))
    session.add(customer)
    version = customer.updated_at.isoformat()
    contact = [n for n in changed if n in CONTACT_FIELDS]
    consent = [n for n in changed if n in CONSENT_FIELDS]
    if contact:
        values = {n: [getattr(before, n), getattr(clean, n)] for n in contact if n not in SENSITIVE_FIELDS}
        audit.record(
            session,
            actor,
            "customer.updated",
            customer_id=customer.id,
            fields=contact,
            changes=values,
            updated_at=version,
        )
    if consent:
        values = {n: [getattr(before, n), getattr(clean, n)] for n in consent}
        audit.record(
            session,
            actor,
            "customer.consent_changed",
            customer_id=customer.id,
            fields=consent,
            changes=values,
            updated_at=version,
        )
    session.flush()
    return changed
