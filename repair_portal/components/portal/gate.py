"""The last-name check in front of an order, posted to the server's own route."""

from __future__ import annotations

import reflex as rx

from ...state.track import TrackState
from ..portal_shell import ACCENT_BUTTON
from ..ui import post_form

T = TrackState


def gate() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("shield-check", size=26, color="var(--gray-11)"),
                width="3.25rem",
                height="3.25rem",
                border_radius="999px",
                background="var(--gray-4)",
            ),
            rx.heading("Confirm it's you", as_="h1", size="6"),
            rx.text(
                "To keep your details private, enter the last name order ",
                rx.text.strong(T.reference),
                " was booked under. You only need to do this once on this device.",
                size="3",
                color_scheme="gray",
            ),
            post_form(
                rx.vstack(
                    rx.el.label(
                        "Last name", html_for="last-name", font_weight="500", font_size="1rem", align_self="start"
                    ),
                    rx.input(
                        name="last_name",
                        aria_invalid=rx.cond(T.gate_error != "", "true", "false"),
                        aria_describedby=rx.cond(T.gate_error != "", "gate-error", ""),
                        size="3",
                        width="100%",
                        id="last-name",
                        auto_complete="family-name",
                        required=True,
                    ),
                    rx.cond(
                        T.gate_error != "",
                        rx.callout(
                            T.gate_error,
                            icon="circle-alert",
                            color_scheme="red",
                            size="1",
                            id="gate-error",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.button(
                        "Show my repair",
                        type="submit",
                        size="3",
                        width="100%",
                        id="gate-submit",
                        style=ACCENT_BUTTON,
                    ),
                    rx.el.input(type="hidden", name="tab", value=T.tab),
                    rx.cond(T.preview, rx.el.input(type="hidden", name="preview", value="staff")),
                    spacing="3",
                    width="100%",
                ),
                # A real form post: the route alone writes the HttpOnly device cookie, then the
                # page reloads on a connection that carries it.
                action=T.verify_action,
                form_id="gate-form",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )
