"""What the repair costs and what has been paid."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import PaymentItem
from .common import section_title
from .pay import pay_balance
from .screen import OrderScreen


def payment_row(p: PaymentItem) -> rx.Component:
    return rx.hstack(
        rx.text(p.date, size="2", color_scheme="gray"),
        rx.text(p.method, size="2"),
        rx.spacer(),
        rx.text(
            p.amount, size="2", weight="medium", color=rx.cond(p.refund, "var(--red-11)", None), class_name="money"
        ),
        width="100%",
    )


def payments(s: OrderScreen) -> rx.Component:
    """Shown once there is a price or any payment (a deposit taken before the quote included)."""
    return rx.cond(
        s.view.show_payments & (s.view.has_total | (s.view.payments.length() > 0)),
        rx.card(
            rx.vstack(
                section_title("Payments"),
                rx.cond(
                    s.view.has_total,
                    rx.hstack(
                        rx.text("Total", size="2"),
                        rx.spacer(),
                        rx.text(s.view.total, size="2", weight="medium"),
                        width="100%",
                    ),
                ),
                rx.foreach(s.view.payments, payment_row),
                rx.divider(),
                rx.cond(
                    s.view.has_total,
                    rx.vstack(
                        rx.hstack(
                            rx.text("Balance due", size="3", weight="bold"),
                            rx.spacer(),
                            rx.text(s.view.balance, size="3", weight="bold", id="balance-due"),
                            width="100%",
                        ),
                        pay_balance(s),
                        rx.link(
                            rx.icon("file-down", size=16, aria_hidden="true"),
                            "Invoice / receipt (PDF)",
                            href=s.docs_base + "/invoice.pdf",
                            is_external=True,
                            id="invoice-pdf",
                            class_name="portal-link",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.text("Paid so far", size="3", weight="bold"),
                        rx.spacer(),
                        rx.text(s.view.paid, size="3", weight="bold", id="paid-so-far"),
                        width="100%",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            size="2",
            width="100%",
            id="payments-card",
        ),
    )
