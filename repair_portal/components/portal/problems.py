"""A link that doesn't work (revoked, expired, unknown): what happened and how to reach the shop."""

from __future__ import annotations

import reflex as rx

from ...state.track import TrackState
from .common import button_link

T = TrackState


def problem_page() -> rx.Component:
    title = rx.match(
        T.status,
        ("replaced", "This link has been replaced"),
        ("revoked", "This link was switched off"),
        ("expired", "This link has expired"),
        "We couldn't find that link",
    )
    text = rx.match(
        T.status,
        (
            "replaced",
            "The shop sent you a newer link for this order. Please use the latest email, text or receipt, "
            "or give us a call.",
        ),
        (
            "revoked",
            "The shop switched off online tracking for this order. To get a new link, call or visit us "
            "and we'll send you one.",
        ),
        (
            "expired",
            "Links stop working a while after an order is collected. If you need anything about "
            "this repair, give us a call.",
        ),
        "Please check that you copied the whole link from your email or receipt. "
        "If it still doesn't work, give us a call and we'll help.",
    )
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("link-2-off", size=28, color="var(--gray-11)"),
                width="3.5rem",
                height="3.5rem",
                border_radius="999px",
                background="var(--gray-4)",
            ),
            rx.heading(title, as_="h1", size="6", id="link-problem"),
            rx.text(text, size="3", color_scheme="gray"),
            rx.cond(
                T.contact.phone != "",
                button_link(
                    rx.icon("phone", size=16, aria_hidden="true"), "Call ", T.contact.phone, href=T.contact.phone_href
                ),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        size="3",
        width="100%",
    )
