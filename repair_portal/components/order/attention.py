"""What the customer did on this order that nobody has handled yet, with "Mark handled"."""

from __future__ import annotations

import reflex as rx

from ...services.alerts import ALERT_ICONS
from ...services.order_detail import OpenAlert
from ...state.staff_order import StaffOrderState as S
from ..ui import icon_of


def _item(alert: OpenAlert) -> rx.Component:
    return rx.hstack(
        rx.box(
            icon_of(alert.icon, ALERT_ICONS, size=16), color=f"var(--{alert.color}-11)", flex_shrink="0", display="flex"
        ),
        rx.text(rx.text.strong(alert.label), " · ", alert.summary, size="2"),
        rx.spacer(),
        rx.text(alert.at, size="1", color_scheme="gray", white_space="nowrap"),
        width="100%",
        align="center",
        spacing="2",
    )


def attention_card() -> rx.Component:
    return rx.cond(
        S.summary.open_alerts.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("bell-ring", size=18, color="var(--amber-11)"),
                    rx.text("Customer actions to handle", size="3", weight="bold"),
                    rx.spacer(),
                    rx.button(
                        rx.icon("check", size=16),
                        "Mark handled",
                        size="2",
                        on_click=S.handle_customer_actions,
                        id="alerts-handled",
                        min_height="44px",
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.foreach(S.summary.open_alerts, _item),
                spacing="2",
                width="100%",
            ),
            width="100%",
            style={"border_left": "4px solid var(--amber-9)"},
            id="order-attention",
        ),
    )
