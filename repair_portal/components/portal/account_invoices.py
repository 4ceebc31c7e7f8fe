"""The account portal's invoices and payments: balances, the invoice list (status, search, paid/unpaid,
paging, PDF, paying several online), the statement form, and the payments list. Each part renders only
when the group may see it (state/portal_invoices.py leaves the other part's data empty too)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...services.invoice_views import InvoiceRow, PaymentRow
from ...state.portal_invoices import PortalInvoicesState as S
from ..ui import field_label
from .account_invoice_pay import pay_controls, pay_form

TAP = {"min_height": "44px"}


def _heading(text: str, element_id: str) -> rx.Component:
    return rx.heading(text, as_="h2", size="5", id=element_id)


def _figure(label: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="3", color_scheme="gray"),
        rx.text(value, size="6", weight="bold", id=element_id),
        spacing="1",
        min_width="12rem",
    )


def balances() -> rx.Component:
    return rx.card(
        rx.flex(
            _figure("Unpaid invoices", S.owed, "account-owed"),
            _figure("Store credit", S.credit, "account-credit"),
            gap="1.5rem",
            wrap="wrap",
        ),
        size="3",
        width="100%",
        id="account-balances",
    )


def pay_slot(row: InvoiceRow) -> rx.Component:
    """Under an unpaid invoice, for groups with Perm.INVOICES_PAY when the shop takes payments online:
    a box to tick and the amount (components/portal/account_invoice_pay.py)."""
    return pay_controls(row)


def _invoice(row: InvoiceRow) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row.number, size="3", weight="bold", font_family="var(--code-font-family)"),
                    rx.badge(
                        row.status_label, color_scheme=row.status_colour, variant="soft", high_contrast=True, size="2"
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.text("Order ", row.order_reference, " · issued ", row.issue_date, " · due ", row.due_date, size="3"),
                spacing="1",
                flex="1",
                min_width="14rem",
            ),
            rx.vstack(
                rx.text("Total ", row.total, size="3"),
                rx.text("To pay ", row.due, size="3", weight="bold"),
                spacing="1",
                align="end",
            ),
            rx.hstack(
                rx.link(
                    rx.icon("file-down", size=18, aria_hidden="true"),
                    "PDF",
                    href=routes.portal_invoice_pdf(row.id),
                    is_external=True,
                    aria_label="PDF of invoice " + row.number,  # the visible word first (axe: label in name)
                    style={**TAP, "display": "inline-flex", "align_items": "center", "gap": "0.35rem"},
                ),
                align="center",
            ),
            gap="0.75rem 1.25rem",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        pay_slot(row),
        padding="0.75rem 0",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
        class_name="account-invoice",
        key=row.id,  # typed amounts and ticks stay with their invoice when the list changes
    )


def _pager(label, on_prev, on_next, has_prev, has_next, prefix: str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="3", color_scheme="gray", id=f"{prefix}-page"),
        rx.cond(  # one page only: no buttons that can never be used
            has_prev | has_next,
            rx.hstack(
                rx.button(
                    "Previous", on_click=on_prev, disabled=~has_prev, variant="soft", size="3", id=f"{prefix}-prev"
                ),
                rx.button("Next", on_click=on_next, disabled=~has_next, variant="soft", size="3", id=f"{prefix}-next"),
                align="center",
            ),
        ),
        align="center",
        wrap="wrap",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            field_label("Search by invoice number or order reference", "invoice-search"),
            rx.input(
                id="invoice-search",
                value=S.invoice_search,
                on_change=S.handle_invoice_search.debounce(300),
                placeholder="e.g. INV-00042 or R-10042",
                size="3",
                width="100%",
                aria_invalid=rx.cond(S.invoice_search_error != "", "true", "false"),
                aria_describedby="invoice-search-error",
            ),
            rx.cond(
                S.invoice_search_error != "",
                rx.text(
                    S.invoice_search_error, color="var(--red-11)", size="3", role="alert", id="invoice-search-error"
                ),
            ),
            spacing="1",
            flex="1",
            min_width="14rem",
        ),
        rx.vstack(
            field_label("Show", "invoice-show"),
            rx.select.root(
                rx.select.trigger(id="invoice-show", style=TAP),
                rx.select.content(
                    rx.select.item("All invoices", value="all"),
                    rx.select.item("Unpaid", value="unpaid"),
                    rx.select.item("Paid", value="paid"),
                ),
                value=S.invoice_show,
                on_change=S.set_invoice_show,
                size="3",
            ),
            spacing="1",
        ),
        gap="1rem",
        align="end",
        wrap="wrap",
        width="100%",
    )


def invoices_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            _heading("Invoices", "invoices-heading"),
            _filters(),
            rx.cond(
                S.invoice_rows.length() > 0,
                pay_form(rx.vstack(rx.foreach(S.invoice_rows, _invoice), spacing="0", width="100%", id="invoice-list")),
                rx.text("No invoices match.", size="3", color_scheme="gray", id="no-invoices"),
            ),
            _pager(
                S.invoice_page_label,
                S.prev_invoice_page,
                S.next_invoice_page,
                S.invoice_page > 0,
                S.invoice_has_next,
                "invoices",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="account-invoices",
    )


def _date(label: str, element_id: str, value, on_change) -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        rx.input(type="date", id=element_id, value=value, on_change=on_change, size="3", style=TAP),
        spacing="1",
    )


def statement_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            _heading("Statement", "statement-heading"),
            rx.text("Invoices and payments for a period, with the opening and closing balance.", size="3"),
            rx.flex(
                _date("From", "statement-from", S.statement_from, S.set_statement_from),
                _date("To", "statement-to", S.statement_to, S.set_statement_to),
                rx.cond(
                    S.statement_problem != "",
                    rx.text(S.statement_problem, size="3", color_scheme="red", role="alert", id="statement-problem"),
                    rx.link(
                        rx.icon("file-down", size=18, aria_hidden="true"),
                        "Download statement (PDF)",
                        href=S.statement_url,
                        is_external=True,
                        id="statement-download",
                        style={**TAP, "display": "inline-flex", "align_items": "center", "gap": "0.35rem"},
                    ),
                ),
                gap="1rem",
                align="end",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="account-statement",
    )


def _payment(row: PaymentRow) -> rx.Component:
    return rx.flex(
        rx.text(row.date, size="3", min_width="7rem"),
        rx.text(row.method, size="3", min_width="8rem"),
        rx.text(rx.cond(row.invoices != "", row.invoices, "Order " + row.order_reference), size="3", flex="1"),
        rx.text(row.amount, size="3", weight="medium", color=rx.cond(row.refund, "var(--red-11)", None)),
        gap="0.5rem 1rem",
        wrap="wrap",
        padding="0.5rem 0",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
        class_name="account-payment",
    )


def payments_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            _heading("Payments", "payments-heading"),
            rx.cond(
                S.payment_rows.length() > 0,
                rx.vstack(rx.foreach(S.payment_rows, _payment), spacing="0", width="100%", id="payment-list"),
                rx.text("No payments yet.", size="3", color_scheme="gray", id="no-payments"),
            ),
            _pager(
                S.payment_page_label,
                S.prev_payment_page,
                S.next_payment_page,
                S.payment_page > 0,
                S.payment_has_next,
                "payments",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id=routes.PAYMENTS_PART,
    )
