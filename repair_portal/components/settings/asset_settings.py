"""Settings → Portal access, the Assets card: the asset ID's name and the asset fields customers see."""

from __future__ import annotations

import reflex as rx

from ...state.staff_asset_settings import FieldChoice
from ...state.staff_asset_settings import StaffAssetSettingsState as S
from ..ui import form_field
from .form import section


def _field_checkbox(choice: FieldChoice) -> rx.Component:
    return rx.checkbox(
        choice.label,
        checked=S.asset_fields_shown[choice.key],
        on_change=lambda value: S.set_asset_field(choice.key, value),
        id="asset-field-" + choice.key.replace("_", "-"),
    )


def asset_settings_card() -> rx.Component:
    label = rx.input(
        value=S.asset_label_value,
        on_change=S.set_asset_label,
        id="asset-label",
        width="100%",
        max_width="20rem",
    )
    return section(
        "Assets",
        "What you call an asset's ID, and which asset details business accounts see on their portal.",
        form_field(
            "Name of the asset ID",
            label,
            "asset-label",
            S.asset_settings_error,
            "E.g. “Asset ID”, “Tag number” or “Plant no.”: used on the staff pages and the portal.",
        ),
        rx.vstack(
            rx.text("Customers see", size="2", weight="medium"),
            rx.checkbox(
                S.asset_label_value,
                checked=S.asset_fields_shown["asset_tag"],
                on_change=lambda value: S.set_asset_field("asset_tag", value),
                id="asset-field-asset-tag",
            ),
            rx.flex(rx.foreach(S.asset_field_choices, _field_checkbox), wrap="wrap", gap="0.75rem 1.5rem"),
            rx.text(
                "Hidden details never reach the customer's browser, and they can't search or filter by them.",
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
            id="asset-fields",
        ),
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("check", size=14), "Save", on_click=S.handle_save_asset_settings, id="asset-settings-save"
            ),
            width="100%",
        ),
        id="asset-settings",
    )
