"""/portal/assets: the account's assets (search; site, type and status filters) and its defects (search by
asset; open or fixed), as cards that read well on a phone. Needs "Assets: see"."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_assets import asset_card, defect_item
from ...components.account_shell import account_layout, account_page
from ...state.portal_assets import ALL, Option
from ...state.portal_assets import PortalAssetsState as S


def _option(option: Option) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def _filter(label: str, name: str, element_id: str, value, options, everything: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=element_id, font_weight="500"),
        rx.select.root(
            rx.select.trigger(id=element_id, width="100%", aria_label=label),
            rx.select.content(rx.select.item(everything, value=ALL), rx.foreach(options, _option)),
            value=value,
            on_change=lambda v: S.set_asset_filter(name, v),
            size="3",
        ),
        spacing="1",
        flex="1 1 12rem",
        min_width="0",
    )


def _search(label: str, element_id: str, value, on_change, placeholder: str, error, key=None) -> rx.Component:
    """A search box; `error` says why what was typed wasn't searched (too long: refused, never cut)."""
    return rx.vstack(
        rx.el.label(label, html_for=element_id, font_weight="500"),
        rx.input(
            rx.input.slot(rx.icon("search", size=18, aria_hidden="true")),
            id=element_id,
            type="search",
            default_value=value,
            on_change=on_change.debounce(300),
            placeholder=placeholder,
            size="3",
            width="100%",
            key=key,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=f"{element_id}-error",
        ),
        rx.cond(error != "", rx.text(error, color="var(--red-11)", size="3", role="alert", id=f"{element_id}-error")),
        spacing="1",
        flex="2 1 16rem",
        min_width="0",
    )


def _assets_panel() -> rx.Component:
    filters = rx.flex(
        _search(
            "Search assets",
            "asset-search",
            S.asset_search,
            S.handle_asset_search,
            "ID, serial, model, reference",
            S.asset_search_error,
            key=S.search_key.to(str),
        ),
        rx.cond(S.shows_site, _filter("Site", "site", "asset-site-filter", S.site_filter, S.site_options, "All sites")),
        rx.cond(S.shows_kind, _filter("Type", "kind", "asset-kind-filter", S.kind_filter, S.kind_options, "All types")),
        rx.cond(
            S.status_options.length() > 0,
            _filter("Status", "status", "asset-status-filter", S.status_filter, S.status_options, "Any status"),
        ),
        gap="0.75rem",
        wrap="wrap",
        width="100%",
        align="end",
    )
    summary = rx.hstack(
        rx.text(S.assets_summary, id="assets-summary", role="status"),
        rx.spacer(),
        rx.button(
            "Clear filters", variant="soft", color_scheme="gray", on_click=S.clear_asset_filters, id="assets-clear"
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )
    grid = rx.grid(
        rx.foreach(S.cards, asset_card),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        gap="0.75rem",
        width="100%",
        id="asset-cards",
    )
    return rx.vstack(filters, summary, grid, spacing="3", width="100%")


def _defects_panel() -> rx.Component:
    status = rx.vstack(
        rx.el.label("Show", html_for="defect-status", font_weight="500"),
        rx.select.root(
            rx.select.trigger(id="defect-status", width="100%", aria_label="Show"),
            rx.select.content(
                rx.select.item("Open defects", value="open"),
                rx.select.item("Fixed defects", value="fixed"),
                rx.select.item("All defects", value=ALL),
            ),
            value=S.defect_status,
            on_change=S.set_defect_status,
            size="3",
        ),
        spacing="1",
        flex="1 1 12rem",
    )
    return rx.vstack(
        rx.flex(
            _search(
                "Search by asset",
                "defect-search",
                S.defect_search,
                S.handle_defect_search,
                "ID, serial, model",
                S.defect_search_error,
            ),
            status,
            gap="0.75rem",
            wrap="wrap",
            width="100%",
            align="end",
        ),
        rx.cond(
            S.defect_rows.length() > 0,
            rx.vstack(rx.foreach(S.defect_rows, lambda d: defect_item(d, with_asset=True)), spacing="3", width="100%"),
            rx.text("No defects match.", color_scheme="gray", id="defects-empty"),
        ),
        spacing="3",
        width="100%",
        id="defect-list",
    )


@account_page(routes.PORTAL_ASSETS, "Assets", on_load=[S.load_assets])
def account_assets() -> rx.Component:
    body = rx.cond(
        S.shows_defects,
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Assets", value="assets", id="tab-assets"),
                rx.tabs.trigger("Defects", value="defects", id="tab-defects"),
            ),
            rx.tabs.content(_assets_panel(), value="assets", padding_top="1rem"),
            rx.tabs.content(_defects_panel(), value="defects", padding_top="1rem"),
            value=S.assets_tab,
            on_change=S.set_assets_tab,
            width="100%",
        ),
        _assets_panel(),
    )
    return account_layout(
        "assets",
        rx.card(
            rx.vstack(
                rx.heading("Assets", as_="h2", size="6"),
                rx.cond(S.assets_loaded, body, rx.center(rx.spinner(size="3"), width="100%", padding="2rem")),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            id="account-assets",
        ),
    )
