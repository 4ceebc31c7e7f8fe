"""/staff/orders/new: book a repair in."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import field_label, link_button
from ...services.sms_consent import INTAKE_WORDING
from ...state.staff_intake import Option, StaffIntakeState

S = StaffIntakeState
DEVICE_KINDS = [
    ("phone", "Phone"),
    ("tablet", "Tablet"),
    ("laptop", "Laptop"),
    ("desktop", "Desktop"),
    ("console", "Games console"),
    ("watch", "Watch"),
    ("vehicle", "Vehicle"),
    ("other", "Other"),
]


def field(label: str, name: str, *, required: bool = False, hint: str = "", **props) -> rx.Component:
    control = props.pop("control", None) or rx.input(name=name, id=f"f-{name}", size="2", width="100%", **props)
    return rx.vstack(
        field_label(label, f"f-{name}", required=required),
        control,
        rx.cond(
            S.errors.contains(name),
            rx.text(S.errors[name], size="1", color_scheme="red", id=f"err-{name}", role="alert"),
            rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray"), rx.fragment()),
        ),
        spacing="1",
        width="100%",
    )


def _option(option: Option) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _section(title: str, *children) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(title, size="3", weight="bold"), *children, spacing="3", width="100%"), size="3", width="100%"
    )


def _row(*children) -> rx.Component:
    return rx.flex(*children, gap="1rem", direction=rx.breakpoints(initial="column", sm="row"), width="100%")


PAYMENT_METHODS = [("card", "Card"), ("cash", "Cash"), ("bank_transfer", "Bank transfer"), ("other", "Other")]


def _counter_section() -> rx.Component:
    """The passcode (encrypted, deleted at collection) and a deposit taken now."""
    return _section(
        "Passcode and deposit",
        field(
            "Device passcode (optional)",
            "passcode",
            hint="Encrypted; staff see it only by revealing it (audited). Deleted when the device is collected.",
            auto_complete="off",
            spellcheck=False,
        ),
        rx.cond(
            S.can_take_deposit,
            _row(
                field("Deposit taken (optional)", "deposit", placeholder="0.00", input_mode="decimal"),
                field(
                    "Paid by",
                    "deposit_method",
                    control=rx.select.root(
                        rx.select.trigger(width="100%", id="f-deposit_method"),
                        rx.select.content(*[rx.select.item(label, value=value) for value, label in PAYMENT_METHODS]),
                        name="deposit_method",
                        default_value="card",
                    ),
                ),
            ),
        ),
    )


def _texts_tick() -> rx.Component:
    """Texts are a separate, explicit tick (never implied by email), with the words the customer agrees to."""
    return rx.vstack(
        rx.checkbox(
            "Text me updates",
            name="sms_updates",
            id="f-sms_updates",
            checked=S.texts_ticked & S.phone_entered,
            on_change=S.set_texts_ticked,
            disabled=~S.phone_entered,
            aria_describedby="f-sms_updates-wording",
        ),
        rx.text(
            rx.cond(S.phone_entered, INTAKE_WORDING, "Enter a mobile number to offer texts. " + INTAKE_WORDING),
            size="1",
            color_scheme="gray",
            id="f-sms_updates-wording",
        ),
        rx.cond(
            S.errors.contains("sms_updates"),
            rx.text(S.errors["sms_updates"], size="1", color_scheme="red", id="err-sms_updates", role="alert"),
        ),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _section(
                "Customer",
                _row(
                    field("First name", "first_name", auto_complete="off"),
                    field("Last name", "last_name", required=True, hint="The portal asks for it.", auto_complete="off"),
                ),
                _row(
                    field(
                        "Mobile phone",
                        "phone",
                        type="tel",
                        placeholder="07400 123456",
                        on_blur=S.check_contact,
                        on_change=S.set_phone_entered,
                    ),
                    field("Email", "email", type="email", placeholder="name@example.com", on_blur=S.check_contact),
                ),
                rx.cond(
                    S.match_notice != "",
                    rx.callout.root(
                        rx.callout.icon(rx.icon("user-check")),
                        rx.hstack(
                            rx.callout.text(S.match_notice),
                            rx.cond(
                                S.has_match,
                                rx.button(
                                    "Use their details",
                                    type="button",
                                    size="1",
                                    variant="soft",
                                    on_click=S.use_match,
                                    id="use-match",
                                ),
                            ),
                            spacing="3",
                            align="center",
                            wrap="wrap",
                        ),
                        color_scheme="blue",
                        high_contrast=True,
                        size="1",
                        id="customer-match",
                    ),
                ),
                _row(
                    field("Company (optional)", "company"),
                    rx.vstack(
                        rx.text("Updates", size="2", weight="medium"),
                        rx.checkbox(
                            "Email me updates about this repair",
                            name="email_updates",
                            default_checked=True,
                            id="f-email_updates",
                        ),
                        _texts_tick(),
                        spacing="2",
                        width="100%",
                    ),
                ),
            ),
            _section(
                "Device",
                _row(
                    field(
                        "Type",
                        "device_kind",
                        control=rx.select.root(
                            rx.select.trigger(width="100%", id="f-device_kind"),
                            rx.select.content(*[rx.select.item(label, value=value) for value, label in DEVICE_KINDS]),
                            name="device_kind",
                            default_value="phone",
                        ),
                    ),
                    field("Make", "make", placeholder="Apple"),
                    field("Model", "model", placeholder="iPhone 14"),
                ),
                field("Serial number / IMEI", "serial"),
            ),
            _section(
                "Repair",
                field(
                    "Problem (in the customer's words)",
                    "problem",
                    required=True,
                    control=rx.text_area(name="problem", id="f-problem", rows="3", width="100%"),
                ),
                field(
                    "Condition at intake",
                    "intake_condition",
                    hint="Scratches, dents, missing parts.",
                    control=rx.text_area(name="intake_condition", id="f-intake_condition", rows="2", width="100%"),
                ),
                rx.cond(
                    S.checklist.length() > 0,
                    rx.el.fieldset(
                        rx.el.legend(rx.text("Checked at intake", size="2", weight="medium")),
                        rx.grid(
                            rx.foreach(
                                S.checklist,
                                lambda item: rx.checkbox(item, name="check:" + item, class_name="intake-check"),
                            ),
                            columns=rx.breakpoints(initial="1", sm="2", md="3"),
                            gap="0.5rem",
                            width="100%",
                            padding_top="0.25rem",
                        ),
                        style={"border": "none", "padding": "0", "margin": "0"},
                        id="intake-checklist",
                    ),
                ),
                field("Left with the device", "accessories", placeholder="Case, charger, SIM card"),
                _row(
                    field("Promised by", "promised_date", type="date"),
                    field(
                        "Location",
                        "location_id",
                        required=True,
                        control=rx.select.root(
                            rx.select.trigger(placeholder="Choose…", width="100%", id="f-location_id"),
                            rx.select.content(rx.foreach(S.locations, _option)),
                            name="location_id",
                            value=S.location_choice,
                            on_change=S.set_location_choice,
                        ),
                    ),
                    field(
                        "Technician",
                        "assigned_to_id",
                        control=rx.select.root(
                            rx.select.trigger(placeholder="Unassigned", width="100%", id="f-assigned_to_id"),
                            rx.select.content(rx.foreach(S.technicians, _option)),
                            name="assigned_to_id",
                        ),
                    ),
                ),
            ),
            _counter_section(),
            rx.hstack(
                link_button("Cancel", href=routes.STAFF_HOME, variant="soft", color_scheme="gray", size="3"),
                rx.button(rx.icon("check", size=16), "Book in", type="submit", size="3", id="book-in"),
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
            max_width="52rem",
        ),
        on_submit=S.handle_book_in,
        reset_on_submit=False,
        width="100%",
    )


@staff_page(routes.STAFF_NEW_ORDER, "New order", on_load=[StaffIntakeState.load_intake])
def intake_page() -> rx.Component:
    return staff_layout(
        routes.STAFF_NEW_ORDER,
        "Book in a repair",
        "The customer gets their tracking link by email; print the ticket for the counter.",
        _form(),
    )
