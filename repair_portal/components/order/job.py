"""The job side of an order on the staff order page: site, schedule, the customer's PO number and the job
type (shown with the other facts, edited in the details form), and what a customer request asked for."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_details import NO_JOB_TYPE, UNASSIGNED
from ...state.staff_order_details import StaffOrderDetailsState as D
from ...state.staff_order_rows import ChoiceOption
from ..ui import form_field
from .common import fact


def job_facts() -> list[rx.Component]:
    """Facts for the summary's row; each only when the order has it."""
    return [
        rx.cond(S.summary.job_type != "", fact("Job type", rx.text(S.summary.job_type, size="2", id="order-job-type"))),
        rx.cond(S.summary.site != "", fact("Site", rx.text(S.summary.site, size="2", id="order-site"))),
        rx.cond(
            S.summary.scheduled != "", fact("Scheduled", rx.text(S.summary.scheduled, size="2", id="order-scheduled"))
        ),
        rx.cond(S.summary.po_number != "", fact("Customer PO", rx.text(S.summary.po_number, size="2", id="order-po"))),
    ]


def _part(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.span(label, color_scheme="gray"), value, size="2"),
    )


def request_note() -> rx.Component:
    """A customer request as it was made (the fields above may have been changed by staff since)."""
    return rx.cond(
        S.summary.requested_by != "",
        rx.box(
            rx.hstack(
                rx.icon("inbox", size=14, aria_hidden="true"),
                rx.text("Customer request", size="2", weight="bold"),
                align="center",
                spacing="2",
            ),
            rx.flex(
                _part("Requested by ", S.summary.requested_by),
                _part("On ", S.summary.requested_at),
                _part("Preferred date ", S.summary.preferred),
                _part("Site ", S.summary.requested_site),
                gap="0.25rem 1.5rem",
                wrap="wrap",
            ),
            background="var(--violet-2)",
            border="1px solid var(--violet-5)",
            border_radius="8px",
            padding="0.5rem 0.75rem",
            width="100%",
            id="order-request",
        ),
    )


def _field(label: str, control: rx.Component, field: str, hint: str = "") -> rx.Component:
    return form_field(label, control, f"edit-{field}", D.field_errors.get(field, ""), hint)


def _site(option: ChoiceOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _job_type(name: str) -> rx.Component:
    return rx.select.item(name, value=name)


def job_fields() -> rx.Component:
    """The details form's job fields: job type, site (business accounts), scheduled date and time, PO number."""
    return rx.grid(
        _field(
            "Job type",
            rx.select.root(
                rx.select.trigger(id="edit-job_type", width="100%"),
                rx.select.content(
                    rx.select.item("No job type", value=NO_JOB_TYPE), rx.foreach(S.job_type_options, _job_type)
                ),
                name="job_type",
                default_value=D.edit_values.get("job_type", NO_JOB_TYPE),
            ),
            "job_type",
        ),
        rx.cond(
            S.has_sites,
            _field(
                "Site",
                rx.select.root(
                    rx.select.trigger(id="edit-site_id", width="100%"),
                    rx.select.content(rx.select.item("No site", value=UNASSIGNED), rx.foreach(S.site_options, _site)),
                    name="site_id",
                    default_value=D.edit_values.get("site_id", UNASSIGNED),
                ),
                "site_id",
            ),
        ),
        _field(
            "Scheduled",
            rx.input(
                type="datetime-local",
                name="scheduled",
                id="edit-scheduled",
                default_value=D.edit_values.get("scheduled", ""),
            ),
            "scheduled",
            "Shop time. Shown to the customer.",
        ),
        _field(
            "Customer PO number",
            rx.input(name="po_number", id="edit-po_number", default_value=D.edit_values.get("po_number", "")),
            "po_number",
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        gap="1rem",
        width="100%",
    )
