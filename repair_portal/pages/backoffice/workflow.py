"""/staff/settings/workflow: the stages orders move through, what customers see, and what each stage means."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.stage_editor import stage_editor
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import STICKY_HEAD, empty_state, field_label, scroll_region, visually_hidden
from ...state.staff_workflow import NONE_CHOICE, StaffWorkflowState, StageChoice, StageView

S = StaffWorkflowState
ROUTE = routes.STAFF_SETTINGS_WORKFLOW


def _id(prefix: str, row: StageView) -> rx.Var:
    return prefix + row.id.to(str)


def _customer_cell(row: StageView) -> rx.Component:
    return rx.vstack(
        rx.cond(
            row.internal,
            rx.vstack(
                rx.badge(
                    rx.icon("eye-off", size=12), "Internal", color_scheme="gray", variant="soft", high_contrast=True
                ),
                rx.text(
                    rx.cond(
                        row.customer_label != "",
                        "Customers read: " + row.customer_label,
                        "Customers see the stage before",
                    ),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.text(rx.cond(row.customer_label != "", row.customer_label, row.name), size="2", weight="medium"),
                rx.text(
                    row.explanation,
                    size="1",
                    color_scheme="gray",
                    max_width="28rem",
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                ),
                spacing="0",
            ),
        ),
        rx.cond(
            row.approve_to_name != "", rx.text("Approved → " + row.approve_to_name, size="1", color_scheme="green")
        ),
        rx.cond(row.decline_to_name != "", rx.text("Declined → " + row.decline_to_name, size="1", color_scheme="red")),
        spacing="1",
    )


def _icon_button(icon: str, label: str, element_id, on_click, disabled=False, color: str = "gray") -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=14),
            size="1",
            variant="soft",
            color_scheme=color,
            aria_label=label,
            on_click=on_click,
            disabled=disabled,
            id=element_id,
        ),
        content=label,
    )


def _row(row: StageView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.number, color_scheme="gray", size="2")),
        rx.table.row_header_cell(
            rx.hstack(
                rx.box(width="0.7rem", height="0.7rem", border_radius="50%", background=f"var(--{row.color}-9)"),
                rx.text(row.name, weight="medium"),
                rx.cond(
                    row.kind_label != "",
                    rx.badge(row.kind_label, color_scheme="teal", variant="surface", high_contrast=True),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(_customer_cell(row)),
        rx.table.cell(
            rx.cond(
                row.notify,
                rx.icon("mail", size=16, role="img", aria_label="Emails the customer"),
                rx.text(rx.el.span("—", aria_hidden="true"), visually_hidden("No email")),
            )
        ),
        rx.table.cell(rx.text(row.orders, size="2")),
        rx.table.cell(
            rx.hstack(
                _icon_button(
                    "arrow-up", "Move up: " + row.name, _id("stage-up-", row), S.handle_move(row.id, -1), ~row.can_up
                ),
                _icon_button(
                    "arrow-down",
                    "Move down: " + row.name,
                    _id("stage-down-", row),
                    S.handle_move(row.id, 1),
                    ~row.can_down,
                ),
                _icon_button("pencil", "Edit " + row.name, _id("stage-edit-", row), S.start_edit(row.id)),
                _icon_button(
                    "archive",
                    "Deactivate " + row.name,
                    _id("stage-deactivate-", row),
                    S.ask_deactivate(row.id),
                    ~row.can_deactivate,
                    "red",
                ),
                spacing="1",
            )
        ),
        id=_id("stage-row-", row),
        class_name="workflow-row",
    )


def _inactive_row(row: StageView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.name, color_scheme="gray")),
        rx.table.cell(_customer_cell(row)),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    rx.icon("archive-restore", size=14),
                    "Reactivate",
                    size="1",
                    variant="soft",
                    on_click=S.handle_reactivate(row.id),
                    aria_label="Reactivate " + row.name,
                    id=_id("stage-reactivate-", row),
                ),
                _icon_button("pencil", "Edit " + row.name, _id("stage-edit-", row), S.start_edit(row.id)),
                spacing="2",
            )
        ),
        id=_id("stage-row-", row),
        class_name="workflow-inactive-row",
    )


def _table(headers: list, rows, render, element_id: str, label: str) -> rx.Component:
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(rows, render)),
            variant="surface",
            size="2",
            width="100%",
            id=element_id,
        ),
        label=label,
        max_height="calc(100vh - 16rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _empty() -> rx.Component:
    return empty_state(
        "list-ordered", "No stages yet", "Add the first stage orders are booked into.", id="workflow-empty"
    )


def _choice(choice: StageChoice) -> rx.Component:
    return rx.select.item(choice.name, value=choice.id)


def _kind_select(kind: str, label: str, hint: str, value, allow_none: bool) -> rx.Component:
    items = [rx.select.item("No stage", value=NONE_CHOICE)] if allow_none else []
    return rx.vstack(
        field_label(label, f"kind-{kind}"),
        rx.select.root(
            rx.select.trigger(id=f"kind-{kind}", width="100%"),
            rx.select.content(*items, rx.foreach(S.kind_choices, _choice)),
            value=value,
            on_change=lambda v: S.handle_set_kind(kind, v),
            size="2",
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1",
        flex="1",
        min_width="12rem",
    )


def _meanings() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("What stages mean", size="3", weight="bold"),
            rx.flex(
                _kind_select(
                    "awaiting_approval",
                    "Awaiting approval",
                    "Sending a quote moves the order here.",
                    S.awaiting_id,
                    True,
                ),
                _kind_select("ready", "Ready", "Emails the customer that it's ready to collect.", S.ready_id, True),
                _kind_select(
                    "collected",
                    "Collected",
                    "The last stage; always at the end of the workflow.",
                    S.collected_id,
                    False,
                ),
                _kind_select(
                    "requested",
                    "Customer requests",
                    "Jobs customers request from their account start here (none: no requests).",
                    S.requested_id,
                    True,
                ),
                gap="1rem",
                wrap="wrap",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate “", S.confirm_name, "”?"),
            rx.alert_dialog.description(
                "It leaves the workflow: staff can't move orders to it and customers no longer see it. "
                "Orders that passed through it keep it in their history. You can reactivate it later."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", id="stage-confirm-cancel")
                ),
                rx.alert_dialog.action(
                    rx.button("Deactivate", color_scheme="red", on_click=S.confirm_deactivate, id="stage-confirm")
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
        open=S.confirm_open,
        on_open_change=S.set_confirm_open,
    )


@staff_page(ROUTE, "Workflow", on_load=[StaffWorkflowState.load_workflow])
def workflow_page() -> rx.Component:
    active_headers = ["#", "Stage", "Customers see", "Email", "Orders", visually_hidden("Actions")]
    body = rx.vstack(
        _meanings(),
        rx.cond(S.stages.length() > 0, _table(active_headers, S.stages, _row, "workflow-table", "Stages"), _empty()),
        rx.cond(
            S.inactive.length() > 0,
            rx.vstack(
                rx.text("Inactive stages", size="3", weight="bold"),
                rx.text("Not used for new moves; kept for the history of older orders.", size="2", color_scheme="gray"),
                _table(
                    ["Stage", "Customers saw", visually_hidden("Actions")],
                    S.inactive,
                    _inactive_row,
                    "workflow-inactive-table",
                    "Inactive stages",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        stage_editor(),
        _confirm(),
        spacing="4",
        width="100%",
    )
    add = rx.button(rx.icon("plus", size=16), "Add stage", size="2", on_click=S.start_add, id="stage-add")
    return staff_layout(
        ROUTE,
        "Workflow",
        "The stages an order moves through. Staff see the names; customers see the labels and explanations.",
        body,
        actions=add,
    )
