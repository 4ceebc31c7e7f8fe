"""The location editor (a dialog): contact details, opening hours, branding, portal access, deposit, logo."""

from __future__ import annotations

import reflex as rx

from ...services.hours import DAY_NAMES, DAYS
from ...services.permissions import Action
from ...services.shop_settings import ACCESS_MODES
from ...state.staff_locations import INHERIT_CHOICE, StaffLocationsState
from ..staff_shell import for_roles_allowed
from .form import SettingsForm
from .location_deposit import deposit_fields
from .logo_upload import logo_uploader

S = StaffLocationsState
F = SettingsForm(StaffLocationsState)
LOGO_UPLOAD = "loc-logo-upload"


def _section_title(text: str) -> rx.Component:
    return rx.text(text, size="2", weight="bold", color_scheme="gray", padding_top="0.5rem")


def _contact_fields() -> rx.Component:
    return rx.vstack(
        _section_title("Contact"),
        F.field("Name", F.text_input("name", "loc-name", placeholder="High Street"), "name", "loc-name"),
        rx.grid(
            F.field(
                "Phone",
                F.text_input("phone", "loc-phone", type="tel", placeholder="020 7946 0123"),
                "phone",
                "loc-phone",
            ),
            F.field(
                "Email",
                F.text_input("email", "loc-email", type="email", placeholder="shop@example.com"),
                "email",
                "loc-email",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem 1rem",
            width="100%",
        ),
        F.field(
            "Address",
            rx.text_area(
                value=S.values.get("address", ""),
                on_change=lambda value: S.set_value("address", value),
                id="loc-address",
                rows="2",
                width="100%",
            ),
            "address",
            "loc-address",
        ),
        spacing="3",
        width="100%",
    )


def _hours_row(day: str) -> rx.Component:
    closed = S.hours_closed[day]  # not .get(day, True): JS truthiness would turn False into True
    base = f"loc-hours-{day}"
    return rx.vstack(
        rx.hstack(
            rx.text(DAY_NAMES[day], size="2", width="6.5rem", flex_shrink="0"),
            rx.el.label(
                rx.hstack(
                    rx.switch(
                        checked=closed,
                        on_change=lambda value: S.set_closed(day, value),
                        id=f"{base}-closed",
                        aria_label=f"Closed on {DAY_NAMES[day]}",
                        size="1",
                    ),
                    rx.text("Closed", size="1", color_scheme="gray"),
                    spacing="1",
                    align="center",
                ),
                width="5.5rem",
                flex_shrink="0",
                style={"cursor": "pointer"},
            ),
            rx.input(
                type="time",
                value=S.hours_open.get(day, ""),
                on_change=lambda value: S.set_time(day, "open", value),
                disabled=closed,
                id=f"{base}-open",
                aria_label=f"{DAY_NAMES[day]} opens",
                size="1",
                width="7rem",
            ),
            rx.text("to", size="1", color_scheme="gray"),
            rx.input(
                type="time",
                value=S.hours_close.get(day, ""),
                on_change=lambda value: S.set_time(day, "close", value),
                disabled=closed,
                id=f"{base}-close",
                aria_label=f"{DAY_NAMES[day]} closes",
                size="1",
                width="7rem",
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        F.error(f"hours_{day}", base),
        spacing="1",
        width="100%",
        class_name="hours-row",
    )


def _timezone_field() -> rx.Component:
    """Quiet hours for texts are kept in this zone (services/sms.py); "the shop's" sends INHERIT_CHOICE."""
    select = rx.select.root(
        rx.select.trigger(width="100%", id="loc-timezone", style={"min_height": "44px"}),
        rx.select.content(
            rx.select.item("Use the shop's (", S.shop_timezone, ")", value=INHERIT_CHOICE),
            rx.foreach(S.timezone_choices, lambda zone: rx.select.item(zone, value=zone)),
        ),
        value=S.values.get("timezone", INHERIT_CHOICE),
        on_change=lambda value: S.set_value("timezone", value),
    )
    return F.field("Time zone (for quiet hours)", select, "timezone", "loc-timezone")


def _hours_fields() -> rx.Component:
    return rx.vstack(
        _section_title("Opening hours"),
        rx.text("Shown on the customer's page and in emails.", size="1", color_scheme="gray"),
        *[_hours_row(day) for day in DAYS],
        _timezone_field(),
        spacing="2",
        width="100%",
    )


def _branding_fields() -> rx.Component:
    colour = rx.hstack(
        rx.el.label(
            rx.hstack(
                rx.switch(checked=S.own_accent, on_change=S.set_own_accent, id="loc-own-accent", size="1"),
                rx.text("Own colour", size="2"),
                spacing="2",
                align="center",
            ),
            style={"cursor": "pointer"},
        ),
        rx.cond(
            S.own_accent,
            rx.hstack(
                rx.input(
                    type="color",
                    value=S.accent_preview,
                    on_change=lambda value: S.set_value("accent_color", value),
                    id="loc-accent-picker",
                    aria_label="Pick the location's accent colour",
                    width="3rem",
                    padding="2px",
                ),
                F.text_input("accent_color", "loc-accent", font_family="var(--code-font-family)"),
                spacing="2",
                align="center",
            ),
            rx.hstack(
                rx.box(width="1rem", height="1rem", border_radius="4px", background=S.shop_accent),
                rx.text("Uses the shop's colour", size="2", color_scheme="gray"),
                spacing="2",
                align="center",
            ),
        ),
        spacing="4",
        align="center",
        wrap="wrap",
    )
    access = rx.select.root(
        rx.select.trigger(width="100%", id="loc-access"),
        rx.select.content(
            rx.select.item("Same as the shop (", S.shop_access_label, ")", value=INHERIT_CHOICE),
            *[rx.select.item(label, value=mode) for mode, label in ACCESS_MODES.items()],
        ),
        value=S.values.get("access_mode", INHERIT_CHOICE),
        on_change=lambda value: S.set_value("access_mode", value),
    )
    return rx.vstack(
        _section_title("Branding and portal"),
        rx.text("Anything you leave as the shop's follows Settings → Shop.", size="1", color_scheme="gray"),
        F.field("Accent colour", colour, "accent_color", "loc-accent"),
        rx.cond(
            S.accent_warning != "",
            rx.text(S.accent_warning, size="2", color="var(--amber-11)", id="loc-accent-warning"),
        ),
        F.field(
            "Welcome message",
            rx.text_area(
                value=S.values.get("welcome_message", ""),
                on_change=lambda value: S.set_value("welcome_message", value),
                id="loc-welcome",
                rows="2",
                placeholder="Leave empty to use the shop's message",
                width="100%",
            ),
            "welcome_message",
            "loc-welcome",
        ),
        F.field("Who can see an order", access, "access_mode", "loc-access"),
        spacing="3",
        width="100%",
    )


def _logo_fields() -> rx.Component:
    remove = rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=14), "Remove logo", variant="ghost", color_scheme="red", id="loc-logo-remove"
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove this location's logo?"),
            rx.alert_dialog.description("Its customers then see the shop's logo."),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Remove", color_scheme="red", on_click=S.handle_remove_logo, id="loc-logo-remove-confirm")
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )
    return rx.cond(
        S.editing_id > 0,
        rx.vstack(
            _section_title("Logo"),
            rx.hstack(
                rx.box(
                    rx.cond(
                        S.edit_logo_url != "",
                        rx.image(src=S.edit_logo_url, alt="Logo", height="1.75rem", object_fit="contain"),
                        rx.icon("wrench", size=16, color="white"),
                    ),
                    background=S.accent_preview,
                    padding="0.5rem 0.75rem",
                    border_radius="8px",
                    id="loc-logo-preview",
                ),
                rx.text(
                    rx.cond(
                        S.edit_has_logo,
                        "This location's own logo.",
                        rx.cond(S.shop_has_logo, "Uses the shop's logo.", "No logo: the portal shows the name."),
                    ),
                    size="1",
                    color_scheme="gray",
                ),
                rx.spacer(),
                rx.cond(S.edit_has_logo, remove),
                align="center",
                width="100%",
            ),
            *logo_uploader(
                LOGO_UPLOAD,
                S.handle_logo_upload,
                S.logo_error,
                "loc",
                rx.text("Drop a PNG, JPEG or WebP (up to 5 MB), or click to choose", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        rx.text("You can add a logo for this location after saving it.", size="1", color_scheme="gray"),
    )


def location_editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title(rx.cond(S.editing_id > 0, "Edit location", "Add location")),
                _contact_fields(),
                _hours_fields(),
                _branding_fields(),
                for_roles_allowed(Action.MANAGE_PAYMENTS, deposit_fields()),
                _logo_fields(),
                *F.status("loc"),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", id="loc-cancel")),
                    rx.button(rx.icon("check", size=14), "Save", on_click=S.handle_save, id="loc-save"),
                    justify="end",
                    spacing="2",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="44rem",
            max_height="90vh",
            overflow_y="auto",
            id="loc-editor",
        ),
        open=S.editing,
        on_open_change=S.set_editor_open,
    )
