"""The quote tab of the customer portal."""

from __future__ import annotations

import reflex as rx


def quote_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Quote", size="2", weight="bold"),
            rx.text(
                "When we've diagnosed your device, your quote appears here for you to approve.",
                size="2",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )
