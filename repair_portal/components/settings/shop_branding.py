"""The shop's branding: accent colour with a live preview and contrast check, and the logo upload."""

from __future__ import annotations

import reflex as rx

from ...state.staff_shop_settings import StaffShopSettingsState
from .form import SettingsForm, section
from .logo_upload import logo_uploader

S = StaffShopSettingsState
F = SettingsForm(StaffShopSettingsState)
LOGO_UPLOAD = "shop-logo-upload"


def _preview() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                S.logo_url != "",
                rx.box(
                    rx.image(src=S.logo_url, alt="Logo", height="1.75rem", object_fit="contain", id="shop-logo-img"),
                    background="white",
                    border_radius="6px",
                    padding="0.2rem 0.4rem",
                ),
                rx.center(rx.icon("wrench", size=16, color="white"), width="1.75rem", height="1.75rem"),
            ),
            rx.text(
                rx.cond(S.values.get("name", "") != "", S.values.get("name", ""), "Your shop"),
                size="3",
                weight="bold",
                color=S.accent_ink,
            ),
            align="center",
            spacing="2",
            background=S.accent_preview,
            padding="0.75rem 1rem",
        ),
        rx.vstack(
            rx.cond(
                S.values.get("welcome_message", "") != "",
                rx.text(S.values.get("welcome_message", ""), size="1", color_scheme="gray", white_space="pre-wrap"),
            ),
            rx.box(height="0.4rem", width="60%", border_radius="999px", background=S.accent_preview),
            rx.button(  # a picture of the portal's button, not a control
                "Approve quote",
                size="1",
                style={"background": S.accent_preview, "color": S.accent_ink},
                tab_index=-1,
                aria_hidden="true",
            ),
            spacing="2",
            padding="0.75rem 1rem",
            background="var(--gray-2)",
        ),
        border="1px solid var(--gray-5)",
        border_radius="10px",
        overflow="hidden",
        width="100%",
        id="shop-preview",
    )


def _logo_controls() -> rx.Component:
    remove = rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=14), "Remove logo", variant="ghost", color_scheme="red", id="shop-logo-remove"
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove the logo?"),
            rx.alert_dialog.description(
                "The portal, emails and documents show the shop name only. Locations with their own logo keep it."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove", color_scheme="red", on_click=S.handle_remove_logo, id="shop-logo-remove-confirm"
                    )
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )
    return rx.vstack(
        rx.text("Logo", size="2", weight="medium"),
        *logo_uploader(
            LOGO_UPLOAD,
            S.handle_logo_upload,
            S.logo_error,
            "shop",
            rx.vstack(
                rx.icon("image-up", size=20, color="var(--gray-10)"),
                rx.text("Drop a PNG, JPEG or WebP here, or click to choose", size="2", color_scheme="gray"),
                rx.text("Up to 5 MB. We fit it into 600 × 200 pixels.", size="1", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            extra=rx.cond(S.has_logo, remove),
        ),
        spacing="2",
        width="100%",
    )


def branding_card() -> rx.Component:
    colour = rx.hstack(
        rx.input(
            type="color",
            value=S.accent_preview,
            on_change=lambda value: S.set_value("accent_color", value),
            id="shop-accent-picker",
            aria_label="Pick the accent colour",
            width="3rem",
            padding="2px",
        ),
        F.text_input("accent_color", "shop-accent", placeholder="#0f766e", font_family="var(--code-font-family)"),
        spacing="2",
        width="100%",
    )
    return section(
        "Branding",
        "The colour and logo on the portal, emails and printed documents.",
        rx.flex(
            rx.vstack(
                F.field("Accent colour", colour, "accent_color", "shop-accent"),
                rx.cond(
                    S.accent_warning != "",
                    rx.text(S.accent_warning, size="2", color="var(--amber-11)", id="shop-accent-warning"),
                ),
                _logo_controls(),
                spacing="3",
                flex="1",
                min_width="0",
                width="100%",
            ),
            rx.vstack(
                rx.text("Preview", size="1", color_scheme="gray", weight="medium"),
                _preview(),
                spacing="1",
                width=rx.breakpoints(initial="100%", md="18rem"),
                flex_shrink="0",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1rem",
            width="100%",
        ),
    )
