"""Bulk invitations on the customer list: the tick boxes, the selection bar, the dialog and the result."""

from __future__ import annotations

import reflex as rx

from ...services.permissions import Action
from ...state.staff_bulk_invite import BulkGroupOption, StaffBulkInviteState
from ...state.staff_customers import CustomerRowView
from ..staff_shell import for_roles_allowed
from ..ui import STICKY_HEAD, dialog_form, form_field

B = StaffBulkInviteState


def _allowed(component: rx.Component) -> rx.Component:
    return for_roles_allowed(Action.EDIT_CUSTOMERS, component)


def select_header() -> rx.Component:
    box = rx.checkbox(
        checked=B.page_all_selected,
        on_change=B.toggle_page,
        aria_label="Select every customer on this page",
        id="customers-select-page",
    )
    return _allowed(rx.table.column_header_cell(box, width="2.5rem", style=STICKY_HEAD))


def select_cell(row: CustomerRowView) -> rx.Component:
    box = rx.checkbox(
        checked=B.all_matching | B.selected_ids.contains(row.id),
        on_change=lambda value: B.toggle_customer(row.id, value),
        aria_label="Select " + row.name,
        id="customer-select-" + row.id.to(str),
        class_name="customer-select",
    )
    # A click on the box doesn't open the customer (the row's own click does).
    return _allowed(rx.table.cell(box, on_click=rx.stop_propagation, width="2.5rem"))


def selection_bar() -> rx.Component:
    more = rx.cond(
        ~B.all_matching & B.page_all_selected & (B.customers_total > B.customer_rows.length()),
        rx.button(
            "Select all ",
            B.customers_total.to(str),
            rx.cond(B.customer_search != "", " matching this search", " customers"),
            variant="ghost",
            size="1",
            on_click=B.select_all_matching,
            id="customers-select-all",
        ),
    )
    bar = rx.hstack(
        rx.icon("square-check", size=16, color="var(--teal-11)"),
        rx.text(
            rx.cond(B.all_matching, "All ", ""),
            B.selected_count.to(str),
            " selected",
            rx.cond(B.all_matching & (B.customer_search != ""), " matching “" + B.customer_search + "”", ""),
            size="2",
            weight="medium",
            id="customers-selected-count",
        ),
        more,
        rx.button("Clear", variant="ghost", size="1", color_scheme="gray", on_click=B.clear_selection),
        rx.spacer(),
        rx.button(rx.icon("send", size=14), "Invite to portal…", size="2", on_click=B.open_bulk_invite, id="bulk-open"),
        width="100%",
        align="center",
        spacing="3",
        wrap="wrap",
        padding="0.5rem 0.75rem",
        background="var(--teal-3)",
        border_radius="8px",
        id="customers-selection",
    )
    return _allowed(rx.cond(B.selected_count > 0, bar))


def bulk_result() -> rx.Component:
    return rx.cond(
        B.bulk_result != "",
        rx.callout.root(
            rx.callout.icon(rx.cond(B.bulk_result_ok, rx.icon("circle-check"), rx.icon("triangle-alert"))),
            rx.hstack(
                rx.callout.text(B.bulk_result, id="bulk-result-text"),
                rx.spacer(),
                rx.button("Dismiss", size="1", variant="ghost", on_click=B.dismiss_bulk_result),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            color_scheme=rx.cond(B.bulk_result_ok, "green", "amber"),
            width="100%",
            id="bulk-result",
            role="status",
        ),
    )


def _group_option(option: BulkGroupOption) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def bulk_dialog() -> rx.Component:
    group = rx.select.root(
        rx.select.trigger(id="bulk-group", width="100%"),
        rx.select.content(rx.foreach(B.bulk_groups, _group_option)),
        value=B.bulk_group,
        on_change=B.set_bulk_group,
    )
    return dialog_form(
        rx.text(
            "Each selected customer with an email address and no portal access yet gets a portal user "
            "(their name and email) and an email with a link to choose a password (valid 72 hours). "
            "The others are skipped; you'll see how many and why.",
            size="2",
        ),
        form_field("Permission group", group, "bulk-group", "", "What the new portal users may see and do."),
        rx.checkbox(
            "Require two-step sign-in (authenticator app or passkey)",
            checked=B.bulk_mfa,
            on_change=B.set_bulk_mfa,
            id="bulk-mfa",
        ),
        title=rx.cond(
            B.all_matching,
            "Invite all " + B.selected_count.to(str) + " customers",
            "Invite " + B.selected_count.to(str) + " selected customer" + rx.cond(B.selected_count == 1, "", "s"),
        ),
        description="They sign in at /portal to follow their repairs online.",
        error=B.bulk_error,
        on_submit=B.handle_bulk_invite,
        submit=rx.button("Send invitations", type="submit", id="bulk-send"),
        ids=("bulk-form", "bulk-error", "bulk-cancel"),
        open=B.bulk_open,
        on_open_change=B.set_bulk_open,
        max_width="30rem",
    )
