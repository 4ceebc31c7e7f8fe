"""/track/[code]: what a customer sees when they open their link."""

from __future__ import annotations

import reflex as rx

from ...components.portal_shell import portal_layout
from ...components.registry import register
from ...state.track import TrackState


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="7rem",
    )


def _status_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Order", size="2", color_scheme="gray"),
                rx.text(
                    TrackState.reference,
                    size="2",
                    weight="bold",
                    font_family="var(--code-font-family)",
                    id="order-reference",
                ),
                spacing="2",
            ),
            rx.heading(TrackState.stage_label, size="7", id="stage-label"),
            rx.text(TrackState.stage_explanation, size="3", color_scheme="gray"),
            rx.vstack(
                rx.box(
                    rx.box(
                        height="100%",
                        width=TrackState.progress_percent.to(str) + "%",
                        background=TrackState.accent_color,
                        border_radius="999px",
                        transition="width 0.6s ease",
                    ),
                    height="0.5rem",
                    width="100%",
                    background="var(--gray-4)",
                    border_radius="999px",
                ),
                rx.text(
                    "Step ", TrackState.stage_position, " of ", TrackState.stage_count, size="1", color_scheme="gray"
                ),
                spacing="2",
                width="100%",
            ),
            rx.flex(
                _fact("Booked in", TrackState.booked_in_at),
                rx.cond(TrackState.promised_at != "", _fact("Expected by", TrackState.promised_at)),
                gap="1.5rem",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _qr_dialog() -> rx.Component:
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
                rx.dialog.title("Your order ", TrackState.reference),
                rx.text(
                    "Show this at the counter, or scan it with another phone to open this page.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.center(
                    rx.image(
                        src=TrackState.qr_src, width="15rem", height="15rem", alt="QR code of this page", id="portal-qr"
                    ),
                    width="100%",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", size="3", width="100%")),
                spacing="3",
            ),
            max_width="22rem",
        ),
    )


def _contact_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Questions? Contact us", size="2", weight="bold"),
            rx.text(TrackState.location_name, size="2"),
            rx.cond(
                TrackState.location_address != "", rx.text(TrackState.location_address, size="2", color_scheme="gray")
            ),
            rx.flex(
                rx.cond(
                    TrackState.location_phone != "",
                    rx.link(
                        rx.button(
                            rx.icon("phone", size=16),
                            TrackState.location_phone,
                            size="3",
                            variant="solid",
                            style={"background": TrackState.accent_color},
                        ),
                        href=TrackState.phone_href,
                        id="call-shop",
                    ),
                ),
                rx.cond(
                    TrackState.location_email != "",
                    rx.link(
                        rx.button(rx.icon("mail", size=16), "Email us", size="3", variant="soft", color_scheme="gray"),
                        href="mailto:" + TrackState.location_email,
                    ),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _problem_page() -> rx.Component:
    title = rx.match(
        TrackState.status,
        ("revoked", "This link has been replaced"),
        ("expired", "This link has expired"),
        "We couldn't find that link",
    )
    text = rx.match(
        TrackState.status,
        (
            "revoked",
            "The shop has issued a new link for this order. Please use the latest email or receipt, or give us a call.",
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
            rx.heading(title, size="6", id="link-problem"),
            rx.text(text, size="3", color_scheme="gray"),
            rx.cond(
                TrackState.location_phone != "",
                rx.link(
                    rx.button(rx.icon("phone", size=16), "Call ", TrackState.location_phone, size="3"),
                    href=TrackState.phone_href,
                ),
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def track_page() -> rx.Component:
    shop_name = rx.cond(TrackState.shop_name != "", TrackState.shop_name, "Repair tracking")
    return rx.match(
        TrackState.status,
        ("loading", rx.center(rx.spinner(size="3"), min_height="100vh")),
        ("ok", portal_layout(shop_name, TrackState.accent_color, _status_card(), _contact_card(), _qr_dialog())),
        portal_layout(shop_name, "#334155", _problem_page()),
    )


register("/track/[code]", "Your repair", track_page, [TrackState.load_tracking])
