"""The shop settings form's building blocks: fields bound to the page's values and errors."""

from __future__ import annotations

import reflex as rx

from ...state.staff_shop_settings import StaffShopSettingsState
from ..ui import field_error, form_field

S = StaffShopSettingsState


def error(name: str, element_id: str) -> rx.Component:
    return field_error(S.errors.get(name, ""), element_id)


def field(label: str, control: rx.Component, name: str, element_id: str, hint: str = "") -> rx.Component:
    return form_field(label, control, element_id, S.errors.get(name, ""), hint)


def text_input(name: str, element_id: str, **props) -> rx.Component:
    return rx.input(
        value=S.values.get(name, ""),
        on_change=lambda value: S.set_value(name, value),
        id=element_id,
        width="100%",
        **props,
    )


def text_area(name: str, element_id: str, rows: str, max_length: int, **props) -> rx.Component:
    return rx.text_area(
        value=S.values.get(name, ""),
        on_change=lambda value: S.set_value(name, value),
        id=element_id,
        rows=rows,
        max_length=max_length,
        width="100%",
        **props,
    )


def section(title: str, subtitle: str, *children: rx.Component, **props) -> rx.Component:
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
