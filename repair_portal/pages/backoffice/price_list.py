"""/staff/settings/price-list: the services and parts staff add to quotes in two taps."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import (
    STICKY_HEAD,
    dialog_form,
    empty_state,
    field_label,
    form_field,
    scroll_region,
    visually_hidden,
)
from ...services.price_list import PriceItemView
from ...state.staff_price_list import StaffPriceListState

S = StaffPriceListState
ROUTE = routes.STAFF_SETTINGS_PRICE_LIST


def _id(prefix: str, row: PriceItemView) -> rx.Var:
    return prefix + row.id.to(str)


def _icon_button(icon: str, label: str, element_id, on_click, color: str = "gray") -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=14),
            size="1",
            variant="soft",
            color_scheme=color,
            aria_label=label,
            on_click=on_click,
            id=element_id,
        ),
        content=label,
    )


def _actions(row: PriceItemView) -> rx.Component:
    return rx.hstack(
        _icon_button("pencil", "Edit " + row.name, _id("price-edit-", row), S.start_edit(row.id)),
        rx.cond(
            row.active,
            _icon_button(
                "archive", "Deactivate " + row.name, _id("price-deactivate-", row), S.handle_deactivate(row.id), "red"
            ),
            rx.button(
                rx.icon("archive-restore", size=14),
                "Reactivate",
                size="1",
                variant="soft",
                aria_label="Reactivate " + row.name,
                on_click=S.handle_reactivate(row.id),
                id=_id("price-reactivate-", row),
            ),
        ),
        spacing="2",
        justify="end",
    )


def _row(row: PriceItemView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(rx.cond(row.code != "", row.code, "—"), variant="ghost", size="2")),
        rx.table.row_header_cell(rx.text(row.name, weight="medium")),
        rx.table.cell(
            rx.badge(row.kind_label, color_scheme=rx.cond(row.kind == "part", "blue", "teal"), high_contrast=True)
        ),
        rx.table.cell(rx.text(row.price, size="2", white_space="nowrap")),
        rx.table.cell(rx.cond(row.optional_by_default, rx.text("Optional extra", size="2"), rx.text("—"))),
        rx.table.cell(
            rx.cond(
                row.active,
                rx.badge("Active", color_scheme="green", variant="soft", high_contrast=True),
                rx.badge("Deactivated", color_scheme="gray", variant="soft", high_contrast=True),
            )
        ),
        rx.table.cell(_actions(row)),
        id=_id("price-row-", row),
        class_name="price-row",
        opacity=rx.cond(row.active, "1", "0.65"),
    )


def _table() -> rx.Component:
    headers = ["Code", "Name", "Kind", "Price (ex. tax)", "On a quote", "Status", visually_hidden("Actions")]
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(S.items, _row)),
            variant="surface",
            size="2",
            width="100%",
            id="price-table",
        ),
        label="Price list",
        max_height="calc(100vh - 18rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _empty() -> rx.Component:
    return rx.cond(
        S.search != "",
        empty_state("search-x", "Nothing matches", "Try part of the name or the code.", id="price-empty"),
        empty_state(
            "tags",
            "No price list yet",
            "Add the services and parts you quote most: each becomes a quote line in two taps.",
            id="price-empty",
        ),
    )


def _editor() -> rx.Component:
    return dialog_form(
        form_field(
            "Name (the quote line's description)",
            rx.input(
                id="price-name",
                name="name",
                default_value=S.f_name,
                required=True,
                auto_focus=True,
                width="100%",
            ),
            "price-name",
            S.name_error,
        ),
        rx.flex(
            rx.box(
                form_field(
                    "Price (ex. tax)",
                    rx.input(
                        id="price-price",
                        name="price",
                        default_value=S.f_price,
                        required=True,
                        placeholder="0.00",
                        input_mode="decimal",
                        width="100%",
                    ),
                    "price-price",
                    S.price_error,
                ),
                flex="1 1 9rem",
            ),
            rx.box(
                form_field(
                    "Code (optional)",
                    rx.input(
                        id="price-code",
                        name="code",
                        default_value=S.f_code,
                        placeholder="e.g. SCR-IP13",
                        width="100%",
                    ),
                    "price-code",
                    S.code_error,
                ),
                flex="1 1 9rem",
            ),
            gap="0.75rem",
            width="100%",
        ),
        rx.flex(
            rx.vstack(
                field_label("Kind", "price-kind"),
                rx.select.root(
                    rx.select.trigger(id="price-kind", width="100%"),
                    rx.select.content(rx.select.item("Service", value="service"), rx.select.item("Part", value="part")),
                    value=S.f_kind,
                    on_change=S.set_kind,
                ),
                spacing="1",
                flex="1 1 9rem",
            ),
            rx.box(
                form_field(
                    "Position in the list",
                    rx.input(
                        id="price-sort-order",
                        name="sort_order",
                        default_value=S.f_sort_order,
                        placeholder="Last",
                        input_mode="numeric",
                        width="100%",
                    ),
                    "price-sort-order",
                    S.sort_order_error,
                    hint="Lower numbers come first.",
                ),
                flex="1 1 9rem",
            ),
            gap="0.75rem",
            width="100%",
        ),
        rx.checkbox(
            "Optional extra: the customer can leave it out",
            checked=S.f_optional,
            on_change=S.set_optional,
            id="price-optional",
        ),
        rx.text(
            "Quotes copy the name and price when the line is added: changing them later leaves existing quotes as "
            "they are. Tax is added on the quote at the shop's rate.",
            size="1",
            color_scheme="gray",
        ),
        title=rx.cond(S.editing_id == 0, "Add to the price list", "Edit price list item"),
        description="A service or part staff can add to a quote in two taps.",
        error=S.form_error,
        on_submit=S.handle_save_item,
        submit=rx.button("Save", type="submit", id="price-save"),
        ids=("price-form", "price-form-error", "price-cancel"),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
        max_width="32rem",
    )


@staff_page(ROUTE, "Price list", on_load=[StaffPriceListState.load_price_list])
def price_list_page() -> rx.Component:
    search = rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder="Search code or name…",
        value=S.search,
        on_change=S.handle_search.debounce(300),
        size="2",
        width=["100%", "24rem"],
        id="price-search",
        aria_label="Search the price list",
        type="search",
    )
    body = rx.vstack(
        search,
        rx.cond(S.items.length() > 0, _table(), _empty()),
        _editor(),
        spacing="4",
        width="100%",
    )
    add = rx.button(rx.icon("plus", size=16), "Add item", size="2", on_click=S.start_add, id="price-add")
    return staff_layout(
        ROUTE,
        "Price list",
        "Services and parts with their prices (ex. tax), for adding to quotes in two taps.",
        body,
        actions=add,
    )
