"""How to reach the shop, its opening hours, and the customer's QR code for the counter."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import ContactView, HoursItem
from .screen import OrderScreen


def hours_row(row: HoursItem) -> rx.Component:
    return rx.hstack(
        rx.text(row.day, size="1", color_scheme="gray", min_width="5.5rem"), rx.text(row.hours, size="1"), spacing="2"
    )


def contact_card(contact: ContactView, accent) -> rx.Component:
    """`contact` and `accent` are Vars: the order's (`view.contact`), or a dead link's location."""
    return rx.card(
        rx.vstack(
            rx.text("Questions? Contact us", size="2", weight="bold"),
            rx.text(contact.name, size="2"),
            rx.cond(contact.address != "", rx.text(contact.address, size="2", color_scheme="gray")),
            rx.flex(
                rx.cond(
                    contact.phone != "",
                    rx.link(
                        rx.button(rx.icon("phone", size=16), contact.phone, size="3", style={"background": accent}),
                        href=contact.phone_href,
                        id="call-shop",
                    ),
                ),
                rx.cond(
                    contact.email != "",
                    rx.link(
                        rx.button(rx.icon("mail", size=16), "Email us", size="3", variant="soft", color_scheme="gray"),
                        href="mailto:" + contact.email,
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            rx.cond(
                contact.hours.length() > 0,
                rx.vstack(rx.foreach(contact.hours, hours_row), spacing="0", padding_top="0.25rem"),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def qr_dialog(s: OrderScreen) -> rx.Component:
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
                rx.dialog.title("Your order ", s.view.reference),
                rx.text(
                    "Show this at the counter, or scan it with another phone to open this page.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.center(
                    rx.image(src=s.qr_src, width="15rem", height="15rem", alt="QR code of this page", id="portal-qr"),
                    width="100%",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", size="3", width="100%")),
                spacing="3",
            ),
            max_width="22rem",
        ),
    )
