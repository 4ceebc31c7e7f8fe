"""/staff: the order list, the landing page of the back office."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import for_roles_allowed, staff_layout, staff_page
from ...components.ui import STICKY_HEAD, empty_state, link_button, pager, scroll_region, visually_hidden
from ...live import BOARD, live_refresh
from ...services.permissions import Action
from ...state.staff_order_rows import ChoiceOption
from ...state.staff_orders import ALL, DATE_RANGES, UNASSIGNED, OrderRowView, StageCount
from ...state.staff_orders import StaffOrdersState as S

StaffOrdersState = S


def _stage_tile(item: StageCount) -> rx.Component:
    selected = S.stage_filter == item.id
    return rx.el.button(
        rx.text(item.name, size="1", color_scheme="gray", weight="medium", trim="both", text_align="left"),
        rx.text(item.count, size="6", weight="bold", text_align="left"),
        on_click=S.toggle_stage_tile(item.id),
        aria_pressed=rx.cond(selected, "true", "false"),
        title="Show only this stage (click again for all)",
        padding="0.75rem 1rem",
        background=rx.cond(selected, f"var(--{item.color}-3)", "var(--color-panel-solid)"),
        border=rx.cond(selected, f"1px solid var(--{item.color}-8)", "1px solid var(--gray-4)"),
        border_left=f"4px solid var(--{item.color}-9)",
        border_radius="10px",
        min_width="8.5rem",
        flex="1",
        cursor="pointer",
        display="flex",
        flex_direction="column",
        gap="0.25rem",
        class_name="stage-tile",
    )


def _row(row: OrderRowView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(  # the row's click is for the mouse; the link for keyboards and readers
            rx.link(
                row.reference,
                href=routes.staff_order(row.id),
                weight="bold",
                font_family="var(--code-font-family)",
                class_name="order-link",
                on_click=rx.stop_propagation,  # the link navigates; the row's redirect would load it twice
            )
        ),
        rx.table.cell(
            row.customer,
            # on a phone the device goes under the name, so the stage fits on the screen
            rx.text(row.device, size="1", color_scheme="gray", display=PHONES_ONLY),
        ),
        rx.table.cell(rx.text(row.device, color_scheme="gray"), display=NOT_ON_PHONES),
        rx.table.cell(
            rx.hstack(
                rx.badge(row.stage, color_scheme=row.stage_color, variant="soft", radius="full", high_contrast=True),
                rx.cond(row.overdue, rx.badge("Overdue", color_scheme="red", variant="solid", class_name="overdue")),
                rx.cond(
                    row.customer_request,
                    rx.badge(
                        rx.icon("inbox", size=12, aria_hidden="true"),
                        "Customer request",
                        color_scheme="violet",
                        variant="surface",
                        high_contrast=True,
                        class_name="customer-request",
                    ),
                ),
                rx.cond(
                    row.attention > 0,
                    rx.badge(
                        rx.icon("bell", size=12),
                        row.attention,
                        visually_hidden(" customer actions to handle"),  # the title is for the mouse
                        color_scheme="amber",
                        variant="solid",
                        class_name="attention",
                        title="Customer actions to handle",
                    ),
                ),
                spacing="1",
                wrap="wrap",
            )
        ),
        rx.table.cell(row.location, display=WIDE_ONLY),
        rx.table.cell(rx.text(row.technician, color_scheme="gray"), display=NOT_ON_PHONES),
        rx.table.cell(rx.text(row.booked, color_scheme="gray", white_space="nowrap"), display=WIDE_ONLY),
        rx.table.cell(
            rx.tooltip(rx.text(row.updated, color_scheme="gray"), content=row.updated_exact), display=NOT_ON_PHONES
        ),
        class_name="order-row",
        on_click=rx.redirect(routes.staff_order(row.id)),
        cursor="pointer",
        _hover={"background": "var(--teal-2)"},
    )


WIDE_ONLY = ["none", "none", "none", "none", "table-cell"]  # from 1280 px: room for every column
NOT_ON_PHONES = ["none", "none", "table-cell"]  # from 768 px (a phone shows who, what and where it is)
PHONES_ONLY = ["block", "block", "none"]
COLUMN_DISPLAY = {
    "Location": WIDE_ONLY,
    "Booked in": WIDE_ONLY,
    "Device": NOT_ON_PHONES,
    "Technician": NOT_ON_PHONES,
    "Updated": NOT_ON_PHONES,
}


def _table() -> rx.Component:
    headers = ["Reference", "Customer", "Device", "Stage", "Location", "Technician", "Booked in", "Updated"]
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h, style=STICKY_HEAD, display=COLUMN_DISPLAY.get(h, "table-cell"))
                        for h in headers
                    ]
                )
            ),
            rx.table.body(rx.foreach(StaffOrdersState.rows, _row)),
            variant="surface",
            size="2",
            width="100%",
            id="orders-table",
        ),
        label="Orders",
        max_height="calc(100vh - 19rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _empty() -> rx.Component:
    return rx.cond(
        S.filtered,
        empty_state(
            "inbox",
            "No orders match",
            "Search by reference, name, phone, email or serial/IMEI, or loosen the filters.",
            rx.button("Clear filters", on_click=S.clear_filters, variant="soft", size="2"),
        ),
        empty_state(
            "inbox",
            "No orders yet",
            "Book in the first repair to see it here.",
            for_roles_allowed(
                Action.CREATE_ORDER,
                link_button(rx.icon("plus", size=14), "New order", href=routes.STAFF_NEW_ORDER, size="2"),
            ),
        ),
    )


def _toolbar() -> rx.Component:
    return rx.flex(  # on a phone the search takes the first line, the rest wraps under it
        rx.form(  # Enter submits: a barcode scanner types a label's or ticket's URL, then Enter
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                placeholder="Reference, name, phone, email, serial or scan…",
                aria_label="Search orders, or scan a device label or ticket",
                value=StaffOrdersState.search,
                on_change=StaffOrdersState.handle_search.debounce(300),
                size="2",
                width="100%",
                id="order-search",
            ),
            on_submit=StaffOrdersState.handle_search_submit,
            reset_on_submit=False,
            flex=rx.breakpoints(initial="1 1 100%", sm="0 1 24rem"),
        ),
        rx.checkbox("Open only", checked=S.open_only, on_change=S.set_open_only, id="filter-open"),
        rx.checkbox("Needs attention", checked=S.attention_only, on_change=S.set_attention_only, id="filter-attention"),
        rx.spacer(),
        rx.hstack(*pager(S.page_label, S.prev_page, S.next_page, S.has_prev, S.has_next), align="center", spacing="2"),
        width="100%",
        align="center",
        gap="0.5rem 0.75rem",
        wrap="wrap",
    )


def _option(option: ChoiceOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _select(value, on_change, all_label: str, options, element_id: str, name: str, *extra) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=element_id, min_width="10rem", aria_label=name),
        rx.select.content(rx.select.item(all_label, value=ALL), *extra, rx.foreach(options, _option)),
        value=value,
        on_change=on_change,
        size="2",
    )


def _filters() -> rx.Component:
    return rx.flex(
        _select(S.stage_filter, S.set_stage_filter, "All stages", S.stage_options, "filter-stage", "Stage"),
        _select(
            S.location_filter, S.set_location_filter, "All locations", S.location_options, "filter-location", "Location"
        ),
        _select(
            S.tech_filter,
            S.set_tech_filter,
            "Any technician",
            S.staff_options,
            "filter-tech",
            "Technician",
            rx.select.item("Unassigned", value=UNASSIGNED),
        ),
        rx.select.root(
            rx.select.trigger(id="filter-date", min_width="10rem", aria_label="Booked in"),
            rx.select.content(*[rx.select.item(label, value=key) for key, label in DATE_RANGES.items()]),
            value=S.date_filter,
            on_change=S.set_date_filter,
            size="2",
        ),
        rx.cond(
            S.date_filter == "custom",
            rx.hstack(
                rx.input(type="date", value=S.date_from, on_change=S.set_date_from, size="2", aria_label="From"),
                rx.text("to", size="2", color_scheme="gray"),
                rx.input(type="date", value=S.date_to, on_change=S.set_date_to, size="2", aria_label="To"),
                align="center",
                spacing="2",
            ),
        ),
        rx.cond(S.date_error != "", rx.text(S.date_error, size="1", color_scheme="red", role="alert")),
        rx.cond(
            S.filtered,
            rx.button(
                rx.icon("x", size=14), "Clear", on_click=S.clear_filters, variant="ghost", size="2", id="filter-clear"
            ),
        ),
        gap="0.5rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


@staff_page(routes.STAFF_HOME, "Orders", on_load=[StaffOrdersState.load_orders])
def orders_page() -> rx.Component:
    body = rx.vstack(
        live_refresh(S.refresh, BOARD),
        rx.flex(rx.foreach(StaffOrdersState.stage_counts, _stage_tile), gap="0.75rem", wrap="wrap", width="100%"),
        _toolbar(),
        _filters(),
        rx.cond(StaffOrdersState.rows.length() > 0, _table(), _empty()),
        spacing="4",
        width="100%",
    )
    new_order = for_roles_allowed(
        Action.CREATE_ORDER,
        link_button(rx.icon("plus", size=16), "New order", href=routes.STAFF_NEW_ORDER, size="2", id="new-order"),
    )
    return staff_layout(routes.STAFF_HOME, "Orders", StaffOrdersState.shop_name, body, actions=new_order)
