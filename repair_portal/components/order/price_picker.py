"""The quote card's "Add from price list": open, tap an item (the search narrows a long list)."""

from __future__ import annotations

import reflex as rx

from ...services.price_list import PriceItemView
from ...state.staff_order_quote import StaffOrderQuoteState as Q
from ..ui import scroll_region, visually_hidden


def _item(item: PriceItemView) -> rx.Component:
    return rx.button(  # named by what it shows (a tap adds the line), so voice control finds it by its words
        rx.hstack(
            visually_hidden("Add "),
            rx.cond(item.code != "", rx.code(item.code, size="1", variant="soft")),
            rx.text(item.name, size="2", flex="1", text_align="left"),
            rx.cond(item.optional_by_default, rx.badge("optional", size="1", color_scheme="gray", high_contrast=True)),
            rx.text(item.price, size="2", weight="medium", white_space="nowrap"),
            spacing="2",
            align="center",
            width="100%",
        ),
        on_click=Q.handle_add_from_price_list(item.id),
        variant="ghost",
        color_scheme="gray",
        size="2",
        width="100%",
        justify_content="flex-start",
        type="button",
        id="price-pick-" + item.id.to(str),
        class_name="price-pick",
    )


def price_picker() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("tags", size=14),
                "Add from price list",
                variant="soft",
                size="2",
                type="button",
                id="quote-price-list",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    placeholder="Search code or name…",
                    value=Q.price_search,
                    on_change=Q.handle_price_search.debounce(250),
                    size="2",
                    width="100%",
                    type="search",
                    id="price-pick-search",
                    aria_label="Search the price list",
                ),
                scroll_region(
                    rx.vstack(rx.foreach(Q.price_items, _item), spacing="1", width="100%"),
                    label="Price list items",
                    max_height="18rem",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.cond(
                    Q.price_items.length() == 0,
                    rx.text(
                        rx.cond(
                            Q.price_search != "",
                            "Nothing matches.",
                            "The price list is empty: owners and managers add items under Settings → Price list.",
                        ),
                        size="2",
                        color_scheme="gray",
                        id="price-pick-empty",
                    ),
                ),
                rx.text("Prices are ex. tax; a tap adds one.", size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="24rem",
            max_width="calc(100vw - 2rem)",
        ),
        open=Q.price_picker_open,
        on_open_change=Q.set_price_picker_open,
    )
