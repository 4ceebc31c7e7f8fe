"""One order as the customer sees it: summary, then tabs. The same view serves the link visitor
and a staff preview (read only)."""

from __future__ import annotations

import reflex as rx

from ...live import live_refresh
from ...state.track import TrackState
from ...state.track_quote import TrackQuoteState
from .contact import contact_card, qr_dialog
from .documents import documents
from .messages import messages
from .payments import payments
from .quote import quote_panel
from .signature import pending_signature
from .status import details, hero, timeline

T = TrackState


def tab_trigger(value: str, label: str) -> rx.Component:
    return rx.tabs.trigger(label, value=value, id=f"tab-{value}")


def read_only(child: rx.Component) -> rx.Component:
    """In a staff preview every button and field inside is disabled (the server refuses them anyway)."""
    return rx.el.fieldset(
        child,
        disabled=T.preview,
        style={
            "border": "0",
            "padding": "0",
            "margin": "0",
            "min_width": "0",
            "& :disabled": {"opacity": "0.5", "cursor": "not-allowed", "filter": "grayscale(0.6)"},
        },
        width="100%",
    )


def preview_banner() -> rx.Component:
    return rx.cond(
        T.preview,
        rx.callout.root(
            rx.callout.icon(rx.icon("eye")),
            rx.callout.text(
                rx.text.strong("Staff preview. "),
                "This is what the customer sees. Buttons are switched off, and nothing here changes the "
                "customer's verification or records a customer visit.",
            ),
            color_scheme="violet",
            size="1",
            width="100%",
            id="preview-banner",
        ),
    )


def portal() -> rx.Component:
    return rx.vstack(
        live_refresh([T.reload, TrackQuoteState.load_quote]),
        preview_banner(),
        rx.cond(T.view.welcome != "", rx.text(T.view.welcome, size="2", color_scheme="gray")),
        hero(),
        rx.tabs.root(
            rx.tabs.list(
                tab_trigger("status", "Status"),
                rx.cond(T.view.show_quote, tab_trigger("quote", "Quote")),
                rx.cond(T.view.show_photos | T.view.show_documents, tab_trigger("documents", "Photos")),
                rx.cond(T.view.show_messages, tab_trigger("messages", "Messages")),
                size="2",
                style={"overflow_x": "auto"},
            ),
            rx.tabs.content(
                read_only(
                    rx.vstack(
                        pending_signature(),
                        timeline(),
                        details(),
                        payments(),
                        contact_card(),
                        qr_dialog(),
                        spacing="4",
                        padding_top="1rem",
                        width="100%",
                    )
                ),
                value="status",
            ),
            rx.tabs.content(read_only(rx.box(quote_panel(), padding_top="1rem", width="100%")), value="quote"),
            rx.tabs.content(rx.box(documents(), padding_top="1rem", width="100%"), value="documents"),
            rx.tabs.content(read_only(rx.box(messages(), padding_top="1rem", width="100%")), value="messages"),
            value=T.tab,
            on_change=T.set_tab,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
