"""Settings → Portal access, the Assets card: what the shop calls an asset's ID, and which asset fields
portal users see (the others are never read into their pages)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import assets as actions
from ..db import session_scope
from ..models import ShopSettings
from ..services import asset_fields
from ..services.permissions import Action
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState


@dataclasses.dataclass
class FieldChoice:
    key: str
    label: str


class StaffAssetSettingsState(StaffSessionState):
    asset_label_value: str = asset_fields.DEFAULT_LABEL
    asset_fields_shown: dict[str, bool] = {}
    asset_field_choices: list[FieldChoice] = [
        FieldChoice(k, v) for k, v in asset_fields.FIELDS.items() if k != "asset_tag"
    ]
    asset_settings_error: str = ""

    def _load(self) -> None:
        with session_scope() as session:
            shop = ShopSettings.current(session)
            label, shown = asset_fields.label(shop), asset_fields.parse(shop.asset_customer_fields)
        self.asset_label_value = label
        self.asset_fields_shown = {key: key in shown for key in asset_fields.FIELDS}
        self.asset_settings_error = ""

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_asset_settings(self):
        self._load()

    @rx.event
    @form_only
    def set_asset_label(self, value: str):
        self.asset_label_value = str(value)[: asset_fields.MAX_LABEL * 2]

    @rx.event
    @form_only
    def set_asset_field(self, key: str, value: bool):
        if key in asset_fields.FIELDS:
            self.asset_fields_shown = {**self.asset_fields_shown, key: value is True}

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    async def handle_save_asset_settings(self):
        actor, label = self._actor(self._me()), self.asset_label_value
        keys = [k for k, on in self.asset_fields_shown.items() if on is True]
        outcome = await rx.run_in_thread(lambda: actions.save_asset_settings(label, keys, actor))
        if not outcome.ok:
            self.asset_settings_error = outcome.message
            return None
        self._load()
        return toast_for(outcome)
