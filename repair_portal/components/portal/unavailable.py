"""Pages that say "not online — call us": the whole portal switched off by the shop, or (after a
lookup with the right name) one order whose link the shop switched off. `contact` is a Var."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import ContactView
from .common import button_link


def _call_card(icon: str, title: str, text: str, contact: ContactView, heading_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color="var(--gray-11)", aria_hidden="true"),
                width="3.5rem",
                height="3.5rem",
                border_radius="999px",
                background="var(--gray-4)",
            ),
            rx.heading(title, as_="h1", size="6", id=heading_id),
            rx.text(text, size="3", color_scheme="gray"),
            rx.cond(
                contact.phone != "",
                button_link(
                    rx.icon("phone", size=16, aria_hidden="true"),
                    "Call ",
                    contact.phone,
                    href=contact.phone_href,
                    id="call-shop",
                ),
            ),
            rx.cond(
                contact.name != "",
                rx.text(
                    contact.name,
                    rx.cond(contact.address != "", " · " + contact.address, ""),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def portal_off_card(contact: ContactView) -> rx.Component:
    return _call_card(
        "phone-call",
        "Repair tracking isn't available online",
        "We're not showing repairs online at the moment. Give us a call and we'll tell you how your repair is going.",
        contact,
        "portal-off",
    )


def link_off_card(contact: ContactView) -> rx.Component:
    return _call_card(
        "link-2-off",
        "We found your order",
        "Online tracking is switched off for this order. Give us a call and we'll help, or send you a new link.",
        contact,
        "lookup-link-off",
    )
