"""Pieces of the portal's sign-in pages: the shop-branded layout, labelled fields, the TOTP set-up
panel and the recovery-code list (their secrets are written in by scripts: state/portal_enrol.py)."""

from __future__ import annotations

import reflex as rx

from ..state.portal_enrol import CODES_ID, COPY_CODES_JS, QR_ID, SECRET_ID
from .portal_shell import ACCENT_BUTTON, portal_layout

_READY = rx.cond(rx.State.is_hydrated, "on", "off")


def branded(state, *children: rx.Component, width: str = "40rem") -> rx.Component:
    """The customer portal's layout in the shop's name and colours (`state`: a PortalBrandState)."""
    return portal_layout(
        state.shop_name,
        state.accent_surface,
        *children,
        # Set once the page's on_load has run: browser tests wait for it before they click.
        rx.el.span(id="page-ready", hidden=True, custom_attrs={"data-ready": _READY}),
        logo=state.logo_url,
        ink=state.accent_ink,
        text=state.accent_text,
        width=width,
    )


def field(
    label: str,
    element_id: str,
    *,
    name: str,
    type_: str = "text",
    auto_complete: str = "off",
    error=None,
    hint: str | rx.Var = "",
    **props,
) -> rx.Component:
    """A visible label tied to its input, a hint and an inline error the input points at."""
    described = [f"{element_id}-hint"] if not isinstance(hint, str) or hint else []
    has_error = error is not None
    return rx.vstack(
        rx.el.label(label, html_for=element_id, font_weight="500", font_size="1rem"),
        rx.input(
            id=element_id,
            name=name,
            type=type_,
            auto_complete=auto_complete,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false") if has_error else "false",
            aria_describedby=" ".join([*described, f"{element_id}-error"] if has_error else described),
            **props,
        ),
        rx.text(hint, size="2", color_scheme="gray", id=f"{element_id}-hint") if described else rx.fragment(),
        rx.cond(
            error != "",
            rx.text(error, size="2", color_scheme="red", id=f"{element_id}-error", role="alert"),
        )
        if has_error
        else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def primary_button(label, element_id: str, *, busy=False, **props) -> rx.Component:
    return rx.button(
        rx.cond(busy, rx.spinner(size="2"), rx.fragment()),
        label,
        type="submit",
        size="3",
        width="100%",
        disabled=busy,
        id=element_id,
        style=ACCENT_BUTTON,
        **props,
    )


def callout(message, *, tone: str, element_id: str) -> rx.Component:
    """A green (done) or red (problem) message, announced by screen readers."""
    icon, scheme = ("circle-check", "green") if tone == "ok" else ("circle-alert", "red")
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon=icon,
            color_scheme=scheme,
            size="2",
            width="100%",
            id=element_id,
            role="status" if tone == "ok" else "alert",
        ),
    )


def code_field(label, element_id: str, error, *, recovery=False, focus: bool = True) -> rx.Component:
    """A one-time code: digits keyboard and one-time-code autofill, or plain text for a recovery code."""
    return field(
        label,
        element_id,
        name="code",
        auto_complete=rx.cond(recovery, "off", "one-time-code"),
        input_mode=rx.cond(recovery, "text", "numeric"),
        error=error,
        required=True,
        auto_focus=focus,
    )


def enrol_steps(state, *, on_submit, error, submit_label: str = "Turn on two-step sign-in") -> rx.Component:
    """Scan (or type) the secret, then confirm with a code. `state` has no secret: scripts fill it in."""
    return rx.vstack(
        rx.el.ol(
            rx.el.li(
                "Open an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, "
                "1Password or similar)."
            ),
            rx.el.li("Scan this QR code with it, or type the key below the code."),
            rx.el.li("Enter the 6-digit code the app then shows."),
            style={"padding_left": "1.5rem", "margin": "0", "line_height": "1.6", "list_style_type": "decimal"},
        ),
        rx.center(
            rx.image(
                id=QR_ID,
                alt="QR code for your authenticator app",
                width="12rem",
                height="12rem",
                style={"image_rendering": "pixelated", "background": "white"},
            ),
            width="100%",
            padding="0.5rem",
        ),
        rx.vstack(
            rx.text("Key for typing in by hand", size="2", color_scheme="gray"),
            rx.code(
                "",
                id=SECRET_ID,
                size="3",
                variant="soft",
                style={"word_break": "break-all", "letter_spacing": "0.05em", "user_select": "all"},
            ),
            spacing="1",
            width="100%",
        ),
        rx.form(
            rx.vstack(
                code_field("Code from your app", "enrol-code", error, focus=False),
                primary_button(submit_label, "enrol-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=on_submit,
            reset_on_submit=True,
            width="100%",
            id="enrol-form",
        ),
        spacing="4",
        width="100%",
    )


def recovery_codes(*after: rx.Component) -> rx.Component:
    """New recovery codes, shown once: what to do with them, the list, a copy button."""
    return rx.vstack(
        rx.text(
            "Each code works once, instead of a code from your app (if you lose your phone). Save them in "
            "your password manager or print them. They won't be shown again.",
            size="3",
        ),
        rx.el.ol(
            id=CODES_ID,
            style={
                "list_style_type": "decimal",
                "font_family": "var(--code-font-family, monospace)",
                "font_size": "1.0625rem",
                "line_height": "1.8",
                "columns": "2",
                "column_gap": "2rem",
                "padding_left": "1.75rem",
                "margin": "0",
                "width": "100%",
            },
        ),
        rx.button(
            rx.icon("copy", size=16, aria_hidden="true"),
            "Copy the codes",
            type="button",
            variant="soft",
            color_scheme="gray",
            size="3",
            on_click=rx.call_script(COPY_CODES_JS),
            id="recovery-codes-copy",
        ),
        *after,
        spacing="3",
        width="100%",
        id="recovery-codes-panel",
    )


def link_button(label: str, href: str, element_id: str) -> rx.Component:
    """A link drawn as the accent button (a link inside a button would be two controls in one)."""
    return rx.link(
        label,
        href=href,
        id=element_id,
        class_name="portal-button",
        underline="none",
        style={
            **ACCENT_BUTTON,
            "display": "flex",
            "align_items": "center",
            "justify_content": "center",
            "min_height": "44px",
            "padding": "0.5rem 1rem",
            "border_radius": "var(--radius-3)",
            "font_weight": "500",
            "width": "100%",
        },
    )
