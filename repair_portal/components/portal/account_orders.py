"""The account portal's order list: a search-and-filter form (submitted to the server) and one card per
order, linking to the order's page. Phone first: cards stack, filters wrap."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...services.account_orders import DATE_FIELDS, STATUSES
from ...state.portal_orders import OrderRowView
from ...state.portal_orders import PortalOrdersState as S
from ..ui import field_label

TAP = {"min_height": "44px"}


def _select(label: str, element_id: str, name: str, value, options) -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        rx.select.root(
            rx.select.trigger(id=element_id, style=TAP, width="100%"),
            rx.select.content(*options),
            name=name,
            default_value=value,
            size="3",
        ),
        spacing="1",
        min_width="0",
    )


def _date(label: str, element_id: str, name: str, value) -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        rx.input(type="date", id=element_id, name=name, default_value=value, size="3", style=TAP, width="100%"),
        spacing="1",
        min_width="0",
    )


def filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.vstack(
                field_label("Search by reference, asset, serial, model or PO number", "order-search"),
                rx.input(
                    id="order-search",
                    name="text",
                    placeholder="e.g. R-10042, NW-0007 or PO-1234",
                    size="3",
                    width="100%",
                    style=TAP,
                ),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                rx.cond(
                    S.sites.length() > 0,
                    _select(
                        "Site",
                        "order-site",
                        "site",
                        "all",
                        [
                            rx.select.item("All sites", value="all"),
                            rx.foreach(S.sites, lambda c: rx.select.item(c.label, value=c.value)),
                        ],
                    ),
                ),
                _select(
                    "Status",
                    "order-status",
                    "status",
                    S.status,
                    [rx.select.item(v, value=k) for k, v in STATUSES.items()],
                ),
                _select(
                    "Dates",
                    "order-date-field",
                    "date_field",
                    S.date_field,
                    [rx.select.item(v, value=k) for k, v in DATE_FIELDS.items()],
                ),
                _date("From", "order-from", "date_from", S.date_from),
                _date("To", "order-to", "date_to", S.date_to),
                columns=rx.breakpoints(initial="2", md="5"),
                gap="0.75rem",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("search", size=18, aria_hidden="true"),
                    "Search",
                    type="submit",
                    size="3",
                    id="order-search-submit",
                ),
                rx.button(
                    "Clear",
                    type="reset",
                    variant="soft",
                    color_scheme="gray",
                    size="3",
                    on_click=S.clear_filters,
                    id="order-clear",
                ),
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                S.error != "", rx.text(S.error, color="var(--red-11)", size="3", role="alert", id="order-filter-error")
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.handle_search,
        reset_on_submit=False,
        key=S.filters_key.to(str),  # drawn afresh with the filters a link opened the list with
        id="order-filters",
        width="100%",
    )


def _fact(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.span(label + ": ", color_scheme="gray"), value, size="3"),
    )


def _row(row: OrderRowView) -> rx.Component:
    return rx.link(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row.reference, weight="bold", size="4"),
                    rx.cond(row.requested, rx.badge("Requested online", color_scheme="blue", variant="soft", size="2")),
                    rx.cond(row.waiting_for_you, rx.badge("Waiting for your decision", color_scheme="amber", size="2")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(row.device != "", rx.text(row.device, size="3")),
                rx.flex(
                    _fact("Site", row.site),
                    _fact("Booked in", row.booked),
                    _fact("Scheduled", row.scheduled),
                    _fact("PO", row.po_number),
                    gap="0.25rem 1.25rem",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="min(16rem, 100%)",
                flex="1",
            ),
            rx.badge(
                row.status,
                color_scheme=rx.cond(row.done, "gray", "teal"),
                variant="soft",
                size="3",
                style={"white_space": "normal", "text_align": "right"},
            ),
            gap="0.75rem",
            align="start",
            justify="between",
            wrap="wrap",
            width="100%",
        ),
        href=row.href,
        underline="none",
        color="inherit",
        class_name="account-order-row",
        id="order-" + row.id.to(str),
        style={
            "display": "block",
            "padding": "0.875rem 0.25rem",
            "border_bottom": "1px solid var(--gray-5)",
            "min_height": "44px",
        },
    )


def order_list() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Orders", as_="h2", size="5", id="orders-heading"),
                rx.cond(
                    S.can_request,
                    rx.button(
                        rx.link(
                            rx.icon("plus", size=18, aria_hidden="true"),
                            "Request a job",
                            href=routes.PORTAL_ORDER_NEW,
                            color="inherit",
                            underline="none",
                            id="request-job",
                        ),
                        as_child=True,
                        size="3",
                    ),
                ),
                justify="between",
                align="center",
                wrap="wrap",
                gap="0.75rem",
                width="100%",
            ),
            filters(),
            rx.text(
                S.total, rx.cond(S.total == 1, " order", " orders"), size="3", color_scheme="gray", id="order-count"
            ),
            rx.cond(
                S.rows.length() > 0,
                rx.el.div(rx.foreach(S.rows, _row), id="order-list", style={"width": "100%"}),
                rx.cond(S.loaded, rx.text("No orders match.", size="3", color_scheme="gray", id="no-orders")),
            ),
            rx.cond(
                S.pages > 1,
                rx.hstack(
                    rx.button(
                        "Previous",
                        on_click=S.go_to_page(S.page - 1),
                        disabled=S.page <= 1,
                        variant="soft",
                        size="3",
                        id="orders-prev",
                    ),
                    rx.text("Page ", S.page, " of ", S.pages, size="3", id="orders-page"),
                    rx.button(
                        "Next",
                        on_click=S.go_to_page(S.page + 1),
                        disabled=S.page >= S.pages,
                        variant="soft",
                        size="3",
                        id="orders-next",
                    ),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="account-orders",
    )
