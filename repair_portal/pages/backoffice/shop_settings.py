"""/staff/settings/shop: the shop's name, money, portal access and visibility, branding and terms."""

from __future__ import annotations

import reflex as rx

from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import field_error, form_field
from ...services import shop_settings
from ...services.branding import MAX_LOGO_BYTES
from ...state.staff_shop_settings import StaffShopSettingsState

S = StaffShopSettingsState
ROUTE = "/staff/settings/shop"
LOGO_UPLOAD = "shop-logo-upload"
LOGO_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}

TOGGLE_TEXT = [
    ("show_timeline_explanations", "shop-show-explanations", "Stage explanations", "The “what this means” text."),
    ("show_quote", "shop-show-quote", "Quotes", "The Quote tab: read, approve or decline."),
    ("show_photos", "shop-show-photos", "Photos", "Photos you mark as visible to the customer."),
    ("show_documents", "shop-show-documents", "Documents", "PDFs you mark as visible to the customer."),
    ("show_payments", "shop-show-payments", "Payments", "Total, payments received and the balance."),
    ("show_messages", "shop-show-messages", "Messages", "The message thread and the feedback form."),
]
ACCESS_HELP = {
    "link_last_name": "The link opens the page after the customer types the last name on the order (once per device).",
    "link": "Anyone with the link sees the order. Simplest, but a forwarded email shows everything.",
}


def _error(name: str, element_id: str) -> rx.Component:
    return field_error(S.errors.get(name, ""), element_id)


def _field(label: str, control: rx.Component, name: str, element_id: str, hint: str = "") -> rx.Component:
    return form_field(label, control, element_id, S.errors.get(name, ""), hint)


def _input(name: str, element_id: str, **props) -> rx.Component:
    return rx.input(
        value=S.values.get(name, ""),
        on_change=lambda value: S.set_value(name, value),
        id=element_id,
        width="100%",
        **props,
    )


def _text_area(name: str, element_id: str, rows: str, max_length: int, **props) -> rx.Component:
    return rx.text_area(
        value=S.values.get(name, ""),
        on_change=lambda value: S.set_value(name, value),
        id=element_id,
        rows=rows,
        max_length=max_length,
        width="100%",
        **props,
    )


def _section(title: str, subtitle: str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.text(title, size="3", weight="bold"),
                rx.text(subtitle, size="1", color_scheme="gray"),
                spacing="0",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        **props,
    )


def _shop_card() -> rx.Component:
    currency = rx.select.root(
        rx.select.trigger(width="100%", id="shop-currency"),
        rx.select.content(
            *[rx.select.item(label, value=code) for code, label in shop_settings.CURRENCIES.items()],
        ),
        value=S.values.get("currency", "GBP"),
        on_change=lambda value: S.set_value("currency", value),
    )
    timezone = rx.fragment(
        _input("timezone", "shop-timezone", list="shop-timezones", auto_complete="off", placeholder="Europe/London"),
        rx.el.datalist(*[rx.el.option(value=zone) for zone in shop_settings.timezones()], id="shop-timezones"),
    )
    return _section(
        "Shop",
        "Your name, money and clock, as customers see them on the portal, quotes and receipts.",
        _field("Shop name", _input("name", "shop-name", max_length=200), "name", "shop-name"),
        rx.grid(
            _field("Currency", currency, "currency", "shop-currency", "Used for new quotes."),
            _field(
                "Tax name",
                _input("tax_label", "shop-tax-label", max_length=40, placeholder="VAT"),
                "tax_label",
                "shop-tax-label",
                "Printed next to the tax on quotes.",
            ),
            _field(
                "Tax rate",
                rx.input(
                    rx.input.slot("%", side="right"),
                    value=S.values.get("tax_rate", ""),
                    on_change=lambda value: S.set_value("tax_rate", value),
                    id="shop-tax-rate",
                    input_mode="decimal",
                    width="100%",
                ),
                "tax_rate",
                "shop-tax-rate",
                "For example 20 or 17.5. Applies to new quotes; sent quotes keep theirs.",
            ),
            _field("Time zone", timezone, "timezone", "shop-timezone", "Dates and times on the portal use it."),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem 1rem",
            width="100%",
        ),
    )


def _access_option(mode: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=mode, id=f"shop-access-{mode.replace('_', '-')}"),
            rx.vstack(
                rx.text(label, size="2", weight="medium"),
                rx.text(ACCESS_HELP.get(mode, ""), size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="2",
            align="start",
        ),
        style={"cursor": "pointer"},
    )


