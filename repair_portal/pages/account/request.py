"""/portal/orders/new: "Request a job". The site (only when the account has sites), the job type (the
shop's list), an asset or a new device, a description, a preferred date, a PO number and photos. One
column on a phone; every field has a visible label, 16px text and a 44px target."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_auth import callout, primary_button
from ...components.account_shell import account_layout, account_page
from ...components.ui import named_upload
from ...state.portal_request import NEW_DEVICE, UPLOAD_ID, Option
from ...state.portal_request import PortalRequestState as S

TAP = {"min_height": "44px", "font_size": "1rem"}
ACCEPT = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "application/pdf": [".pdf"],
}


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(name),
        rx.text(S.errors.get(name, ""), size="3", color_scheme="red", id=f"request-{name}-error", role="alert"),
    )


def _field(label: str, name: str, control: rx.Component, hint: str = "", *, error_for: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"request-{name}", font_weight="500", font_size="1rem"),
        control,
        rx.text(hint, size="2", color_scheme="gray", id=f"request-{name}-hint") if hint else rx.fragment(),
        _error(error_for or name),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _text(name: str, **props) -> rx.Component:
    return rx.input(
        id=f"request-{name}",
        value=S.values.get(name, ""),
        on_change=lambda v: S.set_request_field(name, v),
        size="3",
        width="100%",
        aria_invalid=rx.cond(S.errors.contains(name), "true", "false"),
        aria_describedby=f"request-{name}-error",
        style=TAP,
        **props,
    )


def _select(name: str, placeholder: str, items) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"request-{name}", placeholder=placeholder, width="100%", style=TAP),
        rx.select.content(items),
        value=S.values.get(name, ""),
        on_change=lambda v: S.set_request_field(name, v),
        size="3",
    )


def _option(option: Option) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def _job_type(item: str) -> rx.Component:
    return rx.select.item(item, value=item)


def _device() -> rx.Component:
    choose = rx.cond(
        S.asset_options.length() > 0,
        _field(
            "Asset",
            "asset",
            _select(
                "asset",
                "Choose the asset",
                rx.fragment(
                    rx.foreach(S.asset_options, _option),
                    rx.select.item("A new device (not listed)", value=NEW_DEVICE),
                ),
            ),
            error_for="device",
        ),
    )
    new = rx.cond(
        S.asks_new_device,
        rx.el.fieldset(
            rx.el.legend("The device", font_weight="600", font_size="1rem", padding="0 0.25rem"),
            rx.grid(
                _field("Type", "new_kind", _text("new_kind", placeholder="e.g. Laptop, printer")),
                _field("Make", "new_make", _text("new_make")),
                _field("Model", "new_model", _text("new_model")),
                _field("Serial number", "new_serial", _text("new_serial")),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem",
                width="100%",
            ),
            rx.cond(S.asset_options.length() == 0, _error("device")),
            border="1px solid var(--gray-6)",
            border_radius="10px",
            padding="0.75rem 1rem 1rem",
            width="100%",
            margin="0",
        ),
    )
    return rx.fragment(choose, new)


def _photos() -> rx.Component:
    upload = named_upload(
        "Choose photos or PDFs",
        rx.vstack(
            rx.icon("camera", size=22, color="var(--gray-11)", aria_hidden="true"),
            rx.text("Add photos or PDFs (optional): tap to choose, or drop them here", size="3"),
            align="center",
            spacing="1",
        ),
        id=UPLOAD_ID,
        multiple=True,
        max_files=10,
        max_size=15 * 1024 * 1024,
        accept=ACCEPT,
        border="1px dashed var(--gray-8)",
        border_radius="10px",
        padding="1rem",
        min_height="44px",
        width="100%",
        cursor="pointer",
    )
    return rx.vstack(
        rx.text("Photos", font_weight="500", font_size="1rem"),
        upload,
        rx.hstack(
            rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.badge(name, variant="soft", size="2")),
            wrap="wrap",
            spacing="1",
            id="request-photos-chosen",
        ),
        rx.text("Up to 10 files, 15 MB each. Photos are stored without their location data.", size="2"),
        _error("photos"),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                S.site_options.length() > 0,
                _field("Site", "site", _select("site", "Choose the site", rx.foreach(S.site_options, _option))),
            ),
            rx.cond(
                S.job_type_options.length() > 0,
                _field(
                    "Job type",
                    "job_type",
                    _select("job_type", "Choose the type of job", rx.foreach(S.job_type_options, _job_type)),
                ),
            ),
            _device(),
            _field(
                "What do you need?",
                "description",
                rx.text_area(
                    id="request-description",
                    value=S.values.get("description", ""),
                    on_change=lambda v: S.set_request_field("description", v),
                    rows="5",
                    size="3",
                    width="100%",
                    aria_invalid=rx.cond(S.errors.contains("description"), "true", "false"),
                    aria_describedby="request-description-hint request-description-error",
                    style={"font_size": "1rem"},
                ),
                "What's wrong, or what should be done. Anything that helps the technician.",
            ),
            rx.grid(
                _field(
                    "Preferred date",
                    "preferred_date",
                    _text("preferred_date", type="date", min=S.first_day, max=S.last_day),
                    "Optional. The shop confirms the date.",
                ),
                _field("Your PO number", "po_number", _text("po_number"), "Optional."),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem",
                width="100%",
            ),
            _photos(),
            callout(S.form_error, tone="problem", element_id="request-error"),
            primary_button("Send request", "request-submit", min_height="44px"),
            spacing="4",
            width="100%",
        ),
        on_submit=lambda _form: S.handle_submit(rx.upload_files(upload_id=UPLOAD_ID)),
        id="request-form",
        width="100%",
    )


@account_page(routes.PORTAL_ORDER_NEW, "Request a job", on_load=[S.load_request])
def account_request() -> rx.Component:
    closed = rx.callout(
        "The shop isn't taking requests online at the moment. Please call or email them instead.",
        icon="circle-alert",
        color_scheme="amber",
        size="2",
        width="100%",
        id="request-closed",
        role="status",
    )
    return account_layout(
        "orders",
        rx.card(
            rx.vstack(
                rx.heading("Request a job", as_="h2", size="6"),
                rx.text(
                    "Tell us what you need. Your request appears in your orders straight away, and we'll "
                    "confirm it shortly.",
                    size="3",
                ),
                rx.cond(
                    S.request_loaded,
                    rx.cond(S.taking_requests, _form(), closed),
                    rx.center(rx.spinner(size="3"), width="100%", padding="2rem"),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            id="account-request",
        ),
    )
