"""/staff/customers/[customer_id]: one customer's contact details (editable), portal access, devices and
orders."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.customer.billing import invoices_card, store_credit_card
from ...components.customer.portal_access import portal_access_card
from ...components.customer.sites_assets import assets_card, sites_card
from ...components.customer.texts import texts_card
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import STICKY_HEAD, conflict_notice, dash, field_label, scroll_region
from ...state.staff_customer_assets import StaffCustomerAssetsState
from ...state.staff_customer_billing import StaffCustomerBillingState
from ...state.staff_customers import CustomerOrderView, DeviceView, StaffCustomerState
from ...state.staff_portal_users import StaffPortalUsersState

S = StaffCustomerState
ACTIVE = routes.STAFF_CUSTOMERS


def _card(title: str, *children, action: rx.Component | None = None, **props) -> rx.Component:
    heading = rx.text(title, size="2", weight="bold", color_scheme="gray")
    if action is not None:
        heading = rx.hstack(heading, rx.spacer(), action, width="100%", align="center")
    return rx.card(rx.vstack(heading, *children, spacing="3", width="100%"), size="2", width="100%", **props)


def _fact(label: str, value, **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", **props),
        spacing="0",
        min_width="11rem",
    )


def _on_off(value) -> rx.Component:
    return rx.cond(
        value,
        rx.badge("On", color_scheme="green", variant="soft", radius="full", high_contrast=True),
        rx.badge("Off", color_scheme="gray", variant="soft", radius="full", high_contrast=True),
    )


def _consent_fact(label: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.box(_on_off(value), id=element_id),
        spacing="1",
        min_width="11rem",
    )


def _contact_view() -> rx.Component:
    return rx.flex(
        _fact("First name", dash(S.first_name), id="customer-view-first-name"),
        _fact("Last name", S.last_name, id="customer-view-last-name"),
        _fact("Company", dash(S.company), id="customer-view-company"),
        _fact("Email", dash(S.email), id="customer-view-email"),
        _fact("Phone", dash(S.phone), id="customer-view-phone"),
        _consent_fact("Email updates", S.email_updates, "customer-view-email-updates"),
        _consent_fact("SMS updates", S.sms_updates, "customer-view-sms-updates"),
        _fact("Customer since", S.customer_since),
        gap="1rem 2rem",
        wrap="wrap",
        width="100%",
    )


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.field_errors.contains(name),
        rx.text(S.field_errors[name], size="1", color_scheme="red", id=f"err-{name}", role="alert"),
    )


def _input(label: str, name: str, *, required: bool = False, hint: str = "", **props) -> rx.Component:
    element_id = "customer-" + name.replace("_", "-")
    return rx.vstack(
        field_label(label, element_id, required=required),
        rx.input(
            name=name,
            id=element_id,
            default_value=S.edit_values.get(name, ""),
            size="2",
            width="100%",
            aria_invalid=rx.cond(S.field_errors.contains(name), "true", "false"),
            **props,
        ),
        rx.cond(
            S.field_errors.contains(name),
            _error(name),
            rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray"), rx.fragment()),
        ),
        spacing="1",
        width="100%",
    )


def _switch(label: str, name: str, checked) -> rx.Component:
    element_id = "customer-" + name.replace("_", "-")
    return rx.vstack(
        rx.el.label(
            rx.switch(name=name, id=element_id, default_checked=checked),
            rx.text.span(label, size="2"),
            style={"display": "flex", "gap": "0.5rem", "align_items": "center", "cursor": "pointer"},
        ),
        _error(name),
        spacing="1",
    )


def _row(*children) -> rx.Component:
    return rx.flex(*children, gap="1rem", direction=rx.breakpoints(initial="column", sm="row"), width="100%")


def _conflict() -> rx.Component:
    return conflict_notice(S.conflict_message, element_id="customer-conflict")


def _contact_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _conflict(),
            _row(
                _input("First name", "first_name", auto_complete="off"),
                _input("Last name", "last_name", required=True, auto_complete="off"),
            ),
            _input("Company", "company", auto_complete="off"),
            _row(
                _input("Email", "email", type="email", placeholder="name@example.com"),
                _input("Phone", "phone", type="tel", placeholder="07400 123456"),
            ),
            rx.text("Give at least an email or a phone number.", size="1", color_scheme="gray"),
            rx.flex(
                _switch("Email updates", "email_updates", S.edit_email_updates),
                _switch("SMS updates", "sms_updates", S.edit_sms_updates),
                gap="1.5rem",
                wrap="wrap",
            ),
            rx.hstack(
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.cancel_edit,
                    id="customer-cancel",
                ),
                rx.button(rx.icon("save", size=14), "Save", type="submit", id="customer-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.handle_save,
        key=S.form_key.to(str),
        width="100%",
        id="customer-form",
    )


def _contact_card() -> rx.Component:
    edit_button = rx.cond(
        S.can_edit & ~S.editing,
        rx.button(
            rx.icon("pencil", size=14), "Edit", size="1", variant="soft", on_click=S.open_edit, id="customer-edit"
        ),
    )
    return _card("Contact", rx.cond(S.editing, _contact_form(), _contact_view()), action=edit_button)


def _device(device: DeviceView) -> rx.Component:
    return rx.hstack(
        rx.icon("smartphone", size=16, color="var(--gray-9)"),
        rx.vstack(
            rx.text(device.label, size="2", weight="medium"),
            rx.text(
                device.kind,
                rx.cond(device.serial != "", " · " + device.serial, ""),
                size="1",
                color_scheme="gray",
                font_family="var(--code-font-family)",
            ),
            spacing="0",
        ),
        spacing="2",
        align="center",
        class_name="customer-device",
        width="100%",
    )


def _devices_card() -> rx.Component:
    return _card(
        "Devices",
        rx.cond(
            S.devices.length() > 0,
            rx.vstack(rx.foreach(S.devices, _device), spacing="3", width="100%"),
            rx.text("No devices recorded.", size="2", color_scheme="gray"),
        ),
        id="customer-devices",
    )


def _order_row(row: CustomerOrderView) -> rx.Component:
    href = routes.staff_order(row.id)
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row.reference, href=href, weight="bold", font_family="var(--code-font-family)")
        ),
        rx.table.cell(rx.text(row.device, color_scheme="gray")),
        rx.table.cell(
            rx.badge(row.stage, color_scheme=row.stage_color, variant="soft", radius="full", high_contrast=True)
        ),
        rx.table.cell(rx.text(row.booked_in, white_space="nowrap")),
        rx.table.cell(rx.tooltip(rx.text(row.updated, color_scheme="gray"), content=row.updated_exact)),
        class_name="customer-order-row",
        on_click=rx.redirect(href),
        cursor="pointer",
        _hover={"background": "var(--teal-2)"},
    )


def _orders_card() -> rx.Component:
    headers = ["Reference", "Device", "Stage", "Booked in", "Updated"]
    table = scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(S.customer_orders, _order_row)),
            variant="surface",
            size="2",
            width="100%",
            id="customer-orders-table",
        ),
        label="Orders of this customer",
        max_height="28rem",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )
    return _card(
        "Orders",
        rx.cond(
            S.customer_orders.length() > 0,
            table,
            rx.text("No orders yet.", size="2", color_scheme="gray", id="customer-no-orders"),
        ),
        rx.cond(S.orders_more != "", rx.text(S.orders_more, size="2", color_scheme="gray", id="customer-orders-more")),
    )


def _not_found() -> rx.Component:
    return rx.callout(
        "This customer doesn't exist (or was removed).",
        icon="circle-alert",
        color_scheme="red",
        high_contrast=True,
        id="customer-not-found",
    )


@staff_page(
    routes.STAFF_CUSTOMER,
    "Customer",
    on_load=[
        StaffCustomerState.load_customer,
        StaffPortalUsersState.load_portal_users,
        StaffCustomerBillingState.load_billing,
        StaffCustomerAssetsState.load_customer_assets,
    ],
)
def customer_page() -> rx.Component:
    body = rx.cond(
        S.found,
        rx.flex(
            rx.vstack(
                _contact_card(),
                portal_access_card(),
                rx.cond(StaffCustomerAssetsState.is_business, assets_card()),
                _orders_card(),
                invoices_card(),
                spacing="4",
                flex="2",
                min_width="0",
                width="100%",
            ),
            rx.vstack(
                rx.cond(StaffCustomerAssetsState.is_business, sites_card()),
                _devices_card(),
                texts_card(),
                store_credit_card(),
                spacing="4",
                flex="1",
                min_width="0",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1rem",
            width="100%",
            align="start",
        ),
        _not_found(),
    )
    subtitle = rx.hstack(rx.link("← All customers", href=ACTIVE, size="2"), spacing="2")
    title = rx.cond(S.found, S.display_name, "Customer")
    return staff_layout(ACTIVE, title, subtitle, body)