def _toggle(name: str, element_id: str, label: str, help_text: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.switch(
                checked=S.toggles[name],  # .get(name, True) would turn a False into True (JS truthiness)
                on_change=lambda value: S.set_toggle(name, value),
                id=element_id,
                size="2",
            ),
            rx.vstack(
                rx.text(label, size="2", weight="medium"),
                rx.text(help_text, size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="start",
        ),
        style={"cursor": "pointer"},
        width="100%",
    )


def _portal_card() -> rx.Component:
    access = rx.radio_group.root(
        rx.vstack(
            *[_access_option(mode, label) for mode, label in shop_settings.ACCESS_MODES.items()],
            spacing="2",
        ),
        value=S.values.get("access_mode", ""),
        on_change=lambda value: S.set_value("access_mode", value),
        id="shop-access-mode",
    )
    return _section(
        "Customer portal",
        "Who can open a tracking link, how long it works, and what the page shows.",
        _field("Who can see an order", access, "access_mode", "shop-access-mode", "A location can override this."),
        _field(
            "Links stop working",
            rx.hstack(
                rx.input(
                    value=S.values.get("link_expiry_days", ""),
                    on_change=lambda value: S.set_value("link_expiry_days", value),
                    id="shop-link-expiry",
                    input_mode="numeric",
                    width="6rem",
                ),
                rx.text("days after the order is collected", size="2", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            "link_expiry_days",
            "shop-link-expiry",
        ),
        _field(
            "Welcome message",
            _text_area("welcome_message", "shop-welcome", "3", 2000, placeholder="Thanks for choosing us…"),
            "welcome_message",
            "shop-welcome",
            "Shown at the top of every tracking page. A location can have its own.",
        ),
        rx.vstack(
            rx.text("Show customers", size="2", weight="medium"),
            rx.grid(
                *[_toggle(*row) for row in TOGGLE_TEXT],
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem 1.5rem",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
    )


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
                color="white",
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
            rx.button("Approve quote", size="1", style={"background": S.accent_preview}, tab_index=-1),
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
        rx.upload(
            rx.vstack(
                rx.icon("image-up", size=20, color="var(--gray-10)"),
                rx.text("Drop a PNG, JPEG or WebP here, or click to choose", size="2", color_scheme="gray"),
                rx.text("Up to 5 MB. We fit it into 600 × 200 pixels.", size="1", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            id=LOGO_UPLOAD,
            max_files=1,
            max_size=MAX_LOGO_BYTES,
            accept=LOGO_TYPES,
            border="1px dashed var(--gray-7)",
            border_radius="10px",
            padding="1rem",
            width="100%",
        ),
        rx.hstack(
            rx.foreach(rx.selected_files(LOGO_UPLOAD), lambda name: rx.badge(name, variant="soft")),
            rx.spacer(),
            rx.cond(S.has_logo, remove),
            rx.button(
                rx.icon("upload", size=14),
                "Upload logo",
                size="2",
                id="shop-logo-submit",
                on_click=[
                    S.handle_logo_upload(rx.upload_files(upload_id=LOGO_UPLOAD)),
                    rx.clear_selected_files(LOGO_UPLOAD),
                ],
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            S.logo_error != "",
            rx.callout(S.logo_error, icon="circle-alert", color_scheme="red", size="1", id="shop-logo-error"),
        ),
        spacing="2",
        width="100%",
    )


def _branding_card() -> rx.Component:
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
        _input(
            "accent_color", "shop-accent", max_length=7, placeholder="#0f766e", font_family="var(--code-font-family)"
        ),
        spacing="2",
        width="100%",
    )
    return _section(
        "Branding",
        "The colour and logo on the portal, emails and printed documents.",
        rx.flex(
            rx.vstack(
                _field("Accent colour", colour, "accent_color", "shop-accent"),
                rx.cond(
                    S.accent_hard_to_read,
                    rx.text(
                        "White text is hard to read on this colour; a darker shade works better.",
                        size="1",
                        color_scheme="amber",
                        id="shop-accent-warning",
                    ),
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


def _terms_card() -> rx.Component:
    return _section(
        "Terms and conditions",
        "Shown with quotes on the portal and printed on tickets and quotes.",
        _field(
            "Terms",
            _text_area("terms_text", "shop-terms", "8", 20000),
            "terms_text",
            "shop-terms",
        ),
    )


def _save_bar() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.cond(
                S.conflict != "",
                rx.callout(S.conflict, icon="triangle-alert", color_scheme="amber", size="1", id="shop-conflict"),
            ),
            rx.cond(
                S.errors.length() > 0,
                rx.callout(
                    "Some fields need attention; see the messages above.",
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    id="shop-errors",
                ),
            ),
            rx.hstack(
                rx.cond(S.dirty, rx.text("Unsaved changes", size="2", color_scheme="gray", id="shop-dirty")),
                rx.spacer(),
                rx.button(
                    "Discard changes", variant="soft", color_scheme="gray", on_click=S.handle_discard, id="shop-discard"
                ),
                rx.button(rx.icon("check", size=14), "Save", on_click=S.handle_save, id="shop-save"),
                align="center",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        position="sticky",
        bottom="0",
        padding="0.75rem 1rem",
        background="var(--color-panel-solid)",
        border="1px solid var(--gray-5)",
        border_radius="10px",
        box_shadow="0 -4px 12px rgba(0,0,0,0.06)",
        width="100%",
        z_index="5",
    )


@staff_page(ROUTE, "Shop settings", on_load=[StaffShopSettingsState.load_shop_settings])
def shop_settings_page() -> rx.Component:
    body = rx.vstack(
        _shop_card(),
        _portal_card(),
        _branding_card(),
        _terms_card(),
        _save_bar(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )
    return staff_layout(ROUTE, "Shop", "Settings for the whole shop. Locations can override some of them.", body)
