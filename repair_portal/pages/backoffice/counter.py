"""/staff/counter: the customer-facing signing screen a staff browser is locked to (services/counter.py).

No staff shell and no links: whatever the customer taps or types, the browser stays here until the
staff member's password unlocks it."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.registry import register
from ...components.signature_pad import signature_pad
from ...components.ui import field_error
from ...state.staff_counter import StaffCounterState as C

FULL_SCREEN_JS = "document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()"


def _top_bar() -> rx.Component:
    return rx.hstack(
        rx.text("Order ", C.reference, size="3", weight="medium", color_scheme="gray"),
        rx.spacer(),
        rx.button(
            rx.icon("maximize", size=16),
            "Full screen",
            variant="soft",
            color_scheme="gray",
            size="3",
            on_click=rx.call_script(FULL_SCREEN_JS),
            id="counter-fullscreen",
        ),
        rx.button(
            rx.icon("lock-open", size=16),
            "Staff: unlock",
            variant="soft",
            color_scheme="gray",
            size="3",
            on_click=C.show_unlock(True),
            id="counter-unlock-open",
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _document() -> rx.Component:
    return rx.vstack(
        rx.heading(C.title, size="7", as_="h1", id="counter-title"),
        rx.text(
            rx.cond(C.device != "", C.device + " · ", ""),
            "for ",
            C.customer_name,
            size="3",
            color_scheme="gray",
        ),
        rx.box(
            rx.text(C.text, size="3", white_space="pre-wrap", id="counter-text"),
            max_height="40vh",
            overflow_y="auto",
            padding="1rem",
            border="1px solid var(--gray-6)",
            border_radius="10px",
            background="var(--gray-2)",
            width="100%",
            tab_index=0,
            aria_label="What you are signing",
        ),
        spacing="3",
        width="100%",
    )


def _sign_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(rx.text("Your full name", size="3", weight="medium"), html_for="counter-name"),
            rx.input(
                name="signer_name",
                default_value=C.customer_name,
                size="3",
                width="100%",
                id="counter-name",
                auto_complete="off",
            ),
            signature_pad("Sign with your finger, a stylus or the mouse"),
            field_error(C.sign_error, "counter-sign"),
            rx.button("Sign", type="submit", size="4", width="100%", id="counter-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=C.prepare_sign,
        width="100%",
    )


def _thanks() -> rx.Component:
    return rx.vstack(
        rx.icon("circle-check", size=56, color="var(--green-9)"),
        rx.heading("Thank you, ", C.signer_name, size="7", as_="h1", id="counter-done"),
        rx.text("Signed. Please hand the screen back to ", C.opened_by, ".", size="4"),
        align="center",
        spacing="3",
        padding_y="3rem",
        width="100%",
    )


def _unlock_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Back to the order"),
            rx.dialog.description(
                "Staff only: enter the password of ", C.opened_by, ".", size="3", margin_bottom="1rem"
            ),
            rx.form(
                rx.vstack(
                    rx.el.label(rx.text("Password", size="3", weight="medium"), html_for="counter-password"),
                    rx.input(
                        name="password",
                        type="password",
                        size="3",
                        width="100%",
                        id="counter-password",
                        auto_complete="current-password",
                    ),
                    field_error(C.unlock_error, "counter-password"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button", size="3")
                        ),
                        rx.button("Unlock", type="submit", size="3", id="counter-unlock"),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=C.handle_unlock,
                reset_on_submit=True,
            ),
            max_width="26rem",
        ),
        open=C.unlocking,
        on_open_change=C.show_unlock,
    )


def counter_page() -> rx.Component:
    return rx.center(
        rx.cond(
            C.ready,
            rx.vstack(
                _top_bar(),
                rx.cond(C.signed, _thanks(), rx.vstack(_document(), _sign_form(), spacing="5", width="100%")),
                _unlock_dialog(),
                spacing="5",
                width="100%",
                max_width="46rem",
                padding="clamp(1rem, 4vw, 2.5rem)",
                id="counter-screen",
            ),
            rx.spinner(size="3"),
        ),
        min_height="100vh",
        width="100%",
        align_items="start",
        background="var(--color-background)",
        class_name="portal-root",  # the customer's screen: their text sizes and tap targets
        style={"--accent": "var(--accent-9)", "--accent-ink": "#ffffff", "--accent-text": "var(--accent-11)"},
    )


register(routes.STAFF_COUNTER, "Please sign · Repair Portal", counter_page, [C.load_counter])
