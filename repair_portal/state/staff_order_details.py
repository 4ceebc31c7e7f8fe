"""Editing an order's details (problem, notes, promised date, technician, location, and the job's site,
schedule, PO number and job type) with optimistic locking."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import live
from ..db import session_scope, write_session
from ..services import order_edit, timefmt
from ..services.permissions import Action
from .guard import form_only, staff_action
from .staff_order import StaffOrderState

UNASSIGNED = "none"  # the selects' "nothing chosen" (a select item's value can't be empty)
NO_JOB_TYPE = "__none__"  # (a shop could call a job type "none")
SENTINELS = {"assigned_to_id": UNASSIGNED, "site_id": UNASSIGNED, "job_type": NO_JOB_TYPE}


def _for_selects(values: dict[str, str]) -> dict[str, str]:
    return {**values, **{name: values.get(name) or empty for name, empty in SENTINELS.items()}}


@dataclasses.dataclass
class ConflictRow:
    field: str
    theirs: str


class StaffOrderDetailsState(StaffOrderState):
    editing: bool = False
    form_key: int = 0
    edit_values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    conflict_message: str = ""
    conflicts: list[ConflictRow] = []
    _original: dict[str, str] = {}

    def _current_form(self) -> order_edit.DetailsForm | None:
        with session_scope() as session:
            order = self._order_for_write(session)
            return order_edit.form_for(order, timefmt.shop_timezone(session)) if order else None

    @rx.event
    @staff_action(Action.EDIT_ORDER_DETAILS)
    def open_edit(self):
        form = self._current_form()
        if form is None:
            return rx.toast.error("That order no longer exists.")
        self._original = dataclasses.asdict(form)
        self.edit_values = _for_selects(self._original)
        self.field_errors, self.conflicts, self.conflict_message = {}, [], ""
        self.form_key += 1
        self.editing = True
        return None

    @rx.event
    @form_only
    def cancel_edit(self):
        self.editing = False
        self.field_errors, self.conflicts, self.conflict_message = {}, [], ""

    @rx.event
    @staff_action(Action.EDIT_ORDER_DETAILS)
    async def handle_save_details(self, form_data: dict):
        identity = self._me()
        if not self.editing or not self._original:
            return rx.toast.error("Open the form again: nothing was saved.")
        # clipped above every field's limit (order_edit.LIMITS): an over-long field is refused with a message
        raw = {k: str(form_data.get(k, self._original.get(k, "")))[:9000] for k in order_edit.LABELS}
        for name, empty in SENTINELS.items():
            if raw[name] == empty:
                raw[name] = ""
        mine = order_edit.DetailsForm(**raw)
        original = order_edit.DetailsForm(**self._original)
        self.edit_values = _for_selects(raw)
        try:
            with write_session() as session:
                _, changed = order_edit.save_details(
                    session,
                    self.current_order_id,
                    original,
                    mine,
                    self._actor(identity),
                    tz=timefmt.shop_timezone(session),
                )
        except order_edit.DetailsInvalid as exc:
            self.field_errors = exc.errors
            return rx.toast.error(str(exc))
        except order_edit.EditConflict as exc:
            theirs = self._current_form()
            self.conflict_message = str(exc)
            self.conflicts = [ConflictRow(order_edit.LABELS[f], self._display(theirs, f)) for f in exc.changed]
            # The user has now seen their version: saving again deliberately replaces it.
            self._original = dataclasses.asdict(theirs) if theirs else self._original
            self._reload()
            return rx.toast.warning(exc.toast)
        except LookupError as exc:
            return rx.toast.error(str(exc))
        self.editing = False
        self.field_errors, self.conflicts, self.conflict_message = {}, [], ""
        self._reload()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        await live.publish(self.current_order_id, "details")
        return rx.toast.success("Saved.")

    def _display(self, form: order_edit.DetailsForm | None, field: str) -> str:
        if form is None:
            return ""
        value = getattr(form, field)
        if field == "assigned_to_id":
            return next((o.name for o in self.staff_options if o.id == value), "Unassigned")
        if field == "location_id":
            return next((o.name for o in self.location_options if o.id == value), value)
        if field == "site_id":
            return next((o.name for o in self.site_options if o.id == value), "No site") if value else "No site"
        if field == "scheduled":
            return value.replace("T", " ") or "Not scheduled"
        return value or "(empty)"
