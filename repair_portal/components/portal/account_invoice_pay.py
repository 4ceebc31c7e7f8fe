"""Pay several invoices online from the account's invoice list: a box and an amount per unpaid invoice,
and one Pay button under the list. Shown only when state/portal_invoice_pay.py offers it (the shop takes
payments online, the group may pay invoices, not a staff preview); the server checks everything again."""

from __future__ import annotations

import reflex as rx

from ...services.invoice_pay import AMOUNT, PICK
from ...services.invoice_views import InvoiceRow
from ...state.portal_invoice_pay import PortalInvoicePayState as P
from ..portal_shell import ACCENT_BUTTON
from .common import field_label


def pay_controls(row: InvoiceRow) -> rx.Component:
    """Under an unpaid invoice: "Pay INV-00012" to tick, and the amount (what is due, or less)."""
    key = row.id.to_string()
    amount_id = "pay-amount-" + key
    return rx.cond(
        P.pay_shown & (row.due_minor > 0),
        rx.flex(
            rx.checkbox(
                "Pay " + row.number,
                name=PICK + key,
                id="pay-" + key,
                size="3",
                default_checked=P.pay_picked.contains(row.id),
                on_change=lambda checked: P.pick_invoice(row.id, checked),
            ),
            rx.vstack(
                field_label("Amount for " + row.number, amount_id),
                rx.input(
                    name=AMOUNT + key,
                    id=amount_id,
                    default_value=rx.cond(P.pay_amounts.contains(key), P.pay_amounts[key], row.due_input),
                    input_mode="decimal",
                    auto_complete="off",
                    size="3",
                    width="10rem",
                    aria_describedby="pay-max-" + key,
                    on_change=lambda value: P.set_pay_amount(row.id, value),
                ),
                rx.text("Up to ", row.due, size="3", color_scheme="gray", id="pay-max-" + key),
                spacing="1",
            ),
            gap="0.5rem 1.5rem",
            align="center",
            wrap="wrap",
            width="100%",
            padding_top="0.5rem",
            class_name="invoice-pay",
        ),
    )


def pay_summary() -> rx.Component:
    """Under the list: what went wrong last time, and one button that pays every ticked invoice."""
    return rx.cond(
        P.pay_shown,
        rx.vstack(
            rx.cond(
                P.pay_error != "",
                rx.callout(
                    P.pay_error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    role="alert",
                    id="invoice-pay-error",
                ),
            ),
            rx.button(
                rx.icon("credit-card", size=18, aria_hidden="true"),
                P.pay_button,
                type="submit",
                size="3",
                width="100%",
                min_height="48px",
                id="pay-invoices",
                style=ACCENT_BUTTON,
            ),
            rx.text(
                "You pay on the card processor's secure page; we never see your card details.",
                size="3",
                color_scheme="gray",
            ),
            rx.cond(P.pay_demo, rx.text("Demo: no money moves.", size="3", weight="bold", id="invoice-pay-demo")),
            spacing="2",
            width="100%",
            padding_top="0.75rem",
            id="invoice-pay-summary",
        ),
    )


def pay_form(*children: rx.Component) -> rx.Component:
    """The invoice list inside the one form the Pay button submits (fields `pay_<id>`, `amount_<id>`)."""
    return rx.form(
        *children,
        pay_summary(),
        on_submit=P.handle_pay_invoices,
        reset_on_submit=False,
        width="100%",
        id="invoice-pay-form",
    )
