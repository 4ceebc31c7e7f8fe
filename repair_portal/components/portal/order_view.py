"""One order as the customer sees it: summary, then tabs. The same view serves the link visitor
and a staff preview (read only)."""

from __future__ import annotations

import reflex as rx

from ...live import live_refresh
from .contact import contact_card, qr_dialog
from .documents import documents
from .messages import messages
from .payments import payments
from .quote import quote_panel
from .screen import OrderScreen
from .service_reports import service_reports_card
from .signature import pending_signature
from .status import details, hero, timeline
from .texts import texts_card


def tab_trigger(value: str, label) -> rx.Component:
    return rx.tabs.trigger(label, value=value, id=f"tab-{value}")


def read_only(s: OrderScreen, child: rx.Component) -> rx.Component:
    """In a staff preview every button and field inside is disabled (the server refuses them anyway)."""
    return rx.el.fieldset(
        child,
        disabled=s.preview,
        style={
            "border": "0",
            "padding": "0",
            "margin": "0",
            "min_width": "0",
            "& :disabled": {"opacity": "0.5", "cursor": "not-allowed", "filter": "grayscale(0.6)"},
        },
        width="100%",
    )


def preview_banner(s: OrderScreen) -> rx.Component:
    return rx.cond(
        s.preview,
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


def shown_panel(shows: dict, value: str, content: rx.Component) -> rx.Component:
    """A tab's panel, present only while its part shows (like its trigger)."""
    return rx.cond(shows[value], rx.tabs.content(content, value=value))


def order_view(s: OrderScreen) -> rx.Component:
    shows = {
        "quote": s.view.show_quote,
        "documents": s.view.show_photos | s.view.show_documents,
        "messages": s.view.show_messages,
    }
    return rx.vstack(
        # Re-reads once a change arrives (the quote too unless only the stage moved); the loader read the rest.
        live_refresh(s.reload, on_first_mount=False),
        preview_banner(s),
        rx.cond(s.view.welcome != "", rx.text(s.view.welcome, size="3", color_scheme="gray")),
        hero(s),
        rx.tabs.root(
            rx.tabs.list(
                tab_trigger("status", "Status"),
                rx.cond(shows["quote"], tab_trigger("quote", "Quote")),
                rx.cond(shows["documents"], tab_trigger("documents", s.view.files_tab)),
                rx.cond(shows["messages"], tab_trigger("messages", "Messages")),
                size="2",
                aria_label="Your repair",
            ),
            rx.tabs.content(
                read_only(
                    s,
                    rx.vstack(
                        pending_signature(s),
                        timeline(s),
                        details(s),
                        payments(s),
                        texts_card(s),
                        contact_card(s.view.contact),
                        rx.cond(s.qr_src != "", qr_dialog(s)),
                        spacing="4",
                        padding_top="1rem",
                        width="100%",
                    ),
                ),
                value="status",
            ),
            shown_panel(shows, "quote", read_only(s, rx.box(quote_panel(s), padding_top="1rem", width="100%"))),
            shown_panel(
                shows,
                "documents",
                rx.vstack(
                    documents(s),
                    *([service_reports_card(s.reports)] if s.reports is not None else []),
                    *([s.upload] if s.upload is not None else []),
                    spacing="4",
                    padding_top="1rem",
                    width="100%",
                ),
            ),
            shown_panel(shows, "messages", read_only(s, rx.box(messages(s), padding_top="1rem", width="100%"))),
            # Switched in the browser: no event, no reply. The page's loader picks the first tab (?tab=). Keyed on
            # it and on which parts show: a tab state left from an earlier visit of this browser tab never picks
            # the tab instead, and a part the shop switches off while it is open closes (back to the first tab).
            default_value=s.tab,
            key=s.tab + shows["quote"].to(str) + shows["documents"].to(str) + shows["messages"].to(str),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
