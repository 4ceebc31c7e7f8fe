"""/staff/settings/shop: the shop's name, money, portal access and visibility, branding and terms."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.form import SettingsForm, section
from ...components.settings.shop_branding import branding_card
from ...components.staff_shell import staff_layout, staff_page
from ...services import phones, shop_settings
from ...state.staff_shop_settings import StaffShopSettingsState

S = StaffShopSettingsState
F = SettingsForm(StaffShopSettingsState)
ROUTE = routes.STAFF_SETTINGS_SHOP

TOGGLE_TEXT = [
    ("show_timeline_explanations", "shop-show-explanations", "Stage explanations", "The “what this means” text."),
    ("show_quote", "shop-show-quote", "Quotes", "The Quote tab: read, approve or decline."),
    ("show_photos", "shop-show-photos", "Photos", "Photos you mark as visible to the customer."),
    ("show_documents", "shop-show-documents", "Documents", "PDFs you mark as visible to the customer."),
    ("show_payments", "shop-show-payments", "Payments", "Total, payments received and the balance."),
    ("show_messages", "shop-show-messages", "Messages", "The message thread and the feedback form."),
    (
        "sign_collection_remotely",
        "shop-sign-collection-remotely",
        "Collection signature on the portal",
        "Customers may sign for collection from their phone once the device is ready. Off: at the counter.",
    ),
]
ACCESS_HELP = {
    "link_last_name": "The link opens the page after the customer types the last name on the order (once per device).",
    "link": "Anyone with the link sees the order. Simplest, but a forwarded email shows everything.",
}


def _shop_card() -> rx.Component:
    currency = rx.select.root(
        rx.select.trigger(width="100%", id="shop-currency"),
        rx.select.content(
            *[rx.select.item(label, value=code) for code, label in shop_settings.CURRENCIES.items()],
        ),
        value=S.values.get("currency", "GBP"),
        on_change=lambda value: S.set_value("currency", value),
    )
    choices, named = phones.region_choices(), phones.named_region_count()
    country = rx.select.root(
        rx.select.trigger(width="100%", id="shop-country"),
        rx.select.content(
            rx.select.group(*[rx.select.item(label, value=code) for code, label in choices[:named]]),
            rx.select.separator(),
            rx.select.group(
                rx.select.label("Other regions, by ISO code"),
                *[rx.select.item(label, value=code) for code, label in choices[named:]],
            ),
        ),
        value=S.values.get("country", phones.DEFAULT_REGION),
        on_change=lambda value: S.set_value("country", value),
    )
    timezone = rx.fragment(
        F.text_input(
            "timezone", "shop-timezone", list="shop-timezones", auto_complete="off", placeholder="Europe/London"
        ),
        rx.el.datalist(*[rx.el.option(value=zone) for zone in shop_settings.timezones()], id="shop-timezones"),
    )
    return section(
        "Shop",
        "Your name, money and clock, as customers see them on the portal, quotes and receipts.",
        F.field("Shop name", F.text_input("name", "shop-name"), "name", "shop-name"),
        rx.grid(
            F.field("Currency", currency, "currency", "shop-currency", "Used for new quotes."),
            F.field(
                "Tax name",
                F.text_input("tax_label", "shop-tax-label", placeholder="VAT"),
                "tax_label",
                "shop-tax-label",
                "Printed next to the tax on quotes.",
            ),
            F.field(
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
            F.field("Time zone", timezone, "timezone", "shop-timezone", "Dates and times on the portal use it."),
            F.field(
                "Country — used to read and show phone numbers",
                country,
                "country",
                "shop-country",
                "A number typed without + and a country code is read as this country's; "
                "its numbers are shown the way people there write them.",
            ),
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
    return F.toggle(name, element_id, label, help_text)


def _days_field(label: str, name: str, element_id: str, unit: str) -> rx.Component:
    """A number of days, e.g. for reminder emails (sent once, to customers who accept email updates)."""
    control = rx.hstack(
        rx.input(
            value=S.values.get(name, ""),
            on_change=lambda value: S.set_value(name, value),
            id=element_id,
            input_mode="numeric",
            width="6rem",
        ),
        rx.text(unit, size="2", color_scheme="gray"),
        align="center",
        spacing="2",
    )
    return F.field(label, control, name, element_id, "One email per quote or ready device; staff see it under Alerts.")


def _portal_card() -> rx.Component:
    access = rx.radio_group.root(
        rx.vstack(
            *[_access_option(mode, label) for mode, label in shop_settings.ACCESS_MODES.items()],
            spacing="2",
        ),
        value=S.values.get("access_mode", ""),
        on_change=lambda value: S.set_value("access_mode", value),
        id="shop-access-mode",
        aria_label="Who can see an order",
    )
    return section(
        "Customer portal",
        "Who can open a tracking link, how long it works, and what the page shows.",
        F.field("Who can see an order", access, "access_mode", "shop-access-mode", "A location can override this."),
        F.field(
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
        _days_field(
            "Remind about an unanswered quote",
            "quote_reminder_days",
            "shop-quote-reminder",
            "days after sending it (0: never)",
        ),
        _days_field(
            "Remind to collect a ready device",
            "collection_reminder_days",
            "shop-collection-reminder",
            "days after it is ready (0: never)",
        ),
        F.field(
            "Welcome message",
            F.text_area("welcome_message", "shop-welcome", "3", placeholder="Thanks for choosing us…"),
            "welcome_message",
            "shop-welcome",
            "Shown at the top of every tracking page. A location can have its own.",
        ),
        rx.vstack(
            rx.text("Show customers", size="2", weight="medium", id="shop-show-label"),
            rx.grid(
                *[_toggle(*row) for row in TOGGLE_TEXT],
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem 1.5rem",
                width="100%",
                role="group",
                aria_labelledby="shop-show-label",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _snippet(label: str, value, element_id: str, rows: str, hint: str) -> rx.Component:
    """A read-only snippet to paste into the shop's website, with a Copy button."""
    copy = rx.button(
        rx.icon("copy", size=14, aria_hidden="true"),
        "Copy",
        variant="soft",
        size="2",
        on_click=[rx.set_clipboard(value), rx.toast.success("Copied. Paste it into a page of your website.")],
        id=f"{element_id}-copy",
        aria_label=f"Copy the {label.lower()}",
    )
    area = rx.text_area(
        value=value,
        read_only=True,
        rows=rows,
        id=element_id,
        width="100%",
        style={"fontFamily": "var(--code-font-family)", "fontSize": "0.8125rem"},
    )
    return rx.vstack(F.field(label, area, f"{element_id}-snippet", element_id, hint), copy, spacing="2", width="100%")


