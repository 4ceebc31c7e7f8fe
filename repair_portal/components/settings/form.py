"""Settings forms' building blocks, bound to a state with `values`, `errors`, `conflict` and `set_value`
(the shop settings page and the location editor share them)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ..ui import conflict_notice, field_error, form_field


@dataclass(frozen=True)
class SettingsForm:
    state: type[rx.State]

    def error(self, name: str, element_id: str) -> rx.Component:
        return field_error(self.state.errors.get(name, ""), element_id)

    def field(self, label: str, control: rx.Component, name: str, element_id: str, hint: str = "") -> rx.Component:
        return form_field(label, control, element_id, self.state.errors.get(name, ""), hint)

    def text_input(self, name: str, element_id: str, **props) -> rx.Component:
        return rx.input(
            value=self.state.values.get(name, ""),
            on_change=lambda value: self.state.set_value(name, value),
            id=element_id,
            width="100%",
            **props,
        )

    def text_area(self, name: str, element_id: str, rows: str, **props) -> rx.Component:
        return rx.text_area(
            value=self.state.values.get(name, ""),
            on_change=lambda value: self.state.set_value(name, value),
            id=element_id,
            rows=rows,
            width="100%",
            **props,
        )

    def toggle(self, key: str, element_id: str, label: str, help_text: str, **switch_props) -> rx.Component:
        """A switch with its label and a line of help, the whole row clickable (state: `toggles`, `set_toggle`)."""
        return rx.el.label(
            rx.hstack(
                rx.switch(
                    checked=self.state.toggles[key],  # .get(key, True) would turn False into True (JS truthiness)
                    on_change=lambda value: self.state.set_toggle(key, value),
                    id=element_id,
                    size="2",
                    **switch_props,
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

    def errors_notice(self, id_prefix: str) -> rx.Component:
        """ "Fix the fields above", by the Save button."""
        return rx.cond(
            self.state.errors.length() > 0,
            rx.callout(
                "Some fields need attention; see the messages above.",
                icon="circle-alert",
                color_scheme="red",
                high_contrast=True,
                size="1",
                id=f"{id_prefix}-errors",
                role="alert",
            ),
        )

    def status(self, id_prefix: str) -> list[rx.Component]:
        """Someone else's save in between, and "fix the fields above"."""
        return [conflict_notice(self.state.conflict, element_id=f"{id_prefix}-conflict"), self.errors_notice(id_prefix)]


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
