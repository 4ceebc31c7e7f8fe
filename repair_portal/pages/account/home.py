"""/portal: a signed-in portal user's account home (what it holds arrives with the account portal)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_header, account_page
from ...components.portal_shell import portal_layout


@account_page(routes.PORTAL, "Home")
def account_home() -> rx.Component:
    return portal_layout(
        "Your account",
        "#334155",
        rx.card(
            rx.vstack(
                account_header(),
                rx.text("Your orders, invoices and files will appear here.", size="3", color_scheme="gray"),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            id="account-home",
        ),
    )
