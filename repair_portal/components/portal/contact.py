"""How to reach the shop, its opening hours, and the customer's QR code for the counter."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import HoursItem
from ...state.track import TrackState

T = TrackState


def hours_row(row: HoursItem) -> rx.Component:
    return rx.hstack(
        rx.text(row.day, size="1", color_scheme="gray", min_width="5.5rem"), rx.text(row.hours, size="1"), spacing="2"
    )


def contact_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Questions? Contact us", size="2", weight="bold"),
            rx.text(T.location_name, size="2"),
            rx.cond(T.location_address != "", rx.text(T.location_address, size="2", color_scheme="gray")),
            rx.flex(
                rx.cond(
                    T.location_phone != "",
                    rx.link(
                        rx.button(
                            rx.icon("phone", size=16), T.location_phone, size="3", style={"background": T.accent_color}
                        ),
                        href=T.phone_href,
                        id="call-shop",
                    ),
                ),
                rx.cond(
                    T.location_email != "",
                    rx.link(
                        rx.button(rx.icon("mail", size=16), "Email us", size="3", variant="soft", color_scheme="gray"),
                        href="mailto:" + T.location_email,
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            rx.cond(
                T.view.hours.length() > 0,
                rx.vstack(rx.foreach(T.view.hours, hours_row), spacing="0", padding_top="0.25rem"),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def qr_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("qr-code", size=16),
                "Show my QR code",
                variant="soft",
                color_scheme="gray",
                size="3",
                width="100%",
                id="show-qr",
            )
        ),
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title("Your order ", T.reference),
                rx.text(
                    "Show this at the counter, or scan it with another phone to open this page.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.center(
                    rx.image(src=T.qr_src, width="15rem", height="15rem", alt="QR code of this page", id="portal-qr"),
                    width="100%",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", size="3", width="100%")),
                spacing="3",
            ),
            max_width="22rem",
        ),
    )
