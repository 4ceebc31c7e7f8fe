"""The message thread with the customer, and the emails sent for the order."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_messages import StaffOrderMessagesState as M
from ...state.staff_order_rows import EmailRow, ThreadRow
from .common import card


def by_text_badge() -> rx.Component:
    """A message that came or went by SMS: said in words, not colour alone."""
    return rx.badge(
        rx.icon("smartphone", size=12, aria_hidden="true"),
        "By text",
        color_scheme="blue",
        variant="surface",
        size="1",
        high_contrast=True,
        class_name="by-text",
    )


def _thread_item(m: ThreadRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(m.author, size="1", weight="bold"),
            rx.cond(m.is_feedback, rx.badge("Feedback", color_scheme="amber", size="1", high_contrast=True)),
            rx.cond(m.by_text, by_text_badge()),
            rx.text(m.at, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
        ),
        rx.text(m.body, size="2", white_space="pre-wrap"),
        align_self=rx.cond(m.from_customer, "flex-start", "flex-end"),
        background=rx.cond(m.from_customer, "var(--gray-3)", "var(--teal-3)"),
        padding="0.5rem 0.75rem",
        border_radius="10px",
        max_width="85%",
        class_name="staff-message",
    )


def messages() -> rx.Component:
    return card(
        "Messages with the customer",
        rx.cond(
            S.thread.length() > 0,
            rx.flex(rx.foreach(S.thread, _thread_item), direction="column", gap="0.5rem", width="100%"),
            rx.text("No messages yet.", size="2", color_scheme="gray"),
        ),
        rx.form(
            rx.hstack(
                rx.text_area(
                    name="reply",
                    placeholder="Reply to the customer…",
                    aria_label="Reply to the customer",
                    rows="2",
                    width="100%",
                    id="staff-reply",
                ),
                rx.button(rx.icon("send", size=14), "Reply", type="submit", size="2", id="staff-reply-send"),
                width="100%",
                align="end",
            ),
            on_submit=M.handle_reply,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _email_row(item: EmailRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.template),
        rx.table.cell(rx.text(item.recipient, color_scheme="gray")),
        rx.table.cell(
            rx.vstack(
                rx.badge(
                    item.status,
                    color_scheme=rx.match(
                        item.status, ("Sent", "green"), ("Failed", "red"), ("Queued", "gray"), "amber"
                    ),
                    variant="soft",
                    high_contrast=True,
                ),
                rx.cond(item.error != "", rx.text(item.error, size="1", color_scheme="red")),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(item.when, color_scheme="gray")),
        class_name="email-row",
    )


def emails() -> rx.Component:
    return card(
        "Emails",
        rx.cond(
            S.emails.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Email", "To", "Status", "When")])
                ),
                rx.table.body(rx.foreach(S.emails, _email_row)),
                size="1",
                width="100%",
            ),
            rx.text("No emails for this order yet.", size="2", color_scheme="gray"),
        ),
        rx.button(rx.icon("refresh-cw", size=14), "Refresh", on_click=S.refresh, variant="ghost", size="1"),
    )
