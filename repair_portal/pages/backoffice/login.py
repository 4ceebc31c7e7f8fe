"""/staff/login"""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.registry import register
from ...components.ui import auth_card, field_label, post_form
from ...state.staff_login import PASSKEY_FIELD_ID, PASSKEY_FORM_ID, StaffLoginState


def _passkey() -> rx.Component:
    """ "Sign in with a passkey": the handler stores a challenge and asks the browser; the script puts the
    signed answer in this hidden form and posts it to the sign-in route (which sets the cookie)."""
    return rx.vstack(
        rx.hstack(
            rx.separator(size="4", flex="1"),
            rx.text("or", size="1", color_scheme="gray"),
            rx.separator(size="4", flex="1"),
            align="center",
            width="100%",
            spacing="3",
        ),
        rx.button(
            rx.icon("key-round", size=18),
            "Sign in with a passkey",
            type="button",
            variant="outline",
            size="3",
            width="100%",
            loading=StaffLoginState.passkey_busy,
            on_click=StaffLoginState.start_passkey_sign_in,
            id="passkey-sign-in",
        ),
        rx.el.form(
            rx.el.input(type="hidden", name="credential", id=PASSKEY_FIELD_ID),
            rx.el.input(type="hidden", name="next", value=StaffLoginState.next_path),
            id=PASSKEY_FORM_ID,
            action=routes.backend(routes.STAFF_PASSKEY_POST),
            method="post",
            hidden=True,
        ),
        spacing="4",
        width="100%",
    )


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
        _passkey(),
        footer=rx.text(
            "Customers: use the tracking link from your email or receipt.",
            size="1",
            color_scheme="gray",
            text_align="center",
        ),
    )


register(routes.STAFF_LOGIN, "Sign in · Repair Portal", login_page, [StaffLoginState.load_login])
