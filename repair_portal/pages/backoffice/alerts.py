"""/staff/alerts: what customers did (approved, declined, signed, paid, wrote), newest first."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import empty_state, field_label, icon_of
from ...components.unmatched_texts import unmatched_texts_section
from ...services.alerts import ALERT_ICONS, AlertView
from ...state.staff_alerts import ALL, StaffAlertsState
from ...state.staff_order_rows import ChoiceOption

S = StaffAlertsState


def _alert(item: AlertView) -> rx.Component:
    return rx.hstack(
        rx.center(
            icon_of(item.icon, ALERT_ICONS, size=18),
            width="2.25rem",
            height="2.25rem",
            border_radius="999px",
            background=f"var(--{item.color}-3)",
            color=f"var(--{item.color}-11)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(item.customer, weight="bold", size="2"),
                rx.text(item.label, size="2"),
                rx.cond(item.unread, rx.badge("New", color_scheme="red", variant="solid", size="1")),
                rx.cond(
                    item.handled, rx.badge("Handled", color_scheme="gray", variant="soft", size="1", high_contrast=True)
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(item.summary, size="2", color_scheme="gray", white_space="pre-wrap"),
            rx.hstack(
                rx.link(
                    "Order " + item.reference,
                    href=routes.staff_order(item.order_id),
                    size="2",
                    weight="medium",
                    class_name="alert-order-link",
                ),
                rx.text(item.at, " · ", item.location, size="1", color_scheme="gray"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            item.unread,
            rx.button(
                "Mark read",
                size="2",
                variant="soft",
                color_scheme="gray",
                on_click=S.mark_read(item.id),
                aria_label="Mark read: " + item.customer + ", " + item.label,
                min_height="44px",
            ),
        ),
        padding="0.9rem 1rem",
        width="100%",
        align="start",
        spacing="3",
        background=rx.cond(item.unread, "var(--amber-2)", "var(--color-panel-solid)"),
        border_bottom="1px solid var(--gray-4)",
        class_name="alert-item",
        data_unread=item.unread.to(str),
    )


def _location(choice: ChoiceOption) -> rx.Component:
    return rx.select.item(choice.name, value=choice.id)


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.vstack(
            field_label("Location", "alert-location"),
            rx.select.root(
                rx.select.trigger(id="alert-location", width="14rem"),
                rx.select.content(
                    rx.select.item("All locations", value=ALL), rx.foreach(S.location_options, _location)
                ),
                value=S.location_filter,
                on_change=S.set_location_filter,
            ),
            spacing="1",
        ),
        rx.checkbox("Unread only", checked=S.unread_only, on_change=S.set_unread_only, id="alert-unread-only"),
        rx.spacer(),
        rx.button(
            rx.icon("check-check", size=16),
            "Mark all read",
            variant="soft",
            on_click=S.mark_all_read,
            id="alert-read-all",
        ),
        gap="1rem",
        align="end",
        wrap="wrap",
        width="100%",
    )


@staff_page(routes.STAFF_ALERTS, "Alerts", on_load=[S.load_alerts])
def alerts_page() -> rx.Component:
    body = rx.vstack(
        unmatched_texts_section(),
        _toolbar(),
        rx.cond(
            S.items.length() > 0,
            rx.box(
                rx.foreach(S.items, _alert),
                width="100%",
                border="1px solid var(--gray-5)",
                border_radius="10px",
                overflow="hidden",
                id="alert-list",
            ),
            empty_state(
                "bell-off",
                "Nothing here",
                "Approvals, declines, signatures, payments and messages from customers appear here.",
                id="alerts-empty",
            ),
        ),
        spacing="4",
        width="100%",
    )
    return staff_layout(routes.STAFF_ALERTS, "Alerts", "What customers did, newest first.", body)
