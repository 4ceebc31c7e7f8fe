"""Pay online from an order's page: "Pay £X" under the balance, and the deposit after approving a quote."""

from __future__ import annotations

import reflex as rx

from .common import ACCENT_BUTTON, field_label
from .screen import OrderScreen


def demo_note(s: OrderScreen) -> rx.Component:
    return rx.cond(
        s.view.pay.demo,
        rx.text(
            "Demo: no money moves. The payment page is a local stand-in for the card processor.",
            size="2",
            color_scheme="gray",
            id="pay-demo-note",
        ),
    )


def _error(s: OrderScreen) -> rx.Component:
    return rx.cond(
        s.pay.pay_error != "",
        rx.callout(
            s.pay.pay_error,
            icon="circle-alert",
            color_scheme="red",
            size="1",
            width="100%",
            role="alert",
            id="pay-error",
        ),
    )


def pay_balance(s: OrderScreen) -> rx.Component:
    """Under "Balance due": the whole balance by default; an amount field where the shop allows part payments."""
    if s.pay is None:
        return rx.fragment()
    return rx.cond(
        s.view.pay.can_pay,
        rx.form(
            rx.vstack(
                _error(s),
                rx.cond(
                    s.view.pay.part_allowed,
                    rx.vstack(
                        field_label("Amount to pay", "pay-amount"),
                        rx.input(
                            name="amount",
                            id="pay-amount",
                            default_value=s.view.pay.balance_input,
                            input_mode="decimal",
                            size="3",
                            width="100%",
                            aria_describedby="pay-amount-hint",
                        ),
                        rx.text("Up to ", s.view.pay.balance, ".", size="2", color_scheme="gray", id="pay-amount-hint"),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.button(
                    rx.icon("credit-card", size=18, aria_hidden="true"),
                    rx.cond(s.view.pay.part_allowed, "Pay online", rx.text.span("Pay ", s.view.pay.balance)),
                    type="submit",
                    size="3",
                    width="100%",
                    min_height="48px",
                    disabled=s.preview,
                    id="pay-balance",
                    style=ACCENT_BUTTON,
                ),
                rx.text(
                    "You pay on the card processor's secure page; we never see your card details.",
                    size="2",
                    color_scheme="gray",
                ),
                demo_note(s),
                spacing="2",
                width="100%",
            ),
            on_submit=s.pay.handle_pay,
            reset_on_submit=False,
            width="100%",
            id="pay-form",
        ),
    )


def deposit_offer(s: OrderScreen) -> rx.Component:
    """After approval, when the shop asks for a deposit: pay it now, or skip (unless the shop requires it)."""
    if s.pay is None:
        return rx.fragment()
    return rx.cond(
        (s.view.pay.deposit != "") & ~s.pay.deposit_skipped,
        rx.vstack(
            rx.text(
                "We ask for a deposit of ",
                rx.text.strong(s.view.pay.deposit),
                rx.cond(s.view.pay.deposit_required, " before we start the work.", ". You can pay it now or later."),
                size="3",
            ),
            _error(s),
            rx.button(
                rx.icon("credit-card", size=18, aria_hidden="true"),
                rx.text.span("Pay the ", s.view.pay.deposit, " deposit now"),
                size="3",
                width="100%",
                min_height="48px",
                disabled=s.preview,
                on_click=s.pay.pay_deposit,
                id="pay-deposit",
                style=ACCENT_BUTTON,
            ),
            rx.cond(
                ~s.view.pay.deposit_required,
                rx.button(
                    "Skip for now",
                    size="3",
                    width="100%",
                    variant="soft",
                    color_scheme="gray",
                    on_click=s.pay.skip_deposit,
                    id="skip-deposit",
                ),
            ),
            demo_note(s),
            spacing="2",
            width="100%",
            id="deposit-offer",
        ),
    )
