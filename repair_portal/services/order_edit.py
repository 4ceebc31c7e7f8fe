"""Editing an order's details with optimistic locking (a three-way merge, never a silent overwrite).

The editor sends what it loaded (`original`) and what it wants (`mine`). The database holds
what is there now (`theirs`). A field both sides changed to different values is a conflict:
the whole save is refused and the message says which fields and who saved last. Fields only
one side changed merge, so a colleague moving the stage doesn't block a note edit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ..models import AuditEvent, Location, Order, StaffUser
from . import audit, clock, edits, locking, order_job
from .ids import parse_id

LABELS = {
    "problem": "reported problem",
    "intake_condition": "condition at intake",
    "public_note": "note for the customer",
    "internal_note": "internal note",
    "promised": "promised date",
    "assigned_to_id": "technician",
    "location_id": "location",
    "site_id": "site",
    "scheduled": "scheduled date",
    "po_number": "PO number",
    "job_type": "job type",
}
LIMITS = {"problem": 4000, "intake_condition": 4000, "public_note": 4000, "internal_note": 8000}


@dataclass(frozen=True)
class DetailsForm:
    """Editable details as the form holds them: all strings ('' = empty / unassigned)."""

    problem: str = ""
    intake_condition: str = ""
    public_note: str = ""
    internal_note: str = ""
    promised: str = ""  # YYYY-MM-DD in the shop's timezone
    assigned_to_id: str = ""
    location_id: str = ""
    site_id: str = ""  # one of the customer's sites (business accounts)
    scheduled: str = ""  # YYYY-MM-DDTHH:MM in the shop's timezone
    po_number: str = ""  # the customer's purchase-order number
    job_type: str = ""  # one of the shop's job types


class DetailsInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class EditConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("this order", changed, by, LABELS)


def form_for(order: Order, tz: str) -> DetailsForm:
    promised = order.promised_at.astimezone(ZoneInfo(tz)).date().isoformat() if order.promised_at else ""
    return DetailsForm(
        problem=order.problem,
        intake_condition=order.intake_condition,
        public_note=order.public_note,
        internal_note=order.internal_note,
        promised=promised,
        assigned_to_id=str(order.assigned_to_id or ""),
        location_id=str(order.location_id),
        site_id=str(order.site_id or ""),
        scheduled=order_job.schedule_value(order.scheduled_at, tz),
        po_number=order.po_number,
        job_type=order.job_type,
    )


def _normalised(form: DetailsForm) -> DetailsForm:
    """Trim text the same way for every side, so whitespace alone never looks like a change (and the same
    moment typed two ways is one value)."""
    values = {f.name: str(getattr(form, f.name)).strip() for f in fields(DetailsForm)}
    values["po_number"] = order_job.one_line(values["po_number"])
    values["job_type"] = order_job.one_line(values["job_type"])
    values["scheduled"] = order_job.canonical_schedule(values["scheduled"])
    return DetailsForm(**values)


def validate(session: Session, form: DetailsForm, *, customer_id: int = 0, tz: str = "Europe/London") -> dict[str, str]:
    """Every field's problem. `customer_id` is the order's customer: the only one whose sites it may have."""
    errors: dict[str, str] = {}
    if not form.problem:
        errors["problem"] = "Describe the problem the customer reported."
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            errors[name] = f"Keep it under {limit} characters."
    if form.promised:
        try:
            date.fromisoformat(form.promised)
        except ValueError:
            errors["promised"] = "Use a date like 2026-12-24."
    if form.assigned_to_id:
        user_id = parse_id(form.assigned_to_id)
        user = session.get(StaffUser, user_id) if user_id else None
        if user is None or not user.active:
            errors["assigned_to_id"] = "Choose an active staff member."
    location_id = parse_id(form.location_id)
    location = session.get(Location, location_id) if location_id else None
    if location is None or not location.active:
        errors["location_id"] = "Choose an open location."
    for name, problem in (
        ("site_id", order_job.site_problem(session, customer_id, form.site_id)),
        ("scheduled", order_job.schedule_problem(form.scheduled, tz)),
        ("po_number", order_job.po_problem(form.po_number)),
        ("job_type", order_job.job_type_problem(session, form.job_type)),
    ):
        if problem:
            errors[name] = problem
    return errors


def _last_editor(session: Session, order_id: int) -> str:
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order_id)
        .where(AuditEvent.actor_type == "staff")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).first()
    return edits.editor_name(session, event)


def _apply(session: Session, order: Order, name: str, value: str, tz: str) -> None:
    if name == "promised":
        if value:
            local = datetime.combine(date.fromisoformat(value), time(17, 0), ZoneInfo(tz))
            order.promised_at = local.astimezone(ZoneInfo("UTC"))
        else:
            order.promised_at = None
    elif name == "assigned_to_id":
        order.assigned_to_id = int(value) if value else None
    elif name == "location_id":
        order.location_id = int(value)
    elif name == "site_id":
        order.site_id = int(value) if value else None
    elif name == "scheduled":
        order.scheduled_at = order_job.parse_schedule(value, tz)
    elif name == "job_type":
        order.job_type = order_job.job_type_choice(session, value) or ""
    else:
        setattr(order, name, value)


def save_details(
    session: Session, order_id: int, original: DetailsForm, mine: DetailsForm, actor: audit.Actor, *, tz: str
) -> tuple[Order, list[str]]:
    """Apply the fields the editor changed. Returns the order and the changed field names.

    Raises DetailsInvalid (field messages) or EditConflict (nothing written). Run it in a
    write transaction (db.write_session): the row is locked before the comparison, so two saves at
    the same moment merge one after the other, on any number of workers.
    """
    order = locking.row(session, Order, order_id)
    if order is None:
        raise LookupError("That order no longer exists.")
    original, mine = _normalised(original), _normalised(mine)
    theirs = _normalised(form_for(order, tz))
    names = [f.name for f in fields(DetailsForm)]
    mine_changed = [n for n in names if getattr(mine, n) != getattr(original, n)]
    conflicts = [
        n for n in mine_changed if getattr(theirs, n) != getattr(original, n) and getattr(theirs, n) != getattr(mine, n)
    ]
    if conflicts:
        raise EditConflict(conflicts, _last_editor(session, order_id))
    to_apply = [n for n in mine_changed if getattr(theirs, n) != getattr(mine, n)]
    if not to_apply:
        return order, []
    errors = validate(session, mine, customer_id=order.customer_id, tz=tz)
    errors = {k: v for k, v in errors.items() if k in to_apply}
    if errors:
        raise DetailsInvalid(errors)
    for name in to_apply:
        _apply(session, order, name, getattr(mine, name), tz)
    order.updated_at = clock.now()
    order.version += 1
    session.add(order)
    audit.record(session, actor, "order.details_changed", order_id=order.id, fields=to_apply)
    return order, to_apply
