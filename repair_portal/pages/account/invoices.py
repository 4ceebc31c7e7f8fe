"""/portal/invoices: balances, invoices with a statement download (and paying them online), and payments, as
the group allows."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page
from ...components.portal.account_invoices import balances, invoices_card, payments_card, statement_card
from ...state.portal_invoice_pay import PortalInvoicePayState as P
from ...state.portal_invoices import PortalInvoicesState as S


@account_page(routes.PORTAL_INVOICES, "Invoices", on_load=[S.load_money, P.load_pay])
def account_invoices() -> rx.Component:
    return account_layout(
        "invoices",
        rx.cond(
            S.show_invoices,
            rx.vstack(
                rx.cond(S.show_balances, balances()), invoices_card(), statement_card(), spacing="4", width="100%"
            ),
        ),
        rx.cond(S.show_payments, payments_card()),
    )
