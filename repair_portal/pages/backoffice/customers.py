"""/staff/customers: every customer, A–Z, with the board's search; tick customers to invite them to the portal."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.customer.bulk_invite import bulk_dialog, bulk_result, select_cell, select_header, selection_bar
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import STICKY_HEAD, dash, empty_state, pager, scroll_region
from ...state.staff_customers import (
    CustomerRowView,
    StaffCustomersState,
    StaffCustomerState,
)

L = StaffCustomersState
S = StaffCustomerState
ACTIVE = routes.STAFF_CUSTOMERS


# ---------------------------------------------------------------- list


def _list_row(row: CustomerRowView) -> rx.Component:
    href = routes.staff_customer(row.id)
    return rx.table.row(
        select_cell(row),
        rx.table.row_header_cell(
            rx.hstack(
                rx.link(row.name, href=href, weight="bold", class_name="customer-link"),
                rx.cond(
                    row.has_portal,
                    rx.tooltip(
                        rx.badge("Portal", color_scheme="teal", variant="soft", size="1", class_name="portal-badge"),
                        content="Someone signs in at /portal for this customer",
                    ),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            )
        ),
        rx.table.cell(rx.text(dash(row.company), color_scheme="gray")),
        rx.table.cell(dash(row.email)),
        rx.table.cell(rx.text(dash(row.phone), white_space="nowrap")),
        rx.table.cell(row.orders),
        rx.table.cell(
            rx.cond(
                row.last_order != "",
                rx.vstack(
                    rx.text(row.last_order, font_family="var(--code-font-family)", size="2"),
                    rx.text(row.last_order_date, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                rx.text("—", color_scheme="gray"),
            )
        ),
        class_name="customer-row",
        on_click=rx.redirect(href),
        cursor="pointer",
        _hover={"background": "var(--teal-2)"},
    )


def _list_table() -> rx.Component:
    headers = ["Name", "Company", "Email", "Phone", "Orders", "Last order"]
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(select_header(), *[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])
            ),
            rx.table.body(rx.foreach(L.customer_rows, _list_row)),
            variant="surface",
            size="2",
            width="100%",
            id="customers-table",
        ),
        label="Customers",
        max_height="calc(100vh - 14rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _list_toolbar() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Search name, email, phone or serial…",
            value=L.customer_search,
            on_change=L.handle_search.debounce(300),
            size="2",
            width=["100%", "24rem"],
            id="customer-search",
            aria_label="Search customers",
            type="search",
        ),
        rx.spacer(),
        *pager(
            L.customers_page_label,
            L.prev_page,
            L.next_page,
            L.customers_has_prev,
            L.customers_has_next,
            ids=("customers-page-label", "customers-prev", "customers-next"),
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


@staff_page(routes.STAFF_CUSTOMERS, "Customers", on_load=[StaffCustomersState.load_customers])
def customers_page() -> rx.Component:
    no_match = empty_state(
        "search-x",
        "No customers match",
        "Try part of a name, an email, a phone number in any format, or a serial number.",
        id="customers-no-match",
    )
    none_yet = empty_state(
        "users", "No customers yet", "Customers appear here when you book in their first repair.", id="customers-none"
    )
    body = rx.vstack(
        _list_toolbar(),
        bulk_result(),
        selection_bar(),
        rx.cond(
            L.customer_rows.length() > 0,
            _list_table(),
            rx.cond(
                L.customers_loaded,
                rx.cond(L.customer_search != "", no_match, none_yet),
                rx.center(rx.spinner(size="3"), padding="3rem", width="100%"),
            ),
        ),
        bulk_dialog(),
        spacing="4",
        width="100%",
    )
    return staff_layout(ACTIVE, "Customers", "Everyone who has booked a repair in, A–Z by last name.", body)
