"""/portal: a signed-in portal user's account home (what it holds arrives with the account portal)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page


@account_page(routes.PORTAL, "Home")
def account_home() -> rx.Component:
    return account_layout(
        "home",
        rx.card(
            rx.text("Your orders, invoices and files will appear here.", size="3", color_scheme="gray"),
            size="3",
            width="100%",
            id="account-home",
        ),
    )
