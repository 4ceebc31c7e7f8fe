"""The passkeys part of /portal/security: the user's passkeys (name, added, last used, remove) and a
form to add one on this device."""

from __future__ import annotations

import reflex as rx

from ..state.portal_passkeys import PortalPasskeysState as K
from ..state.portal_passkeys import PortalPasskeyView
from .account_auth import callout, field, primary_button


def _row(row: PortalPasskeyView) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.icon("key-round", size=18, aria_hidden="true"),
            rx.vstack(
                rx.text(row.name, weight="medium", size="3"),
                rx.text("Added ", row.created, " · Last used: ", row.last_used, size="2", color_scheme="gray"),
                spacing="1",
            ),
            spacing="3",
            align="center",
        ),
        rx.button(
            "Remove",
            size="3",
            variant="soft",
            color_scheme="red",
            on_click=K.handle_remove_passkey(row.id),
            aria_label="Remove passkey " + row.name,
            class_name="passkey-remove",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="0.75rem",
        width="100%",
        padding="0.75rem 0",
        border_bottom="1px solid var(--gray-5)",
        class_name="passkey-row",
    )


def passkeys_section(section) -> rx.Component:
    """`section(title, element_id, *children)`: the page's card for one part."""
    return section(
        "Passkeys",
        "passkey-section",
        rx.text(
            "Sign in with your fingerprint, face or device PIN instead of a password and code. The passkey "
            "stays on your device or in your password manager; the shop keeps only its public half.",
            size="3",
        ),
        rx.cond(
            K.passkeys.length() > 0,
            rx.vstack(rx.foreach(K.passkeys, _row), spacing="0", width="100%", id="passkey-list"),
            rx.text("No passkeys yet.", size="3", color_scheme="gray", id="passkeys-empty"),
        ),
        rx.form(
            rx.vstack(
                field(
                    "Name this passkey",
                    "passkey-name",
                    name="name",
                    placeholder="e.g. My phone, work laptop",
                ),
                callout(K.passkey_error, tone="problem", element_id="passkey-error"),
                primary_button("Add a passkey", "passkey-add", busy=K.passkey_busy),
                spacing="3",
                width="100%",
            ),
            on_submit=K.start_passkey,
            reset_on_submit=True,
            id="passkey-form-add",
            width="100%",
        ),
    )
