"""/staff/orders/[order_id]: one order. Each card is its own module in components/order/."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.order.activity import activity_card
from ...components.order.attention import attention_card
from ...components.order.files import files_card
from ...components.order.invoice import invoice_card
from ...components.order.messages import emails, messages
from ...components.order.payments import payments_card
from ...components.order.quote import quote_card
from ...components.order.service_report import service_report_card
from ...components.order.side import link_card, print_card, stage_card
from ...components.order.signatures import signatures_card
from ...components.order.summary import summary
from ...components.order.texts import texts_card
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import live_marker
from ...live import live_refresh
from ...state.staff_order import StaffOrderState as S


def _missing() -> rx.Component:
    return rx.callout("This order doesn't exist (or was removed).", icon="circle-alert", color_scheme="red")


@staff_page(routes.STAFF_ORDER, "Order", on_load=[S.load_order])
def order_page() -> rx.Component:
    body = rx.cond(
        S.found,
        rx.flex(
            rx.vstack(
                live_refresh(S.refresh),
                live_marker(S.live),
                attention_card(),
                summary(),
                quote_card(),
                payments_card(),
                invoice_card(),
                files_card(),
                service_report_card(),
                messages(),
                activity_card(),
                emails(),
                texts_card(),
                spacing="4",
                flex="2",
                min_width="0",
                width="100%",
            ),
            rx.vstack(
                stage_card(),
                link_card(),
                signatures_card(),
                print_card(),
                spacing="4",
                flex="1",
                min_width="0",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1rem",
            width="100%",
            align="start",
        ),
        _missing(),
    )
    subtitle = rx.hstack(rx.link("← All orders", href=routes.STAFF_HOME, size="2"), spacing="2")
    title = rx.fragment("Order ", rx.el.span(S.summary.reference, style={"white_space": "nowrap"}))
    return staff_layout(routes.STAFF_HOME, title, subtitle, body)
