"""The Alerts page's "Texts we couldn't match": when, the number, the text, and "Add to order…" / "Dismiss"."""

from __future__ import annotations

import reflex as rx

from ..live import ALERTS, live_refresh
from ..services.unmatched_texts import UnmatchedText
from ..state.staff_unmatched_texts import StaffUnmatchedTextsState as U
from .ui import field_label


def _attach_form(item: UnmatchedText) -> rx.Component:
    field_id = "attach-ref-" + item.id.to(str)
    return rx.popover.root(
        rx.popover.trigger(
            rx.button("Add to order…", size="2", variant="soft", min_height="44px", class_name="unmatched-attach")
        ),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    field_label("Order reference", field_id),
                    rx.el.input(type="hidden", name="sms_id", value=item.id.to(str)),
                    rx.input(
                        name="reference",
                        id=field_id,
                        placeholder="R-10042",
                        auto_complete="off",
                        width="100%",
                        class_name="unmatched-reference",
                    ),
                    rx.text("The text joins that order's messages.", size="1", color_scheme="gray"),
                    # Not wrapped in popover.close: closing first would unmount the form before it submits.
                    rx.button("Add", type="submit", size="2", min_height="44px", class_name="unmatched-add"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=U.attach_text,
                reset_on_submit=True,
                width="100%",
            ),
            width="16rem",
        ),
    )


def _row(item: UnmatchedText) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("message-square-warning", size=18),
            width="2.25rem",
            height="2.25rem",
            border_radius="999px",
            background="var(--orange-3)",
            color="var(--orange-11)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(item.number, weight="bold", size="2", class_name="unmatched-number"),
                rx.cond(item.customer != "", rx.text("(", item.customer, ")", size="2", color_scheme="gray")),
                rx.tooltip(rx.text(item.ago, size="1", color_scheme="gray"), content=item.at),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(item.body, size="2", white_space="pre-wrap", class_name="unmatched-body"),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.hstack(
            _attach_form(item),
            rx.button(
                "Dismiss",
                size="2",
                variant="soft",
                color_scheme="gray",
                min_height="44px",
                on_click=U.dismiss_text(item.id),
                aria_label="Dismiss the text from " + item.number,
                class_name="unmatched-dismiss",
            ),
            spacing="2",
            wrap="wrap",
        ),
        padding="0.9rem 1rem",
        width="100%",
        align="start",
        spacing="3",
        border_bottom="1px solid var(--gray-4)",
        class_name="unmatched-text",
    )


def unmatched_texts_section() -> rx.Component:
    """Shown while there is at least one; re-read whenever the shop's alert channel moves."""
    return rx.fragment(
        live_refresh(U.load_unmatched, ALERTS),
        rx.cond(
            U.unmatched_total > 0,
            rx.vstack(
                rx.hstack(
                    rx.heading("Texts we couldn't match", as_="h2", size="4"),
                    rx.badge(U.unmatched_total, color_scheme="orange", variant="soft", radius="full"),
                    spacing="2",
                    align="center",
                ),
                rx.text(
                    "From numbers on no customer, on several customers, or a customer with no open order.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.box(
                    rx.foreach(U.unmatched, _row),
                    width="100%",
                    border="1px solid var(--orange-6)",
                    border_radius="10px",
                    overflow="hidden",
                    background="var(--color-panel-solid)",
                ),
                spacing="2",
                width="100%",
                id="unmatched-texts",
            ),
        ),
    )
