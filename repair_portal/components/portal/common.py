"""What the customer's pages share: section headings (h2 under the page's one h1), visible labels tied
to their fields, buttons in the shop's colour, links that look like buttons (never a button in a link)."""

from __future__ import annotations

import reflex as rx

from ..portal_shell import ACCENT_BUTTON

__all__ = ["ACCENT_BUTTON", "button_link", "field_label", "section_title"]


def section_title(text, **props) -> rx.Component:
    return rx.heading(text, as_="h2", size="4", weight="bold", **props)


def field_label(text, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="3", weight="medium"), html_for=html_for)


def button_link(*children, href, soft: bool = False, **props) -> rx.Component:
    """A link styled as a button (tap to call, email, download)."""
    return rx.link(*children, href=href, class_name="portal-button soft" if soft else "portal-button", **props)
