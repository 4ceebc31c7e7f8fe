"""The location editor's deposit section: the shop's rule overridden at this location (owners only)."""

from __future__ import annotations

import reflex as rx

from ...services.deposits import LOCATION_RULE_CHOICES, REQUIRED_CHOICES
from ...state.staff_locations import INHERIT_CHOICE, StaffLocationsState
from .form import SettingsForm

S = StaffLocationsState
F = SettingsForm(StaffLocationsState)


def _choice_select(name: str, element_id: str, choices: dict[str, str]) -> rx.Component:
    """A select whose "the shop's" choice sends INHERIT_CHOICE (Radix needs a value)."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=element_id),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in choices.items()]),
        value=S.values.get(name, INHERIT_CHOICE),
        on_change=lambda value: S.set_value(name, value),
    )


def deposit_fields() -> rx.Component:
    """The shop's deposit rule overridden here (owners only: the server ignores anyone else's change)."""
    rule = S.values.get("deposit_rule", INHERIT_CHOICE)
    typed = F.text_input("deposit_value", "loc-deposit-value", input_mode="decimal")
    value = rx.box(typed, width="10rem")
    return rx.vstack(
        rx.text("Deposit", size="2", weight="bold", color_scheme="gray", padding_top="0.5rem"),
        rx.text(
            "Asked when a customer approves a quote for a repair at this location. The shop's rule: ",
            S.shop_deposit_label,
            ".",
            size="1",
            color_scheme="gray",
        ),
        rx.grid(
            F.field(
                "Deposit at this location",
                _choice_select("deposit_rule", "loc-deposit-rule", LOCATION_RULE_CHOICES),
                "deposit_rule",
                "loc-deposit-rule",
            ),
            F.field(
                "Required",
                _choice_select("deposit_required", "loc-deposit-required", REQUIRED_CHOICES),
                "deposit_required",
                "loc-deposit-required",
                hint="Required: no “Skip” after approving.",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem 1rem",
            width="100%",
        ),
        rx.cond(
            (rule == "percent") | (rule == "fixed"),
            F.field(
                rx.cond(rule == "percent", "Percentage of the quote (%)", "Amount"),
                value,
                "deposit_value",
                "loc-deposit-value",
            ),
        ),
        spacing="3",
        width="100%",
        id="loc-deposit",
    )