def _widget_card() -> rx.Component:
    return section(
        "Website widget",
        "Let customers find their repair from your own website, by order reference and last name "
        "(the same check and limits as a tracking link's).",
        F.field(
            "Websites that may show the widget",
            F.text_area(
                "lookup_frame_origins",
                "shop-widget-origins",
                "3",
                placeholder="https://www.myshop.co.uk",
                spell_check=False,
            ),
            "lookup_frame_origins",
            "shop-widget-origins",
            "One per line: your website's address without a page path (https://www.myshop.co.uk). "
            "The widget loads only inside these sites; every other page of the portal refuses to be framed.",
        ),
        rx.grid(
            _snippet(
                "Widget (an iframe)",
                S.widget_iframe,
                "shop-widget-iframe",
                "3",
                "Needs your website in the list above. A found repair opens in the whole window, on this portal.",
            ),
            _snippet(
                "Or a plain form",
                S.widget_form,
                "shop-widget-form",
                "8",
                "Works on any website without the list: style it like the rest of your site.",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="0.75rem 1rem",
            width="100%",
        ),
        rx.link(
            "Open the lookup page",
            href=routes.LOOKUP,
            is_external=True,
            size="2",
            id="shop-widget-open",
        ),
    )


def _terms_card() -> rx.Component:
    return section(
        "Terms and conditions",
        "Shown with quotes on the portal and printed on tickets and quotes.",
        F.field(
            "Terms",
            F.text_area("terms_text", "shop-terms", "8"),
            "terms_text",
            "shop-terms",
        ),
    )


def _intake_card() -> rx.Component:
    return section(
        "Booking in",
        "What staff check on every device at the counter, and the kinds of job customers can request.",
        F.field(
            "Intake checklist",
            F.text_area("intake_checklist", "shop-checklist", "6"),
            "intake_checklist",
            "shop-checklist",
            "One item per line (e.g. Powers on, Screen cracked): staff tick them when booking a repair in.",
        ),
        F.field(
            "Job types",
            F.text_area("job_types", "shop-job-types", "4"),
            "job_types",
            "shop-job-types",
            "One per line (e.g. Repair, Service, Installation): account customers choose one when they "
            "request a job. Leave it empty not to ask.",
        ),
    )


def _save_bar() -> rx.Component:
    return rx.box(
        rx.vstack(
            *F.status("shop"),
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
        _widget_card(),
        branding_card(),
        _terms_card(),
        _intake_card(),
        _save_bar(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )
    return staff_layout(ROUTE, "Shop", "Settings for the whole shop. Locations can override some of them.", body)
