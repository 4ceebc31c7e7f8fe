"""/staff/login"""

from __future__ import annotations

import reflex as rx

from ...components.registry import register
from ...state.staff_login import StaffLoginState


def login_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.vstack(
                rx.text("Email", as_="label", html_for="email", size="2", weight="medium"),
                rx.input(
                    id="email",
                    name="email",
                    type="email",
                    placeholder="you@yourshop.com",
                    auto_complete="username",
                    required=True,
                    size="3",
                    width="100%",
                    auto_focus=True,
                ),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                rx.text("Password", as_="label", html_for="password", size="2", weight="medium"),
                rx.input(
                    id="password",
                    name="password",
                    type="password",
                    auto_complete="current-password",
                    required=True,
                    size="3",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                StaffLoginState.error != "",
                rx.callout(
                    StaffLoginState.error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    id="login-error",
                    role="alert",
                ),
            ),
            rx.button(
                rx.cond(StaffLoginState.submitting, rx.spinner(size="2"), rx.fragment()),
                "Sign in",
                type="submit",
                size="3",
                width="100%",
                disabled=StaffLoginState.submitting,
                id="sign-in",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=StaffLoginState.handle_login,
        reset_on_submit=False,
        width="100%",
    )
    return rx.center(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon("wrench", size=20, color="white"),
                    width="2.5rem",
                    height="2.5rem",
                    border_radius="10px",
                    background="var(--teal-9)",
                ),
                rx.text("Repair Portal", size="5", weight="bold"),
                spacing="3",
                align="center",
            ),
            rx.card(
                rx.vstack(
                    rx.heading("Staff sign in", size="5"),
                    rx.text(
                        "Use the email and password your shop owner set up for you.", size="2", color_scheme="gray"
                    ),
                    form,
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="100%",
            ),
            rx.text(
                "Customers: use the tracking link from your email or receipt.",
                size="1",
                color_scheme="gray",
                text_align="center",
            ),
            spacing="5",
            width="100%",
            max_width="26rem",
            align="center",
        ),
        min_height="100vh",
        padding="1.5rem",
        background="linear-gradient(160deg, var(--teal-2) 0%, var(--gray-2) 55%)",
    )


register("/staff/login", "Sign in · Repair Portal", login_page, [StaffLoginState.load_login])
