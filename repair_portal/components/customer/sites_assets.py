"""The customer page's Sites and Assets cards (business accounts only), with their add/edit dialogs."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...state.staff_customer_assets import NO_SITE, AssetView, SiteOption, SiteView
from ...state.staff_customer_assets import StaffCustomerAssetsState as A
from ..ui import STICKY_HEAD, dialog_form, form_field, scroll_region


def _card(title: str, element_id: str, *children, action=None) -> rx.Component:
    heading = rx.hstack(
        rx.text(title, size="2", weight="bold", color_scheme="gray"),
        rx.spacer(),
        action or rx.fragment(),
        width="100%",  # the action at the card's right edge, as on the other customer cards
        align="center",
    )
    return rx.card(rx.vstack(heading, *children, spacing="3", width="100%"), size="2", width="100%", id=element_id)


def _add_button(label: str, on_click, element_id: str) -> rx.Component:
    return rx.cond(
        A.can_manage_assets,
        rx.button(rx.icon("plus", size=14), label, size="2", variant="soft", on_click=on_click, id=element_id),
    )


# --- sites ------------------------------------------------------------------------------------------------


def _site_row(site: SiteView) -> rx.Component:
    actions = rx.cond(
        A.can_manage_assets,
        rx.hstack(
            rx.button(
                "Edit",
                size="1",
                variant="soft",
                on_click=A.open_edit_site(site.id),
                aria_label="Edit site " + site.name,
            ),
            rx.cond(
                site.active,
                rx.button(
                    "Deactivate",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=A.handle_site_active(site.id, False),
                    aria_label="Deactivate site " + site.name,
                ),
                rx.button(
                    "Reactivate",
                    size="1",
                    variant="soft",
                    on_click=A.handle_site_active(site.id, True),
                    aria_label="Reactivate site " + site.name,
                ),
            ),
            spacing="2",
        ),
    )
    return rx.hstack(
        rx.icon("map-pin", size=16, color="var(--gray-10)", aria_hidden="true"),
        rx.vstack(
            rx.hstack(
                rx.text(site.name, size="2", weight="medium"),
                rx.cond(~site.active, rx.badge("Inactive", color_scheme="gray", variant="outline", size="1")),
                spacing="2",
                align="center",
            ),
            rx.text(site.address, size="1", color_scheme="gray", white_space="pre-line"),
            rx.text(
                site.assets,
                rx.cond(site.assets == 1, " asset · ", " assets · "),
                site.orders,
                rx.cond(site.orders == 1, " order", " orders"),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        actions,
        spacing="2",
        align="start",
        width="100%",
        class_name="customer-site",
    )


def site_dialog() -> rx.Component:
    name = rx.input(
        name="name",
        id="site-name",
        default_value=A.site_values.get("name", ""),
        key=A.site_key.to(str),
        required=True,
        auto_focus=True,
        width="100%",
    )
    address = rx.text_area(
        name="address",
        id="site-address",
        default_value=A.site_values.get("address", ""),
        key=A.site_key.to(str),
        rows="3",
        width="100%",
    )
    return dialog_form(
        form_field("Name", name, "site-name", A.site_errors.get("name", "")),
        form_field("Address", address, "site-address", A.site_errors.get("address", "")),
        title=rx.cond(A.site_edit_id == 0, "Add a site", "Edit site"),
        description="Where this account's work happens: an office, a depot, a branch.",
        error=A.site_error,
        on_submit=A.handle_save_site,
        submit=rx.button("Save", type="submit", id="site-save"),
        ids=("site-form", "site-form-error", "site-cancel"),
        open=A.site_open,
        on_open_change=A.set_site_open,
    )


def sites_card() -> rx.Component:
    return _card(
        "Sites",
        "customer-sites",
        rx.cond(
            A.site_rows.length() > 0,
            rx.vstack(rx.foreach(A.site_rows, _site_row), spacing="3", width="100%"),
            rx.text("No sites yet.", size="2", color_scheme="gray"),
        ),
        site_dialog(),
        action=_add_button("Add site", A.open_add_site, "site-add"),
    )


# --- assets -----------------------------------------------------------------------------------------------


def _result(row: AssetView) -> rx.Component:
    return rx.match(
        row.last_result,
        ("pass", rx.badge(row.last_test, color_scheme="green", variant="soft", high_contrast=True)),
        ("fail", rx.badge(row.last_test, color_scheme="red", variant="soft", high_contrast=True)),
        rx.text(row.last_test, size="1", color_scheme="gray"),
    )


def _asset_row(row: AssetView) -> rx.Component:
    href = routes.staff_asset(row.id)
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                rx.cond(row.tag != "", row.tag, "(no ID)"),
                href=href,
                weight="bold",
                font_family="var(--code-font-family)",
            )
        ),
        rx.table.cell(rx.text(row.label), rx.text(row.serial, size="1", color_scheme="gray")),
        rx.table.cell(rx.text(row.site)),
        rx.table.cell(_result(row)),
        rx.table.cell(
            rx.cond(
                row.open_defects > 0,
                rx.badge(row.open_defects, " open", color_scheme="amber", variant="soft", high_contrast=True),
                rx.text("None", size="1", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                A.can_manage_assets,
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=A.open_edit_asset(row.id),
                    aria_label="Edit asset " + row.tag + " " + row.label,
                ),
            )
        ),
        class_name="customer-asset-row",
    )


def _site_option(option: SiteOption) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def asset_dialog() -> rx.Component:
    def text(label, name: str, **props) -> rx.Component:
        element_id = "asset-" + name.replace("_", "-")
        control = rx.input(
            name=name,
            id=element_id,
            default_value=A.asset_values.get(name, ""),
            key=A.asset_key.to(str),
            width="100%",
            **props,
        )
        return form_field(label, control, element_id, A.asset_errors.get(name, ""))

    site = rx.select.root(
        rx.select.trigger(id="asset-site", width="100%"),
        rx.select.content(rx.select.item("No site", value=NO_SITE), rx.foreach(A.site_choices, _site_option)),
        value=A.asset_site,
        on_change=A.set_asset_site,
    )
    description = rx.text_area(
        name="description",
        id="asset-description",
        default_value=A.asset_values.get("description", ""),
        key=A.asset_key.to(str),
        rows="3",
        width="100%",
    )
    row = {"gap": "0.75rem", "width": "100%", "direction": rx.breakpoints(initial="column", sm="row")}
    return dialog_form(
        rx.flex(
            text(A.asset_label, "asset_tag", auto_focus=True),
            text("Type", "kind", required=True, placeholder="Laptop, Scanner, Vehicle..."),
            **row,
        ),
        rx.flex(text("Make", "make"), text("Model", "model"), **row),
        rx.flex(
            text("Serial number", "serial"),
            text("Customer reference", "customer_ref"),
            **row,
        ),
        rx.flex(
            form_field("Site", site, "asset-site", A.asset_errors.get("site_id", "")),
            text("Warranty until", "warranty_until", type="date"),
            **row,
        ),
        form_field("Description", description, "asset-description", A.asset_errors.get("description", "")),
        title=rx.cond(A.asset_edit_id == 0, "Add an asset", "Edit asset"),
        description="Equipment this account has you look after; its tests and defects are on the asset's page.",
        error=A.asset_error,
        on_submit=A.handle_save_asset,
        submit=rx.button("Save", type="submit", id="asset-save"),
        ids=("asset-form", "asset-form-error", "asset-cancel"),
        open=A.asset_open,
        on_open_change=A.set_asset_open,
        max_width="40rem",
    )


def assets_card() -> rx.Component:
    headers = [A.asset_label, "Asset", "Site", "Last test", "Defects", ""]
    table = scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(A.asset_rows, _asset_row)),
            variant="surface",
            size="2",
            width="100%",
            id="customer-assets-table",
        ),
        label="Assets of this customer",
        max_height="28rem",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )
    return _card(
        "Assets",
        "customer-assets",
        rx.cond(
            A.asset_rows.length() > 0,
            table,
            rx.text("No assets yet.", size="2", color_scheme="gray", id="customer-no-assets"),
        ),
        asset_dialog(),
        action=_add_button("Add asset", A.open_add_asset, "asset-add"),
    )
