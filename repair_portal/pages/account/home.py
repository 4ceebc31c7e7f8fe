"""/portal: the account's overview — balances, open orders, decisions waiting, next scheduled jobs,
invoices due and recent payments. A card the group may not see is absent (and so is its data)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page
from ...state.portal_home import DueView, PaidView
from ...state.portal_home import PortalHomeState as H
from ...state.portal_orders import OrderRowView

LINK = {"color": "var(--accent-text)", "min_height": "44px", "display": "inline-flex", "align_items": "center"}


def _card(title: str, element_id: str, *children, more: str = "", more_href="", more_when=None) -> rx.Component:
    """A card whose heading links to its list (`more_when`: only when the group may see that list)."""
    head = [rx.heading(title, as_="h2", size="4")]
    if more:
        link = rx.link(more, href=more_href, size="3", style=LINK, id=f"{element_id}-more")
        head.append(link if more_when is None else rx.cond(more_when, link))
    return rx.card(
        rx.vstack(
            rx.flex(*head, justify="between", align="center", wrap="wrap", gap="0.5rem", width="100%"),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id=element_id,
    )


def _figure(label: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="3", color_scheme="gray"),
        rx.text(value, size="7", weight="bold", id=element_id),
        spacing="1",
        min_width="12rem",
        flex="1",
    )


def _order_line(row: OrderRowView) -> rx.Component:
    return rx.link(
        rx.flex(
            rx.vstack(
                rx.text(row.reference, weight="bold", size="3"),
                rx.cond(row.device != "", rx.text(row.device, size="2", color_scheme="gray")),
                rx.cond(row.scheduled != "", rx.text("Scheduled ", row.scheduled, size="2", color_scheme="gray")),
                spacing="0",
                min_width="0",
            ),
            rx.badge(row.status, variant="soft", color_scheme="teal", size="2", style={"white_space": "normal"}),
            justify="between",
            align="center",
            gap="0.75rem",
            width="100%",
        ),
        href=row.href,
        underline="none",
        color="inherit",
        class_name="overview-order",
        style={
            "display": "block",
            "padding": "0.6rem 0",
            "border_bottom": "1px solid var(--gray-4)",
            "min_height": "44px",
        },
    )


def _orders(rows, empty: str, element_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.el.div(rx.foreach(rows, _order_line), id=f"{element_id}-list", style={"width": "100%"}),
        rx.text(empty, size="3", color_scheme="gray"),
    )


def _due(row: DueView) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.link(row.number, href=row.pdf, is_external=True, size="3", weight="bold", style=LINK),
            rx.text("Order ", row.reference, " · due ", row.due_date, size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.vstack(
            rx.text(row.due, size="3", weight="bold"),
            rx.badge(row.status, color_scheme=row.colour, variant="soft", size="2"),
            align="end",
            spacing="1",
        ),
        justify="between",
        align="center",
        width="100%",
        class_name="overview-invoice",
        style={"padding": "0.4rem 0", "border_bottom": "1px solid var(--gray-4)"},
    )


def _paid(row: PaidView) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(row.date, size="3"),
            rx.text(row.method, rx.cond(row.invoices != "", " · " + row.invoices, ""), size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.text(row.amount, size="3", weight="bold"),
        justify="between",
        align="center",
        width="100%",
        class_name="overview-payment",
        style={"padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-4)"},
    )


def _balances() -> rx.Component:
    return rx.cond(
        H.show_balances,
        _card(
            "Balances",
            "overview-balances",
            rx.flex(
                _figure("Unpaid invoices", H.owed, "overview-owed"),
                rx.cond(H.has_credit, _figure("Store credit", H.credit, "overview-credit")),
                gap="1rem",
                wrap="wrap",
                width="100%",
            ),
            more="Invoices and statement",
            more_href=routes.PORTAL_INVOICES,
            more_when=H.show_invoices,
        ),
    )


@account_page(routes.PORTAL, "Home", on_load=[H.load_overview])
def account_home() -> rx.Component:
    return account_layout(
        "home",
        _balances(),
        rx.grid(
            rx.cond(
                H.show_decisions & (H.decisions.length() > 0),
                _card(
                    "Waiting for your decision",
                    "overview-decisions",
                    _orders(H.decisions, "Nothing to decide.", "overview-decisions"),
                    more="All waiting",
                    more_href=routes.portal_orders(status="decision"),
                ),
            ),
            rx.cond(
                H.show_orders,
                _card(
                    "Open orders",
                    "overview-open",
                    rx.text(H.open_total, " open", size="2", color_scheme="gray", id="overview-open-count"),
                    _orders(H.open_orders, "No open orders.", "overview-open"),
                    more="All open orders",
                    more_href=routes.portal_orders(status="open"),
                ),
            ),
            rx.cond(
                H.show_orders,
                _card(
                    "Next scheduled jobs",
                    "overview-upcoming",
                    _orders(H.upcoming, "Nothing scheduled.", "overview-upcoming"),
                    more="All scheduled",
                    more_href=H.upcoming_href,
                ),
            ),
            rx.cond(
                H.show_invoices,
                _card(
                    "Invoices due",
                    "overview-invoices",
                    rx.cond(
                        H.invoices_due.length() > 0,
                        rx.el.div(rx.foreach(H.invoices_due, _due), style={"width": "100%"}),
                        rx.text("Nothing due. Thank you!", size="3", color_scheme="gray"),
                    ),
                    more="All invoices",
                    more_href=routes.PORTAL_INVOICES,
                ),
            ),
            rx.cond(
                H.show_payments,
                _card(
                    "Recent payments",
                    "overview-payments",
                    rx.cond(
                        H.payments.length() > 0,
                        rx.el.div(rx.foreach(H.payments, _paid), style={"width": "100%"}),
                        rx.text("No payments yet.", size="3", color_scheme="gray"),
                    ),
                    more="All payments",
                    more_href=routes.PORTAL_PAYMENTS,
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="1rem",
            width="100%",
        ),
        rx.cond(
            H.loaded & ~H.show_orders & ~H.show_balances & ~H.show_invoices & ~H.show_payments,
            rx.card(
                rx.text("Your access doesn't include orders or invoices. Ask your account's administrator.", size="3"),
                size="3",
                width="100%",
                id="account-home",
            ),
        ),
    )
