"""/staff/set-password/[token]: choose a password from an invitation or reset link (public page)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.registry import register
from ...components.ui import auth_card, field_label, link_button
from ...services.passwords import MAX_LENGTH, MIN_LENGTH
from ...state.staff_set_password import StaffSetPasswordState

S = StaffSetPasswordState


def _password_field(label: str, element_id: str, name: str, error, hint: str = "") -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        rx.input(
            id=element_id,
            name=name,
            type="password",
            auto_complete="new-password",
            required=True,
            min_length=MIN_LENGTH,
            size="3",
            width="100%",
            aria_describedby=f"{element_id}-error",
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        rx.cond(error != "", rx.text(error, size="1", color_scheme="red", id=f"{element_id}-error", role="alert")),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("For ", rx.text.strong(S.account_email), size="2", id="set-password-account"),
            # Lets password managers store the new password under the right account.
            rx.el.input(
                type="text",
                name="username",
                value=S.account_email,
                auto_complete="username",
                read_only=True,
                hidden=True,
            ),
            _password_field(
                "New password",
                "new-password",
                "password",
                S.password_error,
                f"{MIN_LENGTH}–{MAX_LENGTH} characters. A few unrelated words work well; not your email.",
            ),
            _password_field("Repeat the password", "confirm-password", "confirm", S.confirm_error),
            rx.button(
                rx.cond(S.submitting, rx.spinner(size="2"), rx.fragment()),
                "Save password",
                type="submit",
                size="3",
                width="100%",
                disabled=S.submitting,
                id="set-password-submit",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.handle_set_password,
        reset_on_submit=False,
        width="100%",
        id="set-password-form",
    )


def _sign_in_button(label: str) -> rx.Component:
    return link_button(label, href=routes.STAFF_LOGIN, size="3", width="100%", id="sign-in-link")


def _body() -> rx.Component:
    return rx.match(
        S.link_state,
        ("ok", _form()),
        (
            "done",
            rx.vstack(
                rx.callout(
                    "Your password is saved. Any other signed-in browsers of yours were signed out.",
                    icon="circle-check",
                    color_scheme="green",
                    high_contrast=True,
                    width="100%",
                    id="set-password-done",
                ),
                _sign_in_button("Sign in"),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "invalid",
            rx.vstack(
                rx.callout(
                    S.link_error,
                    icon="circle-alert",
                    color_scheme="red",
                    high_contrast=True,
                    width="100%",
                    id="set-password-invalid",
                    role="alert",
                ),
                _sign_in_button("Go to sign in"),
                spacing="4",
                width="100%",
            ),
        ),
        rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
    )


def set_password_page() -> rx.Component:
    return auth_card("Choose your password", _body())


# Public: the link is the credential. `load_link` checks it (a staff session isn't needed here).
register(routes.STAFF_SET_PASSWORD, "Choose a password · Repair Portal", set_password_page, [S.load_link])
