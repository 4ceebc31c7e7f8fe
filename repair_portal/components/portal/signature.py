"""A signature the shop still needs (terms, data consent)."""

from __future__ import annotations

import reflex as rx

from .common import ACCENT_BUTTON, field_label, section_title
from .screen import OrderScreen


def pending_signature(s: OrderScreen) -> rx.Component:
    from ...components.signature_pad import signature_pad

    Q = s.quote
    return rx.cond(
        Q.pending_purpose != "",
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("pen-line", size=18, aria_hidden="true"),
                        section_title(Q.pending_title, id="pending-title"),
                        align="center",
                        spacing="2",
                    ),
                    rx.text(Q.pending_text, size="3"),
                    field_label("Your full name", "consent-name"),
                    rx.input(
                        name="signer_name",
                        size="3",
                        width="100%",
                        id="consent-name",
                        aria_invalid=rx.cond(Q.sign_error != "", "true", "false"),
                        aria_describedby=rx.cond(Q.sign_error != "", "sign-error", ""),
                        on_blur=lambda _value: Q.clear_errors("signer"),
                        auto_complete="name",
                    ),
                    signature_pad(),
                    rx.cond(
                        Q.sign_error != "",
                        rx.callout(
                            Q.sign_error,
                            icon="circle-alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            id="sign-error",
                            role="alert",
                        ),
                    ),
                    rx.button(
                        "Sign",
                        type="submit",
                        size="3",
                        width="100%",
                        id="consent-submit",
                        style=ACCENT_BUTTON,
                    ),
                    rx.cond(
                        Q.pending_more > 0, rx.text("One more signature after this one.", size="2", color_scheme="gray")
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=Q.prepare_sign,
                reset_on_submit=True,
                width="100%",
            ),
            size="2",
            width="100%",
            id="pending-signature",
        ),
    )
