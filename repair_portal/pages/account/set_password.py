"""/portal/set-password/[token]: choose a password from an invitation or a reset link (public page)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import branded, field, link_button, primary_button
from ...components.registry import register
from ...services.passwords import MIN_LENGTH
from ...services.portal_passwords import hint
from ...state.portal_set_password import PortalSetPasswordState as S


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("For ", rx.text.strong(S.account_email), size="3", id="set-password-account"),
            # Lets password managers store the new password under the right account.
            rx.el.input(
                type="text",
                name="username",
                value=S.account_email,
                auto_complete="username",
                read_only=True,
                hidden=True,
            ),
            field(
                "New password",
                "new-password",
                name="password",
                type_="password",
                auto_complete="new-password",
                error=S.password_error,
                hint=rx.cond(S.password_mix, hint(True), hint(False)),
                required=True,
                min_length=MIN_LENGTH,
            ),
            field(
                "Repeat the password",
                "confirm-password",
                name="confirm",
                type_="password",
                auto_complete="new-password",
                error=S.confirm_error,
                required=True,
            ),
            primary_button("Save and sign in", "set-password-submit", busy=S.submitting),
            spacing="4",
            width="100%",
        ),
        on_submit=S.handle_set_password,
        reset_on_submit=False,
        width="100%",
        id="set-password-form",
    )


def _body() -> rx.Component:
    return rx.match(
        S.link_state,
        (
            "ok",
            rx.vstack(
                rx.heading(rx.cond(S.invitation, "Choose your password", "Choose a new password"), as_="h1", size="6"),
                _form(),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "done",
            rx.vstack(
                rx.heading("Password saved", as_="h1", size="6"),
                rx.callout(
                    "Your password is saved and any other signed-in browsers were signed out. Signing you in…",
                    icon="circle-check",
                    color_scheme="green",
                    width="100%",
                    id="set-password-done",
                    role="status",
                ),
                link_button("Go to sign in", routes.PORTAL_SIGN_IN, "set-password-sign-in"),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "invalid",
            rx.vstack(
                rx.heading("This link doesn't work", as_="h1", size="6"),
                rx.callout(
                    S.link_error, icon="circle-alert", color_scheme="red", width="100%", id="set-password-invalid"
                ),
                link_button("Go to sign in", routes.PORTAL_SIGN_IN, "set-password-sign-in"),
                spacing="4",
                width="100%",
            ),
        ),
        rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
    )


def set_password_page() -> rx.Component:
    return branded(S, rx.card(_body(), size="3", width="100%", id="portal-set-password"))


# Public: the link is the credential (`load_link` checks it; no session is needed).
register(routes.PORTAL_SET_PASSWORD, "Choose a password · Your account", set_password_page, [S.load_link])
