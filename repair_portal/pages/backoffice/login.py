"""/staff/login"""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.registry import register
from ...components.ui import auth_card, field_label, post_form
from ...state.staff_login import StaffLoginState


def login_page() -> rx.Component:
    form = post_form(
        rx.vstack(
            rx.vstack(
                field_label("Email", "email"),
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
                field_label("Password", "password"),
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
                    high_contrast=True,
                    size="1",
                    width="100%",
                    id="login-error",
                    role="alert",
                ),
            ),
            rx.el.input(type="hidden", name="next", value=StaffLoginState.next_path),
            rx.button("Sign in", type="submit", size="3", width="100%", id="sign-in"),
            spacing="4",
            width="100%",
        ),
        # A real form post: the route sets the HttpOnly session cookie, then a full page load opens
        # a websocket that carries it. No token ever travels through Reflex state.
        action=routes.backend(routes.STAFF_SIGN_IN_POST),
        form_id="staff-login-form",
    )
    return auth_card(
        "Staff sign in",
        rx.text("Use the email and password your shop owner set up for you.", size="2", color_scheme="gray"),
        form,
        footer=rx.text(
            "Customers: use the tracking link from your email or receipt.",
            size="1",
            color_scheme="gray",
            text_align="center",
        ),
    )


register(routes.STAFF_LOGIN, "Sign in · Repair Portal", login_page, [StaffLoginState.load_login])
