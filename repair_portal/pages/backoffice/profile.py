"""/staff/profile: your own password, two-step sign-in (authenticator app) and passkeys."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import dialog_form, field_label, link_button, scroll_region, visually_hidden
from ...state.staff_profile import APP_LINK_ID, CODES_ID, QR_ID, SECRET_ID, PasskeyView, StaffProfileState

S = StaffProfileState
ROUTE = routes.STAFF_PROFILE


def _section(title: str, description, *children, element_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2", id=f"{element_id}-heading"),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id=element_id,
        aria_labelledby=f"{element_id}-heading",
        role="region",
    )


def _error(message, element_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="circle-alert", color_scheme="red", high_contrast=True, size="1", id=element_id, role="alert"
        ),
    )


def _code_input(element_id: str, **props) -> rx.Component:
    return rx.input(
        id=element_id,
        name="code",
        auto_complete="one-time-code",
        input_mode="numeric",
        required=True,
        width="12rem",
        size="3",
        **props,
    )


# --- two-step sign-in -----------------------------------------------------------------------------


def _status_badge() -> rx.Component:
    return rx.cond(
        S.mfa_enabled,
        rx.badge(
            rx.icon("shield-check", size=14),
            "On",
            color_scheme="green",
            variant="soft",
            high_contrast=True,
            size="2",
            id="totp-status",
        ),
        rx.badge(
            rx.icon("shield-off", size=14),
            "Off",
            color_scheme="gray",
            variant="soft",
            high_contrast=True,
            size="2",
            id="totp-status",
        ),
    )


def _setup() -> rx.Component:
    """Scan (or type) the secret, then prove it with a code. The QR and secret are written in by script."""
    return rx.vstack(
        rx.flex(
            rx.box(
                rx.image(
                    id=QR_ID,
                    alt="QR code for your authenticator app",
                    width="180px",
                    height="180px",
                    style={"image_rendering": "pixelated", "background": "white"},
                ),
                border="1px solid var(--gray-6)",
                border_radius="8px",
                padding="0.5rem",
                background="white",
                flex_shrink="0",
            ),
            rx.vstack(
                rx.text("1. Scan the code with your authenticator app", weight="medium", size="2"),
                rx.text(
                    "Google Authenticator, Microsoft Authenticator, 1Password, Bitwarden or any app for "
                    "6-digit codes. Can't scan? Type this key instead:",
                    size="2",
                    color_scheme="gray",
                ),
                rx.code(
                    "",
                    id=SECRET_ID,
                    size="3",
                    variant="soft",
                    style={"word_break": "normal", "letter_spacing": "0.04em"},
                ),
                rx.link(
                    rx.icon("external-link", size=14),
                    "Or open it in an authenticator app on this device",
                    href="#totp-secret",  # the real otpauth: link is written in with the secret
                    id=APP_LINK_ID,
                    size="2",
                    display="inline-flex",
                    align_items="center",
                    gap="0.35rem",
                    min_height="44px",
                ),
                spacing="2",
                min_width="0",
                flex="1 1 14rem",
            ),
            gap="1.25rem",
            wrap="wrap",
            width="100%",
            align="start",
        ),
        rx.form(
            rx.vstack(
                field_label("2. Enter the 6-digit code the app shows", "totp-code"),
                rx.flex(
                    _code_input("totp-code", auto_focus=True),
                    rx.button("Turn on", type="submit", size="3", id="totp-confirm"),
                    rx.button(
                        "Cancel",
                        type="button",
                        size="3",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.cancel_setup,
                        id="totp-cancel",
                    ),
                    gap="0.5rem",
                    wrap="wrap",
                ),
                _error(S.setup_error, "totp-setup-error"),
                spacing="2",
                width="100%",
            ),
            on_submit=S.confirm_totp,
            reset_on_submit=True,
            id="totp-confirm-form",
            width="100%",
        ),
        spacing="4",
        width="100%",
        id="totp-setup",
    )


def _recovery_codes() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("life-buoy")),
        rx.vstack(
            rx.text("Your recovery codes", weight="bold", size="2"),
            rx.text(
                "If you lose your phone, each of these codes signs you in once instead of a code from the app. "
                "Print them or keep them in your password manager: they won't be shown again.",
                size="2",
            ),
            rx.el.pre(
                "",
                id=CODES_ID,
                style={
                    "font_family": "var(--code-font-family)",
                    "font_size": "1rem",
                    "line_height": "1.7",
                    "column_count": "2",
                    "column_gap": "2rem",
                    "background": "var(--color-panel-solid)",
                    "padding": "0.75rem 1rem",
                    "border_radius": "8px",
                    "margin": "0",
                    "width": "100%",
                    "max_width": "24rem",
                },
            ),
            rx.flex(
                rx.button(
                    rx.icon("copy", size=14),
                    "Copy",
                    size="2",
                    variant="soft",
                    on_click=[
                        rx.call_script(
                            f"navigator.clipboard.writeText(document.getElementById('{CODES_ID}').textContent)"
                        ),
                        rx.toast.success("Recovery codes copied."),
                    ],
                    id="recovery-copy",
                ),
                rx.button("I've saved them", size="2", on_click=S.dismiss_codes, id="recovery-done"),
                link_button(
                    "Go to the order board", href=routes.STAFF_HOME, size="2", variant="outline", id="recovery-continue"
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        color_scheme="amber",
        width="100%",
        id="recovery-box",
    )


def _enabled() -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.cond(S.codes_left == 1, "1 recovery code left.", S.codes_left.to(str) + " recovery codes left."),
            size="2",
            id="recovery-left",
        ),
        rx.flex(
            rx.button(
                rx.icon("refresh-cw", size=14),
                "New recovery codes",
                size="2",
                variant="soft",
                on_click=S.set_new_codes_open(True),
                id="recovery-new",
            ),
            rx.cond(
                S.mfa_required,
                rx.text(
                    "Your role must use two-step sign-in, so it can't be turned off.",
                    size="2",
                    color_scheme="gray",
                    id="totp-required-note",
                ),
                rx.button(
                    rx.icon("shield-off", size=14),
                    "Turn off",
                    size="2",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.set_disable_open(True),
                    id="totp-disable",
                ),
            ),
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
        width="100%",
    )


def _code_dialog(
    title: str, description: str, error, on_submit, submit: rx.Component, prefix: str, open_, on_open_change
):
    return dialog_form(
        rx.vstack(field_label("Code", f"{prefix}-code"), _code_input(f"{prefix}-code", auto_focus=True), spacing="1"),
        title=title,
        description=description,
        error=error,
        on_submit=on_submit,
        submit=submit,
        ids=(f"{prefix}-form", f"{prefix}-error", f"{prefix}-cancel"),
        open=open_,
        on_open_change=on_open_change,
        max_width="26rem",
    )


def _totp_section() -> rx.Component:
    return _section(
        "Two-step sign-in",
        "After your password, the sign-in asks for a 6-digit code from an app on your phone, so a stolen "
        "password alone can't open the back office.",
        rx.hstack(rx.text("Status", size="2", weight="medium"), _status_badge(), spacing="3", align="center"),
        rx.cond(S.codes_shown, _recovery_codes()),
        rx.cond(
            S.mfa_enabled,
            _enabled(),
            rx.cond(
                S.setup_open,
                _setup(),
                rx.vstack(
                    rx.button(
                        rx.icon("smartphone", size=16),
                        "Set up two-step sign-in",
                        size="3",
                        on_click=S.start_totp,
                        id="totp-start",
                    ),
                    _error(S.setup_error, "totp-start-error"),
                    spacing="2",
                ),
            ),
        ),
        _code_dialog(
            "Turn off two-step sign-in?",
            "Enter a code from your app (or a recovery code). Your recovery codes stop working too.",
            S.disable_error,
            S.handle_disable_totp,
            rx.button("Turn off", type="submit", color_scheme="red", id="totp-disable-submit"),
            "totp-disable",
            S.disable_open,
            S.set_disable_open,
        ),
        _code_dialog(
            "Make new recovery codes?",
            "Enter a code from your app. Your current recovery codes stop working.",
            S.new_codes_error,
            S.handle_new_codes,
            rx.button("Make new codes", type="submit", id="recovery-new-submit"),
            "recovery-new",
            S.new_codes_open,
            S.set_new_codes_open,
        ),
        element_id="totp-section",
    )


# --- passkeys ---------------------------------------------------------------------------------------


def _passkey_row(row: PasskeyView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(rx.icon("key-round", size=16), rx.text(row.name, weight="medium"), spacing="2", align="center")
        ),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.last_used, size="2", color_scheme="gray", white_space="nowrap")),
        rx.table.cell(
            rx.button(
                rx.icon("trash-2", size=14),
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.handle_remove_passkey(row.id),
                aria_label="Remove passkey " + row.name,
                class_name="passkey-remove",
                min_height="32px",
            ),
            text_align="right",
        ),
        class_name="passkey-row",
    )


def _passkeys_section() -> rx.Component:
    headers = ["Passkey", "Added", "Last used", visually_hidden("Actions")]
    table = scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(S.passkeys, _passkey_row)),
            variant="surface",
            size="2",
            width="100%",
            id="passkey-table",
        ),
        label="Your passkeys",
        width="100%",
        overflow_x="auto",
    )
    add = rx.form(
        rx.vstack(
            field_label("Name this passkey", "passkey-name"),
            rx.flex(
                rx.input(
                    id="passkey-name",
                    name="name",
                    placeholder="e.g. Front desk PC, my phone",
                    size="3",
                    flex="1 1 14rem",
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "Add a passkey",
                    type="submit",
                    size="3",
                    loading=S.passkey_busy,
                    id="passkey-add",
                ),
                gap="0.5rem",
                wrap="wrap",
                width="100%",
            ),
            _error(S.passkey_error, "passkey-error"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.start_passkey,
        reset_on_submit=True,
        id="passkey-form-add",
        width="100%",
    )
    return _section(
        "Passkeys",
        "Sign in with your fingerprint, face or device PIN instead of a password and code. The passkey stays "
        "on your device or in your password manager; the shop keeps only its public half.",
        rx.cond(
            S.passkeys.length() > 0,
            table,
            rx.text("No passkeys yet.", size="2", color_scheme="gray", id="passkeys-empty"),
        ),
        add,
        element_id="passkey-section",
    )


# --- password ---------------------------------------------------------------------------------------


def _password_field(label: str, element_id: str, name: str, auto_complete: str) -> rx.Component:
    error = S.password_errors.get(name, "")
    return rx.vstack(
        field_label(label, element_id),
        rx.input(
            id=element_id,
            name=name,
            type="password",
            auto_complete=auto_complete,
            required=True,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
        ),
        rx.cond(error != "", rx.text(error, size="1", color_scheme="red", id=f"{element_id}-error", role="alert")),
        spacing="1",
        width="100%",
    )


def _password_section() -> rx.Component:
    return _section(
        "Password",
        "12 to 128 characters; a few unrelated words work well. Changing it signs you out on your other devices.",
        rx.form(
            rx.vstack(
                _password_field("Current password", "current-password", "current", "current-password"),
                _password_field("New password", "new-password", "password", "new-password"),
                _password_field("New password again", "confirm-password", "confirm", "new-password"),
                rx.button("Change password", type="submit", size="3", id="password-save"),
                spacing="3",
                width="100%",
                max_width="24rem",
            ),
            on_submit=S.handle_change_password,
            reset_on_submit=True,
            id="password-form",
            width="100%",
        ),
        element_id="password-section",
    )


@staff_page(ROUTE, "Your profile", on_load=[S.load_profile])
def profile_page() -> rx.Component:
    must = rx.callout(
        "Your role must use two-step sign-in. Set it up below to continue to the back office.",
        icon="shield-alert",
        color_scheme="amber",
        high_contrast=True,
        width="100%",
        id="must-enrol",
    )
    body = rx.cond(
        S.loaded,
        rx.vstack(
            rx.cond(S.must_enrol, must),
            _totp_section(),
            rx.cond(~S.must_enrol, rx.fragment(_passkeys_section(), _password_section())),
            spacing="5",
            width="100%",
            max_width="52rem",
        ),
        rx.center(rx.spinner(size="3"), width="100%", padding="3rem"),
    )
    return staff_layout(ROUTE, "Your profile", rx.text(S.staff_email, size="2", color_scheme="gray"), body)
