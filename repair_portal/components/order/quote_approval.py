"""The confirmation before recording an approval given by phone or at the counter."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order_approval import ApprovalLineRow
from ...state.staff_order_approval import StaffOrderApprovalState as A
from ..ui import dialog_form, form_field


def _channel(value: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=value, id=f"approval-channel-{value.replace('_', '-')}"),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
        style={"cursor": "pointer"},
    )


def _line(row: ApprovalLineRow, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.checkbox(
            "Include " + row.description,
            checked=row.include,
            on_change=lambda value: A.set_approval_include(index, value),
            id="approval-line-" + row.id.to(str),
            class_name="approval-line",
        ),
        rx.spacer(),
        rx.text(row.price, size="2", color_scheme="gray", white_space="nowrap"),
        width="100%",
        align="center",
    )


def approval_dialog() -> rx.Component:
    return dialog_form(
        rx.vstack(
            rx.text("How they told you", size="2", weight="medium", id="approval-channel-label"),
            rx.radio_group.root(
                rx.hstack(_channel("phone", "By phone"), _channel("in_person", "At the counter"), spacing="4"),
                value=A.approval_channel,
                on_change=A.set_approval_channel,
                id="approval-channel",
                aria_labelledby="approval-channel-label",
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            A.approval_lines.length() > 0,
            rx.vstack(
                rx.text("Optional items", size="2", weight="medium"),
                rx.foreach(A.approval_lines, _line),
                spacing="2",
                width="100%",
            ),
        ),
        rx.text("Total with these choices: ", rx.text.strong(A.approval_total), size="2", id="approval-total"),
        form_field(
            "Who gave the approval",
            rx.input(
                id="approval-approver",
                name="approver",
                default_value=A.approval_name,
                required=True,
                width="100%",
            ),
            "approval-approver",
            A.approver_error,
            hint="Their full name, as they told you.",
        ),
        form_field(
            "Note (optional)",
            rx.text_area(id="approval-note", name="note", rows="2", width="100%"),
            "approval-note",
            "",
            hint="For the shop only; the customer doesn't see it.",
        ),
        title=rx.cond(A.approval_channel == "phone", "Approved by phone", "Approved at the counter"),
        description=(
            "Record the customer's approval of quote v" + A.approval_version.to(str) + ". "
            "It is final for this version; no signature is taken."
        ),
        error=A.approval_error,
        on_submit=A.handle_confirm_approval,
        submit=rx.button("Record approval", type="submit", color_scheme="green", id="approval-confirm"),
        ids=("approval-form", "approval-error", "approval-cancel"),
        open=A.approval_open,
        on_open_change=A.set_approval_open,
        max_width="30rem",
    )
