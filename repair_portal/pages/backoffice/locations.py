"""/staff/settings/locations: the shop's locations, each with contact details, hours and branding overrides."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.location_editor import location_editor
from ...components.staff_shell import staff_layout, staff_page
from ...state.staff_locations import LocationCard, StaffLocationsState

S = StaffLocationsState
ROUTE = routes.STAFF_SETTINGS_LOCATIONS


# --- the list ------------------------------------------------------------------------------------


def _contact_line(icon: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.icon(icon, size=14, color="var(--gray-10)"), rx.text(value, size="2"), spacing="2", align="center"
        ),
    )


def _deactivate(row: LocationCard) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Deactivate",
                variant="ghost",
                color_scheme="red",
                size="1",
                aria_label="Deactivate " + row.name,
                id="loc-deactivate-" + row.id.to_string(),
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Deactivate ", row.name, "?"),
            rx.alert_dialog.description(
                rx.cond(
                    row.open_orders > 0,
                    rx.text(
                        row.name,
                        " has ",
                        row.open_orders,
                        rx.cond(row.open_orders == 1, " open order", " open orders"),
                        ". They stay there until they are finished, but no new orders can be booked into it.",
                    ),
                    rx.text(row.name, " has no open orders. No new orders can be booked into it."),
                ),
                " You can reactivate it at any time.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Deactivate",
                        color_scheme="red",
                        on_click=S.handle_deactivate(row.id),
                        id="loc-deactivate-confirm-" + row.id.to_string(),
                    )
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )


def _card(row: LocationCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.box(
                    width="0.9rem",
                    height="0.9rem",
                    border_radius="999px",
                    background=row.accent_color,
                    flex_shrink="0",
                    title=rx.cond(row.own_accent, "Own accent colour", "The shop's accent colour"),
                ),
                rx.text(row.name, size="3", weight="bold", class_name="location-name"),
                rx.cond(~row.active, rx.badge("Inactive", color_scheme="gray", variant="soft", high_contrast=True)),
                rx.spacer(),
                rx.cond(
                    row.logo_url != "",
                    rx.image(src=row.logo_url, alt="", height="1.5rem", max_width="6rem", object_fit="contain"),
                ),
                align="center",
                width="100%",
            ),
            _contact_line("phone", row.phone),
            _contact_line("mail", row.email),
            _contact_line("map-pin", row.address),
            rx.text(
                rx.cond(row.hours != "", row.hours, "No opening hours set"),
                size="1",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.badge(
                    row.open_orders,
                    rx.cond(row.open_orders == 1, " open order", " open orders"),
                    variant="soft",
                    color_scheme=rx.cond(row.open_orders > 0, "teal", "gray"),
                    high_contrast=True,
                ),
                rx.spacer(),
                rx.cond(
                    row.active,
                    _deactivate(row),
                    rx.button(
                        "Reactivate",
                        variant="ghost",
                        size="1",
                        on_click=S.handle_reactivate(row.id),
                        aria_label="Reactivate " + row.name,
                        id="loc-reactivate-" + row.id.to_string(),
                    ),
                ),
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit",
                    variant="soft",
                    size="1",
                    on_click=S.open_edit(row.id),
                    aria_label="Edit " + row.name,
                    id="loc-edit-" + row.id.to_string(),
                ),
                align="center",
                width="100%",
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        opacity=rx.cond(row.active, "1", "0.7"),
        id="loc-card-" + row.id.to_string(),
        class_name="location-card",
    )


@staff_page(ROUTE, "Locations", on_load=[StaffLocationsState.load_locations])
def locations_page() -> rx.Component:
    body = rx.vstack(
        rx.cond(
            S.rows.length() > 0,
            rx.grid(
                rx.foreach(S.rows, _card),
                columns=rx.breakpoints(initial="1", md="2", xl="3"),
                gap="1rem",
                width="100%",
                id="loc-list",
            ),
            rx.text("No locations yet. Add the place where customers drop off their devices.", size="2"),
        ),
        location_editor(),
        spacing="4",
        width="100%",
    )
    add = rx.button(rx.icon("plus", size=14), "Add location", on_click=S.open_new, id="loc-add")
    return staff_layout(
        ROUTE,
        "Locations",
        "Where customers drop off and collect. Each location can have its own colour, logo and welcome message.",
        body,
        actions=add,
    )
