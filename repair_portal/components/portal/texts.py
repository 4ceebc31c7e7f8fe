"""The customer's "Text me updates" switch, with the words they agree to and the number (last four digits)
the texts go to. Shown only when the shop has a mobile number for them; read only in a staff preview."""

from __future__ import annotations

import reflex as rx

from ...services.sms_consent import PORTAL_WORDING
from .common import section_title
from .screen import OrderScreen


def texts_card(s: OrderScreen) -> rx.Component:
    if s.texts is None:
        return rx.fragment()
    t = s.texts
    card = rx.card(
        rx.vstack(
            section_title("Text messages"),
            rx.el.label(
                rx.switch(
                    checked=t.texts.on,
                    on_change=t.set_texts,
                    disabled=s.preview,
                    id="texts-switch",
                    aria_describedby="texts-wording",
                    size="3",
                ),
                rx.text.span("Text me updates", size="3", weight="medium"),
                style={"display": "flex", "gap": "0.75rem", "align_items": "center", "cursor": "pointer"},
                min_height="44px",
            ),
            rx.text("To your mobile ", rx.text.strong(t.texts.number), size="3", id="texts-number"),
            rx.text(PORTAL_WORDING, size="2", color_scheme="gray", id="texts-wording"),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        id="texts-card",
    )
    # Loaded when the order is on screen (the guard re-checks who may read it).
    return rx.box(rx.cond(t.texts.available, card), on_mount=t.load_texts, width="100%")
