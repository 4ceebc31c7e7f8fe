"""/track/[code]: what a customer sees when they open their link (phone first)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.portal.contact import contact_card
from ...components.portal.gate import gate
from ...components.portal.order_view import order_view
from ...components.portal.problems import problem_page
from ...components.portal.screen import OrderScreen
from ...components.portal.unavailable import portal_off_card
from ...components.portal_shell import portal_layout, portal_page
from ...components.ui import live_marker
from ...state import track_live  # noqa: F401 - a stage change is filled straight into open pages
from ...state.order_pay import TrackPayState
from ...state.track import TrackState as T
from ...state.track_quote import TrackQuoteState
from ...state.track_texts import TrackTextsState

SCREEN = OrderScreen(
    view=T.view,
    stage=T.stage,
    thread=T.thread,
    docs_base=T.docs_base,
    qr_src=T.qr_src,
    highlight=T.highlight,
    preview=T.preview,
    tab=T.tab,
    reload=T.reload,
    on_message=T.handle_message,
    on_feedback=T.handle_feedback,
    quote=TrackQuoteState,
    reports=T.service_reports,
    pay=TrackPayState,
    texts=TrackTextsState,
)


@portal_page(routes.TRACK, "Your repair", on_load=[T.load_tracking])
def track_page() -> rx.Component:
    shop_name = rx.cond(T.shop_name != "", T.shop_name, "Repair tracking")
    theme = {"logo": T.logo_url, "ink": T.accent_ink, "text": T.accent_text}
    return rx.match(
        T.status,
        ("loading", rx.center(rx.spinner(size="3"), min_height="100vh")),
        ("ok", portal_layout(shop_name, T.accent_surface, live_marker(T.live), order_view(SCREEN), **theme)),
        ("gate", portal_layout(shop_name, T.accent_surface, gate(), contact_card(T.contact), **theme)),
        ("portal_off", portal_layout(shop_name, T.accent_surface, portal_off_card(T.contact), **theme)),
        portal_layout(shop_name, "#334155", problem_page(), logo=T.logo_url),
    )
