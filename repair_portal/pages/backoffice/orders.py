"""/staff: the order list, the landing page of the back office."""

from __future__ import annotations

import reflex as rx

from ...components.staff_shell import staff_layout, staff_page
from ...state.staff_orders import OrderRowView, StaffOrdersState, StageCount


def _stage_tile(item: StageCount) -> rx.Component:
    return rx.box(
        rx.text(item.name, size="1", color_scheme="gray", weight="medium", trim="both"),
        rx.text(item.count, size="6", weight="bold"),
        padding="0.75rem 1rem",
        background="var(--color-panel-solid)",
        border="1px solid var(--gray-4)",
        border_left=f"4px solid var(--{item.color}-9)",
        border_radius="10px",
        min_width="8.5rem",
        flex="1",
    )


def _row(row: OrderRowView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.reference, weight="bold", font_family="var(--code-font-family)")),
        rx.table.cell(row.customer),
        rx.table.cell(rx.text(row.device, color_scheme="gray")),
        rx.table.cell(rx.badge(row.stage, color_scheme=row.stage_color, variant="soft", radius="full")),
        rx.table.cell(row.location),
        rx.table.cell(rx.tooltip(rx.text(row.updated, color_scheme="gray"), content=row.updated_exact)),
        class_name="order-row",
        on_click=rx.redirect("/staff/orders/" + row.id.to(str)),
        cursor="pointer",
        _hover={"background": "var(--teal-2)"},
    )


HEAD_STYLE = {"position": "sticky", "top": "0", "background": "var(--gray-3)", "z_index": "1"}


def _table() -> rx.Component:
    headers = ["Reference", "Customer", "Device", "Stage", "Location", "Updated"]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=HEAD_STYLE) for h in headers])),
            rx.table.body(rx.foreach(StaffOrdersState.rows, _row)),
            variant="surface",
            size="2",
            width="100%",
            id="orders-table",
        ),
        max_height="calc(100vh - 19rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _empty() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("inbox", size=36, color="var(--gray-8)"),
            rx.text("No orders match", weight="medium"),
            rx.text("Try a reference like R-10001 or a customer's name.", size="2", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        padding="3rem",
        width="100%",
        background="var(--color-panel-solid)",
        border="1px dashed var(--gray-6)",
        border_radius="10px",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Search reference or customer…",
            value=StaffOrdersState.search,
            on_change=StaffOrdersState.handle_search.debounce(300),
            size="2",
            width=["100%", "22rem"],
            id="order-search",
        ),
        rx.spacer(),
        rx.text(StaffOrdersState.page_label, size="2", color_scheme="gray", id="page-label"),
        rx.button(
            rx.icon("chevron-left", size=16),
            on_click=StaffOrdersState.prev_page,
            disabled=~StaffOrdersState.has_prev,
            variant="soft",
            size="2",
            aria_label="Previous page",
        ),
        rx.button(
            rx.icon("chevron-right", size=16),
            on_click=StaffOrdersState.next_page,
            disabled=~StaffOrdersState.has_next,
            variant="soft",
            size="2",
            aria_label="Next page",
        ),
        width="100%",
        align="center",
        spacing="2",
    )


@staff_page("/staff", "Orders", on_load=[StaffOrdersState.load_orders])
def orders_page() -> rx.Component:
    body = rx.vstack(
        rx.flex(rx.foreach(StaffOrdersState.stage_counts, _stage_tile), gap="0.75rem", wrap="wrap", width="100%"),
        _toolbar(),
        rx.cond(StaffOrdersState.rows.length() > 0, _table(), _empty()),
        spacing="4",
        width="100%",
    )
    new_order = rx.link(
        rx.button(rx.icon("plus", size=16), "New order", size="2", id="new-order"), href="/staff/orders/new"
    )
    return staff_layout("/staff", "Orders", StaffOrdersState.shop_name, body, actions=new_order)
