"""The message thread with the shop, and the feedback form."""

from __future__ import annotations

import reflex as rx

from ...services.messages import ThreadItem
from .common import ACCENT_BUTTON, field_label, section_title
from .screen import OrderScreen


def bubble(m: ThreadItem) -> rx.Component:
    """One message; the customer's own texts (SMS) say "By text" beside the time."""
    return rx.box(
        rx.text(m.body, size="3", white_space="pre-wrap"),
        rx.text(
            m.author,
            " · ",
            m.at,
            rx.cond(m.by_text & m.from_customer, rx.el.span(" · By text", class_name="by-text")),
            size="2",
            color_scheme="gray",
            padding_top="0.25rem",
        ),
        align_self=rx.cond(m.from_customer, "flex-end", "flex-start"),
        background=rx.cond(m.from_customer, "var(--teal-3)", "var(--gray-3)"),
        padding="0.6rem 0.8rem",
        border_radius="12px",
        max_width="85%",
        class_name="message-bubble",
    )


def messages(s: OrderScreen) -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                section_title("Messages"),
                rx.cond(
                    s.thread.length() > 0,
                    rx.flex(rx.foreach(s.thread, bubble), direction="column", gap="0.5rem", width="100%", id="thread"),
                    rx.text("Ask us anything about your repair; we'll reply here.", size="2", color_scheme="gray"),
                ),
                rx.form(
                    rx.vstack(
                        field_label("Your message", "message-body"),
                        rx.text_area(
                            name="body",
                            rows="3",
                            width="100%",
                            id="message-body",
                        ),
                        rx.button(
                            rx.icon("send", size=14),
                            "Send",
                            type="submit",
                            size="3",
                            width="100%",
                            style=ACCENT_BUTTON,
                            id="message-send",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=s.on_message,
                    reset_on_submit=True,
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
        ),
        rx.card(
            rx.form(
                rx.vstack(
                    section_title("How are we doing?"),
                    field_label("Tell us what went well or what we could do better", "feedback-body"),
                    rx.text_area(
                        name="feedback",
                        rows="2",
                        width="100%",
                        id="feedback-body",
                    ),
                    rx.button("Send feedback", type="submit", variant="soft", size="3", id="feedback-send"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=s.on_feedback,
                reset_on_submit=True,
                width="100%",
            ),
            size="2",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
