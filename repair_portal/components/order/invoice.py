"""The order page's Invoice card: number, status and due date; the draft's lines with extra lines and the
issue form; void with a reason; the PDF; paying from the customer's store credit."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...live import live_refresh
from ...services.invoice_views import InvoiceRow
from ...services.order_invoice_view import LineRow
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_invoice import StaffOrderInvoiceState as I
from ..ui import dialog_form, field_error, form_field, link_button
from .common import card

DUE_CHOICES = [
    ("0", "Due on receipt"),
    ("7", "In 7 days"),
    ("14", "In 14 days"),
    ("30", "In 30 days"),
    ("60", "In 60 days"),
]


def _badge(row) -> rx.Component:
    return rx.badge(row.status_label, color_scheme=row.status_colour, variant="soft", radius="full", high_contrast=True)


def _pdf_link(row) -> rx.Component:
    return rx.cond(
        S.can_print,
        link_button(
            rx.icon("file-down", size=14),
            "PDF",
            href=routes.staff_invoice_pdf(row.id),
            external=True,
            variant="surface",
            size="1",
            aria_label="Invoice PDF " + row.number,
        ),
    )


def _line(line: LineRow) -> rx.Component:
    remove = rx.cond(
        I.can_manage_invoices & (I.inv_live.status == "draft") & ~line.from_quote,
        rx.icon_button(
            rx.icon("x", size=14),
            on_click=I.handle_remove_line(line.id),
            variant="ghost",
            color_scheme="gray",
            size="1",
            aria_label="Remove " + line.description,
            class_name="invoice-line-remove",
        ),
    )
    return rx.table.row(
        rx.table.cell(line.description),
        rx.table.cell(line.quantity, text_align="right"),
        rx.table.cell(line.unit_price, text_align="right", white_space="nowrap"),
        rx.table.cell(line.amount, text_align="right", white_space="nowrap"),
        rx.table.cell(remove),
        class_name="invoice-line",
    )


def _lines() -> rx.Component:
    head = [("Description", "left"), ("Qty", "right"), ("Unit price", "right"), ("Amount", "right"), ("", "left")]
    return rx.vstack(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, text_align=a) for h, a in head])),
            rx.table.body(rx.foreach(I.inv_lines, _line)),
            size="1",
            width="100%",
            id="invoice-lines",
        ),
        rx.text(
            "Subtotal ",
            I.inv_subtotal,
            " · ",
            I.inv_tax_label,
            " ",
            I.inv_tax,
            " · Total ",
            I.inv_live.total,
            size="2",
            weight="medium",
            id="invoice-totals",
        ),
        spacing="2",
        width="100%",
    )


def _add_line_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(
                name="description",
                aria_label="Extra line",
                placeholder="Extra line, e.g. Call-out charge",
                flex="1",
                min_width="12rem",
                size="2",
                id="invoice-line-description",
            ),
            rx.input(
                name="quantity",
                aria_label="Quantity",
                default_value="1",
                width="4.5rem",
                size="2",
                input_mode="numeric",
                id="invoice-line-quantity",
            ),
            rx.input(
                name="price",
                aria_label="Unit price (before tax)",
                placeholder="Unit price",
                width="8rem",
                size="2",
                id="invoice-line-price",
            ),
            rx.button(
                rx.icon("plus", size=14), "Add line", type="submit", size="2", variant="soft", id="invoice-line-add"
            ),
            gap="0.5rem",
            wrap="wrap",
            width="100%",
        ),
        on_submit=I.handle_add_line,
        reset_on_submit=True,
        width="100%",
    )


def _issue_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.label("Payment due", html_for="invoice-due", style={"font_size": "14px"}),
            rx.select.root(
                rx.select.trigger(id="invoice-due", width="10rem"),
                rx.select.content(*[rx.select.item(label, value=value) for value, label in DUE_CHOICES]),
                name="due_days",
                default_value="30",
                size="2",
            ),
            rx.button(rx.icon("send", size=14), "Issue invoice", type="submit", size="2", id="invoice-issue"),
            gap="0.5rem",
            align="center",
            wrap="wrap",
        ),
        on_submit=I.handle_issue,
        width="100%",
    )


def _credit_form() -> rx.Component:
    return rx.cond(
        S.can_record_payments & (I.inv_credit_minor > 0) & (I.inv_live.due_minor > 0),
        rx.form(
            rx.flex(
                rx.text("Store credit available: ", I.inv_credit, size="2"),
                rx.input(
                    name="amount",
                    aria_label="Amount of store credit to use (empty: as much as possible)",
                    placeholder="Amount (empty: all due)",
                    width="11rem",
                    size="2",
                    id="invoice-credit-amount",
                ),
                rx.button("Pay from store credit", type="submit", size="2", variant="soft", id="invoice-credit-pay"),
                gap="0.5rem",
                align="center",
                wrap="wrap",
            ),
            field_error(I.credit_error, "invoice-credit-amount"),
            on_submit=I.handle_pay_with_credit,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _void_dialog() -> rx.Component:
    reason = rx.input(name="reason", id="invoice-void-reason", required=True, width="100%")
    return dialog_form(
        form_field(
            "Reason",
            reason,
            "invoice-void-reason",
            "",
            "Kept with the invoice and shown on it. Payments stay on the order.",
        ),
        title="Void this invoice?",
        description="A void invoice keeps its number but is no longer owed.",
        error=I.void_error,
        on_submit=I.handle_void,
        submit=rx.button("Void invoice", type="submit", color_scheme="red", id="invoice-void-confirm"),
        ids=("invoice-void-form", "invoice-void-error", "invoice-void-cancel"),
        open=I.void_open,
        on_open_change=I.set_void_open,
    )


def _live() -> rx.Component:
    row = I.inv_live
    draft = row.status == "draft"
    facts = rx.flex(
        rx.text(  # a draft has no number until it is issued (its badge already says "Draft")
            rx.cond(draft, "Not issued yet", row.number),
            weight="bold",
            font_family=rx.cond(draft, "inherit", "var(--code-font-family)"),
            id="invoice-number",
        ),
        _badge(row),
        rx.cond(~draft, rx.text("Issued ", row.issue_date, " · due ", row.due_date, size="2", id="invoice-dates")),
        rx.cond(
            ~draft, rx.text("Paid ", row.paid, " · due ", row.due, size="2", weight="medium", id="invoice-due-now")
        ),
        gap="0.5rem 1rem",
        align="center",
        wrap="wrap",
    )
    actions = rx.flex(
        rx.cond(~draft, _pdf_link(row)),
        rx.cond(
            I.can_manage_invoices,
            rx.button(
                rx.cond(draft, "Discard draft", "Void"),
                on_click=I.set_void_open(True),
                size="1",
                variant="soft",
                color_scheme="red",
                id="invoice-void",
            ),
        ),
        gap="0.5rem",
    )
    return rx.vstack(
        rx.hstack(facts, rx.spacer(), actions, width="100%", align="center", wrap="wrap"),
        _lines(),
        rx.cond(
            draft & I.can_manage_invoices,
            rx.vstack(
                _add_line_form(),
                _issue_form(),
                field_error(I.inv_error, "invoice-line-description"),
                spacing="2",
                width="100%",
                key=I.inv_form_key.to(str),
            ),
        ),
        rx.cond(~draft, _credit_form()),
        _void_dialog(),
        spacing="3",
        width="100%",
    )


def _none() -> rx.Component:
    return rx.flex(
        rx.text(
            rx.cond(
                I.inv_has_quote, "No invoice yet.", "No invoice yet, and no approved quote: the draft starts empty."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            I.can_manage_invoices,
            rx.button(
                rx.icon("receipt", size=14), "Start invoice", on_click=I.handle_new_draft, size="2", id="invoice-start"
            ),
        ),
        gap="0.75rem",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _earlier(row: InvoiceRow) -> rx.Component:
    return rx.flex(
        rx.text(row.number, font_family="var(--code-font-family)"),
        _badge(row),
        rx.text(row.void_reason, size="1", color_scheme="gray"),
        rx.cond(row.number != "Draft", _pdf_link(row)),
        gap="0.5rem",
        align="center",
        wrap="wrap",
        class_name="invoice-earlier",
    )


def invoice_card() -> rx.Component:
    return card(
        "Invoice",
        live_refresh(I.load_invoice),
        rx.cond(I.inv_has_live, _live(), _none()),
        rx.cond(I.inv_earlier.length() > 0, rx.vstack(rx.foreach(I.inv_earlier, _earlier), spacing="2")),
        id="invoice-card",
    )
