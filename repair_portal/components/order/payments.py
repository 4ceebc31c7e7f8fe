"""The payments card: balance, payment list, record a payment or refund."""

from __future__ import annotations

import reflex as rx

from ...services.pay_view import OnlinePaymentRow
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_payments import StaffOrderPaymentState as P
from .common import card


def _online_refund(row: OnlinePaymentRow) -> rx.Component:
    """One online payment: what is left to refund, and the form that refunds it through the card processor."""
    return rx.form(
        rx.vstack(
            rx.text(row.label, size="1", weight="medium"),
            rx.cond(
                row.refundable != "",
                rx.flex(
                    rx.el.input(type="hidden", name="payment_id", value=row.id.to(str)),
                    rx.el.input(type="hidden", name="of", value=row.refundable_minor.to(str)),
                    rx.input(
                        name="amount",
                        default_value=row.refundable_input,
                        aria_label="Amount to refund",
                        size="2",
                        width="7rem",
                        class_name="online-refund-amount",
                    ),
                    rx.input(
                        name="reason",
                        placeholder="Reason (required)",
                        aria_label="Reason for the refund",
                        size="2",
                        flex="1",
                        min_width="9rem",
                        class_name="online-refund-reason",
                    ),
                    rx.button("Refund via card processor", type="submit", size="2", variant="soft", color_scheme="red"),
                    gap="0.5rem",
                    align="center",
                    wrap="wrap",
                    width="100%",
                ),
                rx.text("Refunded in full.", size="1", color_scheme="gray"),
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=P.handle_online_refund,
        reset_on_submit=True,
        width="100%",
        class_name="online-payment",
    )


def _online_payments() -> rx.Component:
    return rx.cond(
        S.can_record_payments & (S.online_payments.length() > 0),
        rx.vstack(
            rx.text("Paid online", size="2", weight="bold"),
            rx.foreach(S.online_payments, _online_refund),
            rx.cond(
                P.refund_error != "",
                rx.callout(
                    P.refund_error,
                    icon="circle-alert",
                    color_scheme="red",
                    high_contrast=True,
                    size="1",
                    id="refund-error",
                ),
            ),
            spacing="2",
            width="100%",
            id="online-payments",
        ),
    )


def payments_card() -> rx.Component:
    return card(
        "Payments",
        rx.text(S.money_summary, size="2", weight="medium", id="staff-money"),
        rx.foreach(
            S.payment_rows, lambda line: rx.text(line, size="1", color_scheme="gray", class_name="staff-payment")
        ),
        _online_payments(),
        rx.cond(
            S.can_record_payments,
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="key", value=S.payment_key),
                    rx.flex(
                        rx.input(
                            name="amount",
                            placeholder="Amount, e.g. 50.00",
                            aria_label="Amount",
                            size="2",
                            id="pay-amount",
                            width="9rem",
                        ),
                        rx.select.root(
                            rx.select.trigger(width="9rem", id="pay-method", aria_label="Paid by"),
                            rx.select.content(
                                rx.select.item("Card", value="card"),
                                rx.select.item("Cash", value="cash"),
                                rx.select.item("Bank transfer", value="bank_transfer"),
                                rx.select.item("Other", value="other"),
                            ),
                            name="method",
                            default_value="card",
                            size="2",
                        ),
                        rx.input(
                            name="reference",
                            placeholder="Reference (optional)",
                            aria_label="Reference (optional)",
                            size="2",
                            flex="1",
                            min_width="8rem",
                        ),
                        gap="0.5rem",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.flex(
                        rx.checkbox("Refund", name="refund", id="pay-refund"),
                        rx.input(
                            name="note",
                            placeholder="Reason (required for refunds)",
                            aria_label="Reason (required for refunds)",
                            size="2",
                            flex="1",
                            min_width="10rem",
                            id="pay-note",
                        ),
                        rx.button("Record", type="submit", size="2", id="pay-submit"),
                        gap="0.5rem",
                        align="center",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.cond(
                        P.payment_error != "",
                        rx.callout(
                            P.payment_error,
                            icon="circle-alert",
                            color_scheme="red",
                            high_contrast=True,
                            size="1",
                            id="pay-error",
                        ),
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=P.handle_payment,
                reset_on_submit=True,
                width="100%",
            ),
        ),
    )
