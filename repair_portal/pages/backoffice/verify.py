"""/staff/verify: the second sign-in step (a code from the authenticator app, or a recovery code)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.registry import register
from ...components.ui import auth_card, field_label, post_form
from ...state.staff_verify import StaffVerifyState

S = StaffVerifyState


def verify_page() -> rx.Component:
    form = post_form(
        rx.vstack(
            rx.vstack(
                field_label("Code", "mfa-code"),
                rx.input(
                    id="mfa-code",
                    name="code",
                    auto_complete="one-time-code",
                    required=True,
                    size="3",
                    width="100%",
                    auto_focus=True,
                    spell_check=False,
                    auto_capitalize="none",
                    aria_describedby="mfa-hint",
                ),
                rx.text(
                    "The 6-digit code from your authenticator app, or one of your recovery codes.",
                    size="1",
                    color_scheme="gray",
                    id="mfa-hint",
                ),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error,
                    icon="circle-alert",
                    color_scheme="red",
                    high_contrast=True,
                    size="1",
                    width="100%",
                    id="mfa-error",
                    role="alert",
                ),
            ),
            rx.el.input(type="hidden", name="next", value=S.next_path),
            rx.button("Continue", type="submit", size="3", width="100%", id="mfa-submit"),
            spacing="4",
            width="100%",
        ),
        # A real form post: the route swaps the password-only session cookie for a full one.
        action=routes.backend(routes.STAFF_VERIFY_POST),
        form_id="staff-verify-form",
    )
    other = post_form(
        rx.button(
            "Cancel and use another account",
            type="submit",
            variant="ghost",
            size="2",
            width="100%",
            id="mfa-cancel",
        ),
        action=routes.backend(routes.STAFF_SIGN_OUT_POST),
        form_id="staff-verify-cancel",
    )
    return rx.cond(
        S.staff_name != "",
        auth_card(
            "Two-step sign-in",
            rx.text("Signed in as ", rx.text.strong(S.staff_email), ".", size="2", color_scheme="gray"),
            form,
            footer=other,
        ),
        rx.center(rx.spinner(size="3"), height="100vh", background="var(--gray-2)"),
    )


register(routes.STAFF_VERIFY, "Two-step sign-in · Repair Portal", verify_page, [StaffVerifyState.load_verify])
