"""The staff customer page's "Texts" card: every change of the customer's "text me" choice, newest first
(when, on or off, and how: at intake by whom, in the portal, by replying STOP/START, by staff)."""

from __future__ import annotations

import reflex as rx

from ...services.sms_consent_view import ConsentRow
from ...state.staff_customers import StaffCustomerState as C


def _row(row: ConsentRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.on,
            rx.badge("On", color_scheme="green", variant="soft", radius="full", high_contrast=True),
            rx.badge("Off", color_scheme="gray", variant="soft", radius="full", high_contrast=True),
        ),
        rx.vstack(
            rx.text(row.how, size="2"),
            rx.text(row.at, rx.cond(row.number != "", " · " + row.number, ""), size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        spacing="2",
        align="start",
        width="100%",
        class_name="texts-consent-row",
    )


def texts_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Texts", size="2", weight="bold", color_scheme="gray"),
            rx.cond(
                C.texts_history.length() > 0,
                rx.vstack(rx.foreach(C.texts_history, _row), spacing="3", width="100%"),
                rx.text("No texting choice recorded yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        id="customer-texts",
    )
