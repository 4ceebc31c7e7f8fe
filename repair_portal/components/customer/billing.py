"""The customer page's Store credit card (balance, add or use with a reason, history) and Invoices card
(the customer's invoices, drafts included, with a statement download for a date range)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...services.invoice_views import InvoiceRow
from ...services.store_credit import CreditRow
from ...state.staff_customer_billing import StaffCustomerBillingState as B
from ...state.staff_customers import StaffCustomerState as C
from ..ui import field_error, field_label, link_button, pager


def _card(title: str, *children, **props) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(title, size="2", weight="bold", color_scheme="gray"), *children, spacing="3", width="100%"),
        size="2",
        width="100%",
        **props,
    )


def _credit_row(row: CreditRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.reason, size="2"),
            rx.text(row.at, rx.cond(row.invoice != "", " · " + row.invoice, ""), size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(row.amount, size="2", weight="medium", white_space="nowrap"),
            rx.text("Balance ", row.balance, size="1", color_scheme="gray", white_space="nowrap"),
            spacing="0",
            align="end",
        ),
        width="100%",
        class_name="credit-row",
    )


def _credit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.flex(
                    rx.el.label(
                        rx.radio_group.item(value="add"),
                        rx.text("Add credit", size="2"),
                        style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
                    ),
                    rx.el.label(
                        rx.radio_group.item(value="use"),
                        rx.text("Use credit", size="2"),
                        style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
                    ),
                    gap="1rem",
                ),
                name="direction",
                default_value="add",
                aria_label="Add or use credit",
            ),
            rx.vstack(
                field_label("Amount", "credit-amount", required=True),
                rx.input(name="amount", id="credit-amount", placeholder="e.g. 25.00", required=True, width="100%"),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                field_label("Reason", "credit-reason", required=True),
                rx.input(name="reason", id="credit-reason", required=True, width="100%"),
                spacing="1",
                width="100%",
            ),
            field_error(B.credit_error, "credit-amount"),
            rx.button("Save", type="submit", size="2", id="credit-save"),
            spacing="2",
            width="100%",
        ),
        on_submit=B.handle_credit,
        key=B.credit_key.to(str),
        width="100%",
        id="credit-form",
    )


def store_credit_card() -> rx.Component:
    return _card(
        "Store credit",
        rx.text(B.credit_balance, size="5", weight="bold", id="credit-balance"),
        rx.cond(B.can_manage_credit, _credit_form()),
        rx.cond(
            B.credit_rows.length() > 0,
            rx.vstack(rx.foreach(B.credit_rows, _credit_row), spacing="2", width="100%", id="credit-history"),
            rx.text("No store credit yet.", size="2", color_scheme="gray"),
        ),
        id="customer-store-credit",
    )


def _invoice_row(row: InvoiceRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.number, weight="bold", font_family="var(--code-font-family)")),
        rx.table.cell(rx.link(row.order_reference, href=routes.staff_order(row.order_id))),
        rx.table.cell(
            rx.badge(
                row.status_label, color_scheme=row.status_colour, variant="soft", radius="full", high_contrast=True
            )
        ),
        rx.table.cell(row.issue_date, white_space="nowrap"),
        rx.table.cell(row.due_date, white_space="nowrap"),
        rx.table.cell(row.total, text_align="right", white_space="nowrap"),
        rx.table.cell(row.due, text_align="right", white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                row.number != "Draft",
                rx.link(
                    "PDF", href=routes.staff_invoice_pdf(row.id), is_external=True, aria_label="PDF of " + row.number
                ),
            )
        ),
        class_name="customer-invoice-row",
    )


def _statement() -> rx.Component:
    href = routes.staff_statement_pdf(C.current_customer_id) + "?from=" + B.statement_from + "&to=" + B.statement_to
    return rx.flex(
        rx.vstack(
            field_label("From", "statement-from"),
            rx.input(type="date", id="statement-from", value=B.statement_from, on_change=B.set_statement_from),
            spacing="1",
        ),
        rx.vstack(
            field_label("To", "statement-to"),
            rx.input(type="date", id="statement-to", value=B.statement_to, on_change=B.set_statement_to),
            spacing="1",
        ),
        link_button(
            rx.icon("file-down", size=14),
            "Statement PDF",
            href=href,
            external=True,
            variant="surface",
            size="2",
            id="statement-download",
        ),
        gap="0.75rem",
        align="end",
        wrap="wrap",
    )


def invoices_card() -> rx.Component:
    headers = ["Invoice", "Order", "Status", "Issued", "Due", "Total", "Owed", ""]
    return _card(
        "Invoices",
        rx.flex(
            rx.input(
                placeholder="Search invoice number or order reference",
                aria_label="Search invoices",
                value=B.bill_search,
                on_change=B.handle_bill_search.debounce(300),
                flex="1",
                min_width="14rem",
                id="customer-invoice-search",
            ),
            rx.select.root(
                rx.select.trigger(aria_label="Show", id="customer-invoice-show"),
                rx.select.content(
                    rx.select.item("All", value="all"),
                    rx.select.item("Unpaid", value="unpaid"),
                    rx.select.item("Paid", value="paid"),
                ),
                value=B.bill_show,
                on_change=B.set_bill_show,
            ),
            *pager(
                B.bill_page_label,
                B.prev_bill_page,
                B.next_bill_page,
                B.bill_has_prev,
                B.bill_has_next,
                ids=("customer-invoices-page", "customer-invoices-prev", "customer-invoices-next"),
            ),
            gap="0.5rem",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            B.bill_rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                    rx.table.body(rx.foreach(B.bill_rows, _invoice_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("No invoices.", size="2", color_scheme="gray", id="customer-no-invoices"),
        ),
        _statement(),
        id="customer-invoices",
    )
