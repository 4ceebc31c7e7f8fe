"""Settings → Workflow's stage editor (a dialog): names, what customers read, where quote decisions lead."""

from __future__ import annotations

import reflex as rx

from ...state.staff_workflow import STAY, StageChoice
from ...state.staff_workflow import StaffWorkflowState as S
from ..ui import dialog_form, field_error, field_label


def _colour_item(colour: str) -> rx.Component:
    return rx.select.item(
        rx.hstack(
            rx.box(width="0.7rem", height="0.7rem", border_radius="50%", background=f"var(--{colour}-9)"),
            rx.text(colour),
            spacing="2",
            align="center",
        ),
        value=colour,
    )


def _stage_item(choice: StageChoice) -> rx.Component:
    return rx.select.item(choice.name, value=choice.id)


def _target_select(label: str, element_id: str, value, on_change) -> rx.Component:
    """Where a quote decision moves an order that is at this stage (applied with the decision)."""
    return rx.vstack(
        field_label(label, element_id),
        rx.select.root(
            rx.select.trigger(id=element_id, width="100%"),
            rx.select.content(
                rx.select.item("Stay at this stage", value=STAY), rx.foreach(S.stage_choices, _stage_item)
            ),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        flex="1 1 14rem",
    )


def stage_editor() -> rx.Component:
    return dialog_form(
        field_label("Staff name", "stage-name"),
        rx.input(
            id="stage-name",
            name="name",
            default_value=S.f_name,
            required=True,
            auto_focus=True,
            width="100%",
        ),
        field_error(S.name_error, "stage-name"),
        rx.hstack(
            rx.switch(id="stage-internal", checked=S.f_internal, on_change=S.set_internal),
            rx.el.label(rx.text("Internal — hidden from customers", as_="span", size="2"), html_for="stage-internal"),
            spacing="2",
            align="center",
            padding_top="0.25rem",
        ),
        field_label(
            rx.cond(S.f_internal, "What customers read while an order is here (optional)", "Customer label"),
            "stage-label",
        ),
        rx.input(
            id="stage-label",
            name="customer_label",
            default_value=S.f_label,
            placeholder=rx.cond(S.f_internal, "e.g. Waiting for a part – we'll update you", "Same as the staff name"),
            width="100%",
        ),
        rx.cond(
            S.f_internal,
            rx.text("Left empty, customers keep seeing the stage before this one.", size="1", color_scheme="gray"),
        ),
        field_error(S.label_error, "stage-label"),
        rx.vstack(  # kept in the form while hidden, so switching "internal" back on and off loses nothing
            field_label("What customers read", "stage-explanation"),
            rx.text_area(
                id="stage-explanation",
                name="explanation",
                default_value=S.f_explanation,
                rows="3",
                width="100%",
            ),
            field_error(S.explanation_error, "stage-explanation"),
            display=rx.cond(S.f_internal, "none", "flex"),
            spacing="1",
            width="100%",
        ),
        rx.checkbox(
            "Email the customer when an order reaches this stage",
            checked=S.f_notify,
            on_change=S.set_notify,
            disabled=S.f_internal,
            id="stage-notify",
        ),
        rx.flex(
            _target_select(
                "When the customer approves the quote, move to", "stage-approve-to", S.f_approve_to, S.set_approve_to
            ),
            _target_select("When they decline it, move to", "stage-decline-to", S.f_decline_to, S.set_decline_to),
            gap="0.75rem",
            wrap="wrap",
            width="100%",
        ),
        field_error(S.targets_error, "stage-targets"),
        field_label("Colour", "stage-color"),
        rx.select.root(
            rx.select.trigger(id="stage-color", width="12rem"),
            rx.select.content(rx.foreach(S.colours, _colour_item)),
            value=S.f_color,
            on_change=S.set_color,
        ),
        title=rx.cond(S.editing_id == 0, "Add a stage", "Edit stage"),
        description="Staff see the name; customers see the label and explanation unless the stage is internal.",
        error=S.form_error,
        on_submit=S.handle_save_stage,
        submit=rx.button("Save", type="submit", id="stage-save"),
        ids=("stage-form", "stage-form-error", "stage-cancel"),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
        max_width="34rem",
    )
