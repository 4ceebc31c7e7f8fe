"""/portal/verify: the second step (a code from the app or a recovery code), or setting it up first when
the account requires it."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import branded, code_field, enrol_steps, link_button, primary_button, recovery_codes
from ...components.registry import register
from ...components.ui import post_form
from ...state.portal_verify import PortalVerifyState as S


def _sign_out() -> rx.Component:
    return post_form(
        rx.button(
            "Not you? Sign out",
            type="submit",
            variant="ghost",
            color_scheme="gray",
            size="3",
            width="100%",
            id="verify-sign-out",
        ),
        action=routes.backend(routes.PORTAL_SIGN_OUT_POST),
        form_id="verify-sign-out-form",
    )


def _enter_code() -> rx.Component:
    return rx.vstack(
        rx.heading("Two-step sign-in", as_="h1", size="6"),
        rx.text(
            rx.cond(
                S.use_recovery,
                "Enter one of the recovery codes you saved when you set up two-step sign-in.",
                "Open your authenticator app and enter the 6-digit code it shows for ",
            ),
            rx.cond(S.use_recovery, "", rx.text.strong(S.shop_name)),
            rx.cond(S.use_recovery, "", "."),
            size="3",
            color_scheme="gray",
        ),
        rx.text("Signing in as ", rx.text.strong(S.account_user), size="3", id="verify-user"),
        rx.form(
            rx.vstack(
                code_field(
                    rx.cond(S.use_recovery, "Recovery code", "Code from your app"),
                    "verify-code",
                    S.error,
                    recovery=S.use_recovery,
                ),
                primary_button("Continue", "verify-submit"),
                spacing="4",
                width="100%",
            ),
            on_submit=S.handle_verify,
            reset_on_submit=True,
            width="100%",
            id="verify-form",
        ),
        rx.button(
            rx.cond(S.use_recovery, "Use a code from my app instead", "Use a recovery code instead"),
            type="button",
            variant="ghost",
            size="3",
            on_click=S.set_use_recovery(~S.use_recovery),
            id="verify-toggle-recovery",
            align_self="center",
        ),
        spacing="4",
        width="100%",
    )


def _enrol() -> rx.Component:
    return rx.vstack(
        rx.heading("Set up two-step sign-in", as_="h1", size="6"),
        rx.text(
            "Your account asks for a code from your phone as well as your password or email link. "
            "Set it up once; it takes a minute.",
            size="3",
            color_scheme="gray",
        ),
        enrol_steps(S, on_submit=S.handle_confirm_enrol, error=S.error),
        spacing="4",
        width="100%",
    )


def _codes() -> rx.Component:
    return rx.vstack(
        rx.callout("Two-step sign-in is on.", icon="circle-check", color_scheme="green", id="verify-enrolled"),
        rx.heading("Keep your recovery codes", as_="h1", size="6"),
        recovery_codes(
            link_button("I've saved them: continue", routes.PORTAL, "verify-continue"),
        ),
        spacing="4",
        width="100%",
    )


def verify_page() -> rx.Component:
    return branded(
        S,
        rx.card(
            rx.match(
                S.mode,
                ("code", _enter_code()),
                ("enrol", _enrol()),
                ("codes", _codes()),
                rx.center(rx.spinner(size="3"), padding="2rem", width="100%"),
            ),
            size="3",
            width="100%",
            id="portal-verify",
        ),
        rx.cond(S.mode != "codes", _sign_out()),
    )


register(routes.PORTAL_MFA, "Two-step sign-in · Your account", verify_page, [S.load_verify])
