"""The repair summary card (customer, device, problem, notes, the job's site, schedule, PO and type) and its edit
form."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_details import UNASSIGNED, ConflictRow
from ...state.staff_order_details import StaffOrderDetailsState as D
from ...state.staff_order_rows import ChoiceOption
from ..ui import conflict_notice, form_field
from .common import card, fact
from .intake_facts import intake_facts
from .job import job_facts, job_fields, request_note


def _text_block(label: str, value, *, note: str = "", **props) -> rx.Component:
    return rx.cond(
        value != "",
        rx.vstack(
            rx.hstack(
                rx.text(label, size="1", color_scheme="gray"),
                rx.cond(note != "", rx.text(note, size="1", color_scheme="gray", style={"font_style": "italic"})),
                spacing="2",
            ),
            rx.text(value, size="2", white_space="pre-wrap"),
            spacing="1",
            width="100%",
            **props,
        ),
    )


def _view() -> rx.Component:
    return rx.vstack(
        rx.flex(
            fact("Customer", rx.link(S.summary.customer_name, href=routes.staff_customer(S.order_customer_id))),
            fact("Phone", rx.cond(S.summary.customer_phone != "", S.summary.customer_phone, "—")),
            fact("Email", rx.cond(S.summary.customer_email != "", S.summary.customer_email, "—")),
            fact("Device", S.summary.device),
            fact("Serial / IMEI", rx.cond(S.summary.serial != "", S.summary.serial, "—")),
            fact("Location", S.summary.location),
            fact("Booked in", S.summary.booked_in),
            fact(
                "Promised",
                rx.cond(
                    S.summary.overdue,
                    rx.hstack(
                        rx.text(S.summary.promised, size="2", weight="medium"),
                        rx.badge("Overdue", color_scheme="red", high_contrast=True, id="order-overdue"),
                        spacing="2",
                    ),
                    rx.text(rx.cond(S.summary.promised != "", S.summary.promised, "—"), size="2", weight="medium"),
                ),
            ),
            fact("Technician", S.summary.assigned_to),
            *job_facts(),
            gap="1rem 2rem",
            wrap="wrap",
        ),
        request_note(),
        rx.divider(),
        _text_block("Reported problem", S.summary.problem),
        _text_block("Condition at intake", S.summary.intake_condition),
        intake_facts(),
        _text_block("Note for the customer", S.public_note, note="shown on the portal", id="view-public-note"),
        rx.cond(
            S.internal_note != "",
            rx.box(
                _text_block("Internal note", S.internal_note, note="staff only", id="view-internal-note"),
                background="var(--amber-2)",
                border="1px solid var(--amber-5)",
                border_radius="8px",
                padding="0.5rem 0.75rem",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _field(label: str, control: rx.Component, field: str, hint: str = "") -> rx.Component:
    return form_field(label, control, f"edit-{field}", D.field_errors.get(field, ""), hint)


def _area(field: str, rows: str) -> rx.Component:
    return rx.text_area(
        name=field,
        id=f"edit-{field}",
        default_value=D.edit_values.get(field, ""),
        rows=rows,
        width="100%",
    )


def _option(option: ChoiceOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _conflict_row(row: ConflictRow) -> rx.Component:
    return rx.vstack(
        rx.text("Their ", row.field, ":", size="1", weight="bold"),
        rx.text(row.theirs, size="1", white_space="pre-wrap"),
        spacing="0",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            conflict_notice(D.conflict_message, rx.foreach(D.conflicts, _conflict_row), element_id="edit-conflict"),
            _field("Reported problem", _area("problem", "3"), "problem"),
            _field("Condition at intake", _area("intake_condition", "2"), "intake_condition"),
            _field("Note for the customer", _area("public_note", "2"), "public_note", "Shown on the portal at once."),
            _field("Internal note", _area("internal_note", "3"), "internal_note", "Staff only."),
            rx.flex(
                _field(
                    "Promised date",
                    rx.input(
                        type="date",
                        name="promised",
                        id="edit-promised",
                        default_value=D.edit_values.get("promised", ""),
                    ),
                    "promised",
                ),
                _field(
                    "Technician",
                    rx.select.root(
                        rx.select.trigger(id="edit-assigned_to_id", width="100%"),
                        rx.select.content(
                            rx.select.item("Unassigned", value=UNASSIGNED), rx.foreach(S.staff_options, _option)
                        ),
                        name="assigned_to_id",
                        default_value=D.edit_values.get("assigned_to_id", UNASSIGNED),
                    ),
                    "assigned_to_id",
                ),
                _field(
                    "Location",
                    rx.select.root(
                        rx.select.trigger(id="edit-location_id", width="100%"),
                        rx.select.content(rx.foreach(S.location_options, _option)),
                        name="location_id",
                        default_value=D.edit_values.get("location_id", ""),
                    ),
                    "location_id",
                ),
                gap="1rem",
                direction=rx.breakpoints(initial="column", sm="row"),
                width="100%",
            ),
            job_fields(),
            rx.hstack(
                rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=D.cancel_edit),
                rx.button(rx.icon("save", size=14), "Save", type="submit", id="edit-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=D.handle_save_details,
        key=D.form_key.to(str),
        width="100%",
    )


def summary() -> rx.Component:
    edit_button = rx.cond(
        S.can_edit_details & ~D.editing,
        rx.button(rx.icon("pencil", size=14), "Edit", size="1", variant="soft", on_click=D.open_edit, id="edit-open"),
    )
    return card("Repair", rx.cond(D.editing, _form(), _view()), action=edit_button)
