"""/pay/return: back from the hosted payment page. Paid, still confirming, or nothing taken, said plainly."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import branded
from ...components.portal.common import ACCENT_BUTTON, button_link
from ...components.registry import register
from ...components.ui import live_marker
from ...live import live_refresh
from ...state.pay_return import PayReturnState as S

# The order's page this tab came from (kept by the browser when it left to pay), else the lookup page.
BACK_JS = f"window.location.assign(sessionStorage.getItem('rp_pay_back') || {routes.LOOKUP!r})"


def _what(icon: str, colour: str, heading: str, *text) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon(icon, size=32, color=f"var(--{colour}-11)", aria_hidden="true"),
            rx.heading(heading, as_="h1", size="6", id="pay-result-heading"),
            spacing="3",
            align="center",
        ),
        *text,
        spacing="3",
        width="100%",
    )


def _lines() -> rx.Component:
    return rx.el.ul(
        rx.foreach(S.result.lines, lambda line: rx.el.li(rx.text(line, size="3"))),
        padding_left="1.25rem",
        id="pay-lines",
    )


def _back() -> rx.Component:
    return rx.cond(
        S.result.back_path != "",
        button_link("Back to your account", href=S.result.back_path, id="pay-back"),
        rx.button(
            "Back to your repair",
            size="3",
            width="100%",
            min_height="48px",
            on_click=rx.call_script(BACK_JS),
            id="pay-back",
            style=ACCENT_BUTTON,
        ),
    )


def _result() -> rx.Component:
    nothing_taken = rx.text(
        "Nothing was taken and what you owe is unchanged. You can try again from your order, or pay the shop directly.",
        size="3",
    )
    return rx.match(
        S.result.status,
        ("loading", rx.center(rx.spinner(size="3"), min_height="8rem")),
        (
            "paid",
            _what(
                "circle-check",
                "green",
                "Payment received",
                rx.text("Thank you. We've received ", rx.text.strong(S.result.amount), ".", size="3"),
                _lines(),
                rx.text("A receipt is on its way by email.", size="3", color_scheme="gray"),
            ),
        ),
        (
            "waiting",
            _what(
                "loader",
                "amber",
                "Confirming your payment…",
                rx.text(
                    "The card processor is confirming your payment of ",
                    rx.text.strong(S.result.amount),
                    ". This page updates by itself; it usually takes a few seconds.",
                    size="3",
                ),
                rx.cond(S.result.failure != "", rx.text(S.result.failure, size="3", color="var(--red-11)")),
                rx.button("Check again", size="3", variant="soft", on_click=S.ask_if_late, id="pay-check-again"),
            ),
        ),
        (
            "cancelled",
            _what(
                "circle-x",
                "gray",
                "Payment cancelled",
                rx.cond(S.result.failure != "", rx.text(S.result.failure, size="3")),
                nothing_taken,
            ),
        ),
        ("expired", _what("clock", "gray", "The payment page timed out", nothing_taken)),
        (
            "refused",
            _what(
                "circle-alert",
                "red",
                "We couldn't match this payment",
                rx.text(
                    "The card processor's figures didn't match what we asked for, so we haven't recorded it. "
                    "The shop has been told; please contact them.",
                    size="3",
                ),
            ),
        ),
        _what(
            "circle-help",
            "gray",
            "We can't find that payment",
            rx.text("Open your order from its link or your account to see what you owe.", size="3"),
        ),
    )


def pay_return_page() -> rx.Component:
    return branded(
        S,
        rx.card(
            rx.vstack(
                rx.cond(
                    S.result.demo,
                    rx.callout("Demo: no money moves.", icon="info", color_scheme="amber", size="1", width="100%"),
                ),
                _result(),
                rx.cond((S.result.status != "loading") & (S.result.status != "missing"), _back()),
                live_marker(S.live),
                live_refresh(S.refresh),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            id="pay-return",
        ),
    )


register(routes.PAY_RETURN, "Payment · Your repair", pay_return_page, [S.load_return])
