"""/portal/sign-in: an emailed sign-in link (the default tab) or a password; "forgot password"."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import branded, callout, field, primary_button
from ...components.registry import register
from ...components.ui import post_form
from ...state.portal_sign_in import PASSKEY_FIELD_ID, PASSKEY_FORM_ID
from ...state.portal_sign_in import PortalSignInState as S


def _link_tab() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(
                "We'll email you a link that signs you in on this device. No password needed.",
                size="3",
                color_scheme="gray",
            ),
            field(
                "Email",
                "link-email",
                name="email",
                type_="email",
                auto_complete="email",
                error=S.email_error,
                required=True,
                placeholder="you@company.com",
            ),
            primary_button("Email me a sign-in link", "link-submit", busy=S.sending),
            spacing="4",
            width="100%",
        ),
        on_submit=S.handle_link_request,
        reset_on_submit=False,
        width="100%",
        id="link-form",
    )


def _password_form() -> rx.Component:
    return rx.vstack(
        post_form(
            rx.vstack(
                field(
                    "Email",
                    "password-email",
                    name="email",
                    type_="email",
                    auto_complete="username",
                    required=True,
                ),
                field(
                    "Password",
                    "password",
                    name="password",
                    type_="password",
                    auto_complete="current-password",
                    required=True,
                ),
                primary_button("Sign in", "password-submit"),
                spacing="4",
                width="100%",
            ),
            # A real form post: the route alone writes the HttpOnly session cookie.
            action=routes.backend(routes.PORTAL_SIGN_IN_POST),
            form_id="password-form",
        ),
        rx.button(
            "Forgot your password?",
            type="button",
            variant="ghost",
            size="3",
            on_click=S.show_forgot(True),
            id="forgot-open",
            align_self="center",
        ),
        spacing="3",
        width="100%",
    )


def _forgot_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Choose a new password", as_="h2", size="4"),
        rx.form(
            rx.vstack(
                rx.text(
                    "Enter your email and we'll send you a link to choose a new password. If you use "
                    "two-step sign-in, you'll still need your code afterwards.",
                    size="3",
                    color_scheme="gray",
                ),
                field(
                    "Email",
                    "reset-email",
                    name="email",
                    type_="email",
                    auto_complete="email",
                    error=S.email_error,
                    required=True,
                ),
                primary_button("Email me a link", "reset-submit", busy=S.sending),
                spacing="4",
                width="100%",
            ),
            on_submit=S.handle_reset_request,
            reset_on_submit=False,
            width="100%",
            id="reset-form",
        ),
        rx.button(
            "Back to sign in with a password",
            type="button",
            variant="ghost",
            size="3",
            on_click=S.show_forgot(False),
            id="forgot-close",
            align_self="center",
        ),
        spacing="3",
        width="100%",
    )


def _passkey() -> rx.Component:
    """ "Sign in with a passkey": the handler stores a challenge and asks the browser; the script puts the
    signed answer in this hidden form and posts it to the passkey route (which sets the cookie)."""
    return rx.vstack(
        rx.hstack(
            rx.separator(size="4", flex="1"),
            rx.text("or", size="2", color_scheme="gray"),
            rx.separator(size="4", flex="1"),
            align="center",
            width="100%",
            spacing="3",
        ),
        rx.button(
            rx.icon("fingerprint", size=18, aria_hidden="true"),
            "Sign in with a passkey",
            type="button",
            variant="outline",
            size="3",
            width="100%",
            min_height="44px",
            loading=S.passkey_busy,
            on_click=S.start_passkey_sign_in,
            id="passkey-sign-in",
        ),
        rx.el.form(
            rx.el.input(type="hidden", name="credential", id=PASSKEY_FIELD_ID),
            id=PASSKEY_FORM_ID,
            action=routes.backend(routes.PORTAL_PASSKEY_POST),
            method="post",
            hidden=True,
        ),
        spacing="4",
        width="100%",
    )


def _tab(label: str, value: str, icon: str) -> rx.Component:
    return rx.tabs.trigger(
        rx.hstack(rx.icon(icon, size=18, aria_hidden="true"), label, spacing="2", align="center"),
        value=value,
        id=f"tab-{value}",
    )


def sign_in_page() -> rx.Component:
    return branded(
        S,
        rx.card(
            rx.vstack(
                rx.heading("Sign in to your account", as_="h1", size="6"),
                rx.text(
                    "See your orders, quotes and invoices with ",
                    rx.text.strong(S.shop_name),
                    ".",
                    size="3",
                    color_scheme="gray",
                ),
                callout(S.error, tone="problem", element_id="sign-in-error"),
                callout(S.notice, tone="ok", element_id="sign-in-notice"),
                rx.tabs.root(
                    rx.tabs.list(
                        _tab("Email link", "link", "mail"),
                        _tab("Password", "password", "key-round"),
                        size="2",
                        width="100%",
                    ),
                    rx.tabs.content(rx.box(_link_tab(), padding_top="1.25rem"), value="link"),
                    rx.tabs.content(
                        rx.box(rx.cond(S.forgot, _forgot_form(), _password_form()), padding_top="1.25rem"),
                        value="password",
                    ),
                    value=S.tab,
                    on_change=S.set_tab,
                    width="100%",
                ),
                _passkey(),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            id="portal-sign-in",
        ),
        rx.text(
            "Here about one repair? Use the tracking link from your email or receipt; no account needed.",
            size="2",
            color_scheme="gray",
            text_align="center",
            width="100%",
        ),
    )


register(routes.PORTAL_SIGN_IN, "Sign in · Your account", sign_in_page, [S.load_sign_in])
