"""The service report card: the saved report, its editor, approval and the PDF."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...live import live_refresh
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_report import NO_TECHNICIAN, ReportPhotoOption
from ...state.staff_order_report import StaffOrderReportState as R
from ...state.staff_order_rows import ChoiceOption
from ..ui import conflict_notice, form_field, link_button
from .common import card

STATUS_BADGE = {"draft": ("Draft · staff only", "amber"), "approved": ("Approved · customer sees it", "green")}


def _shown_block(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="2", white_space="pre-wrap"),
            spacing="0",
            width="100%",
        ),
    )


def _view() -> rx.Component:
    shown = R.report_shown
    return rx.vstack(
        rx.hstack(
            rx.match(
                R.report_status,
                ("draft", rx.badge(STATUS_BADGE["draft"][0], color_scheme="amber", high_contrast=True)),
                ("approved", rx.badge(STATUS_BADGE["approved"][0], color_scheme="green", high_contrast=True)),
                rx.fragment(),
            ),
            rx.cond(R.report_revision > 1, rx.text("Revision ", R.report_revision, size="1", color_scheme="gray")),
            spacing="2",
            align="center",
            id="report-status",
        ),
        rx.cond(
            R.report_live_approved,
            rx.text(
                "The approved revision stays on the customer's pages until this one is approved.",
                size="1",
                color_scheme="gray",
            ),
        ),
        _shown_block("Findings", shown.findings),
        _shown_block("Work done", shown.work_done),
        _shown_block("Tests performed", shown.tests_performed),
        _shown_block("Parts used", shown.parts_used),
        _shown_block("Photos", shown.photos),
        _shown_block("Technician", shown.technician),
        rx.cond(shown.approved != "", rx.text(shown.approved, size="1", color_scheme="gray", id="report-approved")),
        spacing="2",
        width="100%",
    )


def _area(field: str, rows: str) -> rx.Component:
    return rx.text_area(
        name=field,
        id=f"report-{field}",
        default_value=R.report_values.get(field, ""),
        rows=rows,
        width="100%",
    )


def _field(label: str, field: str, control: rx.Component, hint: str = "") -> rx.Component:
    return form_field(label, control, f"report-{field}", R.report_errors.get(field, ""), hint)


def _option(option: ChoiceOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _photo(option: ReportPhotoOption) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name="photo_" + option.id.to_string(), default_checked=option.chosen),
            rx.text(option.title, size="2"),
            spacing="2",
            align="center",
            min_height="32px",
        ),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            conflict_notice(R.report_conflict, element_id="report-conflict"),
            _field("Findings", "findings", _area("findings", "3")),
            _field("Work done", "work_done", _area("work_done", "3")),
            _field("Tests performed", "tests_performed", _area("tests_performed", "2")),
            _field("Parts used", "parts_used", _area("parts_used", "2"), "One part per line."),
            _field(
                "Technician",
                "technician_id",
                rx.select.root(
                    rx.select.trigger(id="report-technician_id", width="100%"),
                    rx.select.content(
                        rx.select.item("No technician named", value=NO_TECHNICIAN), rx.foreach(S.staff_options, _option)
                    ),
                    name="technician_id",
                    default_value=R.report_values.get("technician_id", NO_TECHNICIAN),
                ),
            ),
            rx.el.fieldset(
                rx.el.legend(rx.text("Photos in the report", size="2", weight="medium")),
                rx.cond(
                    R.report_photos.length() > 0,
                    rx.vstack(rx.foreach(R.report_photos, _photo), spacing="1"),
                    rx.text(
                        "No photos the customer can see yet: mark a photo visible to add it here.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.cond(
                    R.report_errors.get("photo_ids", "") != "",
                    rx.text(R.report_errors.get("photo_ids", ""), size="1", color_scheme="red", role="alert"),
                ),
                style={"border": "0", "padding": "0", "margin": "0"},
            ),
            rx.hstack(
                rx.button(
                    "Cancel", type="button", variant="soft", color_scheme="gray", on_click=R.cancel_report_editor
                ),
                rx.button(rx.icon("save", size=14), "Save draft", type="submit", id="report-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=R.handle_save_report,
        key=R.report_form_key.to(str),
        width="100%",
    )


def _approve_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(rx.icon("badge-check", size=14), "Approve", size="2", color_scheme="green", id="report-approve")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Approve this service report?"),
            rx.alert_dialog.description(
                "The customer sees it on their pages and can download it as a PDF. It can't be edited afterwards; "
                "changes go into a new revision."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Approve", color_scheme="green", on_click=R.handle_approve_report, id="report-approve-yes"
                    )
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            R.can_write_reports & (R.report_status != "approved"),
            rx.button(
                rx.icon("pencil", size=14),
                rx.cond(R.report_status == "", "Write report", "Edit draft"),
                size="2",
                variant="soft",
                on_click=R.open_report_editor,
                id="report-edit",
            ),
        ),
        rx.cond(R.can_approve_reports & (R.report_status == "draft"), _approve_button()),
        rx.cond(
            R.can_write_reports & (R.report_status == "approved"),
            rx.button(
                rx.icon("copy-plus", size=14),
                "New revision",
                size="2",
                variant="soft",
                on_click=R.handle_new_revision,
                id="report-revise",
            ),
        ),
        rx.cond(
            S.can_print & (R.report_id > 0),
            link_button(
                rx.icon("file-down", size=14),
                "PDF",
                href=routes.staff_service_report_pdf(S.current_order_id, R.report_id),
                external=True,
                variant="surface",
                size="2",
                id="report-pdf",
            ),
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
    )


def service_report_card() -> rx.Component:
    return card(
        "Service report",
        live_refresh(R.load_report),
        rx.cond(
            R.report_editing,
            _form(),
            rx.vstack(
                rx.cond(
                    R.report_status == "",
                    rx.text("No service report yet.", size="2", color_scheme="gray"),
                    _view(),
                ),
                _actions(),
                spacing="3",
                width="100%",
            ),
        ),
        id="service-report-card",
    )
