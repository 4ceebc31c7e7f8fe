"""/portal/security: change the password, set up or switch off two-step sign-in, new recovery codes."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import callout, code_field, enrol_steps, field, primary_button, recovery_codes
from ...components.account_passkeys import passkeys_section
from ...components.account_shell import account_layout, account_page
from ...services.portal_passwords import hint
from ...state.portal_passkeys import PortalPasskeysState as K
from ...state.portal_security import PortalSecurityState as S


def _section(title: str, element_id: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, as_="h3", size="5"), *children, spacing="4", width="100%"),
        size="3",
        width="100%",
        id=element_id,
    )


def _change_password() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.input(type="text", name="username", auto_complete="username", hidden=True, read_only=True),
            field(
                "Current password",
                "current-password",
                name="current",
                type_="password",
                auto_complete="current-password",
                error=S.errors.get("current", ""),
                required=True,
            ),
            field(
                "New password",
                "new-password",
                name="new",
                type_="password",
                auto_complete="new-password",
                error=S.errors.get("new", ""),
                hint=rx.cond(S.password_mix, hint(True), hint(False)),
                required=True,
            ),
            field(
                "Repeat the new password",
                "confirm-password",
                name="confirm",
                type_="password",
                auto_complete="new-password",
                error=S.errors.get("confirm", ""),
                required=True,
            ),
            primary_button("Change password", "change-password-submit"),
            rx.text("Other browsers signed in to your account will be signed out.", size="2", color_scheme="gray"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.handle_change_password,
        reset_on_submit=True,
        width="100%",
        id="change-password-form",
    )


def _password() -> rx.Component:
    return _section(
        "Password",
        "security-password",
        callout(S.password_notice, tone="ok", element_id="password-notice"),
        rx.cond(
            S.has_password,
            _change_password(),
            rx.vstack(
                rx.text(
                    "You sign in with links by email. To sign in with a password as well, choose one: "
                    "we'll email you a link.",
                    size="3",
                ),
                callout(S.link_notice, tone="ok", element_id="password-link-notice"),
                rx.button(
                    "Email me a link to choose a password",
                    size="3",
                    variant="soft",
                    on_click=S.send_password_link,
                    id="password-link",
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def _code_form(purpose: str, label: str, on_submit) -> rx.Component:
    return rx.form(
        rx.vstack(
            code_field("Code from your app", f"{purpose}-code", S.errors.get(purpose, ""), focus=False),
            rx.hstack(
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    size="3",
                    on_click=S.set_panel(""),
                    id=f"{purpose}-cancel",
                ),
                rx.button(label, type="submit", size="3", id=f"{purpose}-submit", color_scheme="red")
                if purpose == "disable"
                else rx.button(label, type="submit", size="3", id=f"{purpose}-submit"),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        width="100%",
        id=f"{purpose}-form",
    )


def _totp_on() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge("On", color_scheme="green", size="3", id="totp-status"),
            rx.text(
                "Signing in asks for a code from your authenticator app. Recovery codes left: ",
                rx.text.strong(S.codes_left, id="codes-left"),
                ".",
                size="3",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.match(
            S.panel,
            ("renew", _code_form("renew", "Make new recovery codes", S.handle_renew_codes)),
            ("disable", _code_form("disable", "Switch off two-step sign-in", S.handle_disable)),
            rx.hstack(
                rx.button(
                    "New recovery codes", size="3", variant="soft", on_click=S.set_panel("renew"), id="renew-open"
                ),
                rx.cond(
                    S.totp_required,
                    rx.text("Your account requires it, so it can't be switched off.", size="2", color_scheme="gray"),
                    rx.button(
                        "Switch off",
                        size="3",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.set_panel("disable"),
                        id="disable-open",
                    ),
                ),
                spacing="3",
                wrap="wrap",
                align="center",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _totp_off() -> rx.Component:
    return rx.cond(
        S.enrolling,
        rx.vstack(
            enrol_steps(S, on_submit=S.handle_confirm_enrol, error=S.errors.get("enrol", "")),
            rx.button("Cancel", type="button", variant="soft", color_scheme="gray", size="3", on_click=S.cancel_enrol),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.hstack(
                rx.badge("Off", color_scheme="gray", size="3", id="totp-status"),
                rx.text("Add a code from your phone to every sign-in, so a password alone isn't enough.", size="3"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            callout(S.errors.get("enrol", ""), tone="problem", element_id="enrol-error"),
            rx.button("Set up two-step sign-in", size="3", on_click=S.start_enrol, id="enrol-start"),
            spacing="4",
            width="100%",
        ),
    )


def _two_step() -> rx.Component:
    return _section(
        "Two-step sign-in",
        "security-totp",
        rx.cond(
            S.codes_shown,
            recovery_codes(
                rx.button("Done", size="3", variant="soft", on_click=S.dismiss_codes, id="recovery-codes-done")
            ),
        ),
        rx.cond(S.codes_shown, rx.fragment(), rx.cond(S.totp_on, _totp_on(), _totp_off())),
    )


@account_page(routes.PORTAL_SECURITY, "Sign-in and security", on_load=[S.load_security, K.load_passkeys])
def security_page() -> rx.Component:
    return account_layout(
        "security",
        rx.heading("Sign-in and security", as_="h2", size="6"),
        _password(),
        _two_step(),
        passkeys_section(_section),
    )
