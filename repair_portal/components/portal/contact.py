"""How to reach the shop, its opening hours, and the customer's QR code for the counter."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import ContactView, HoursItem
from ..ui import visually_hidden
from .common import button_link, section_title
from .screen import OrderScreen


def hours_row(row: HoursItem) -> rx.Component:
    return rx.hstack(
        rx.text(row.day, size="2", color_scheme="gray", min_width="6.5rem"), rx.text(row.hours, size="2"), spacing="2"
    )


def contact_card(contact: ContactView) -> rx.Component:
    """`contact` is a Var: the order's (`view.contact`), or a dead link's location."""
    return rx.card(
        rx.vstack(
            section_title("Questions? Contact us"),
            rx.text(contact.name, size="2"),
            rx.cond(contact.address != "", rx.text(contact.address, size="2", color_scheme="gray")),
            rx.flex(
                rx.cond(
                    contact.phone != "",
                    button_link(
                        rx.icon("phone", size=16, aria_hidden="true"),
                        visually_hidden("Call "),
                        contact.phone,
                        href=contact.phone_href,
                        id="call-shop",
                    ),
                ),
                rx.cond(
                    contact.email != "",
                    button_link(
                        rx.icon("mail", size=16, aria_hidden="true"),
                        "Email us",
                        href="mailto:" + contact.email,
                        soft=True,
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            rx.cond(
                contact.hours.length() > 0,
                rx.vstack(
                    rx.heading("Opening hours", as_="h3", size="3", weight="medium"),
                    rx.foreach(contact.hours, hours_row),
                    spacing="0",
                    padding_top="0.25rem",
                ),
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
                rx.dialog.description(
                    "Show this at the counter, or scan it with another phone to open this page.", size="3"
                ),
                rx.center(
                    rx.image(src=s.qr_src, width="15rem", height="15rem", alt="QR code of this page", id="portal-qr"),
                    width="100%",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray", size="3", width="100%")),
                spacing="3",
            ),
            max_width="22rem",
        ),
    )
