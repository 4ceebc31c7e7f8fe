"""Building blocks shared by the order page's cards."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...state.staff_order import StaffOrderState as S


def api(path: str) -> rx.Var:
    return routes.staff_order_api(S.current_order_id, path)


def card(title: str, *children, action: rx.Component | None = None, **props) -> rx.Component:
    heading = rx.text(title, size="2", weight="bold", color_scheme="gray")
    if action is not None:
        heading = rx.hstack(heading, rx.spacer(), action, width="100%", align="center")
    return rx.card(
        rx.vstack(heading, *children, spacing="3", width="100%"),
        size="2",
        width="100%",
        **props,
    )


def fact(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value if isinstance(value, rx.Component) else rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="9rem",
    )
