"""The texts (SMS) sent to and received from the customer for the order, like the Emails card, and the
buttons that text the link: through the shop's provider, or the staff member's own Messages / WhatsApp."""

from __future__ import annotations

import reflex as rx

from ...services.sms_views import TextItem
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_texts import StaffOrderTextsState as T
from .common import card


def _text_row(item: TextItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(item.text, weight="medium"),
                rx.text(item.body, size="1", color_scheme="gray", white_space="pre-wrap"),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(item.direction),
                rx.text(item.number, size="1", color_scheme="gray", white_space="nowrap"),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.badge(
                item.status,
                color_scheme=rx.match(
                    item.tone, ("green", "green"), ("red", "red"), ("blue", "blue"), ("gray", "gray"), "amber"
                ),
                variant="soft",
                high_contrast=True,
                white_space="normal",
            )
        ),
        rx.table.cell(rx.text(item.when, color_scheme="gray", white_space="nowrap")),
        class_name="text-row",
    )


def texts_card() -> rx.Component:
    return card(
        "Texts",
        rx.cond(
            S.texts.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Text", "To / from", "Status", "When")])
                ),
                rx.table.body(rx.foreach(S.texts, _text_row)),
                size="1",
                width="100%",
            ),
            rx.text("No texts for this order yet.", size="2", color_scheme="gray"),
        ),
        rx.button(
            rx.icon("refresh-cw", size=14), "Refresh", on_click=S.refresh, variant="ghost", size="1", id="texts-refresh"
        ),
        id="texts-card",
    )


def text_link_buttons() -> rx.Component:
    """For the link card, beside "Email link": only when the customer has a number a text can go to."""
    return rx.cond(
        S.can_send_link & S.can_text,
        rx.fragment(
            rx.button(
                rx.icon("message-square-text", size=14),
                "Text link",
                on_click=T.handle_text_link,
                size="2",
                id="text-link",
            ),
            rx.button(
                rx.icon("smartphone", size=14),
                "Open in Messages",
                on_click=T.handle_open_sms,
                variant="soft",
                size="2",
                id="open-sms",
            ),
            rx.button(
                rx.icon("message-circle", size=14),
                "Open in WhatsApp",
                on_click=T.handle_open_whatsapp,
                variant="soft",
                size="2",
                id="open-whatsapp",
            ),
        ),
    )
