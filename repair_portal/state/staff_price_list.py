"""Settings → Price list: the shop's services and parts, the item editor, retiring and bringing back."""

from __future__ import annotations

import reflex as rx

from ..db import session_scope, write_session
from ..models import PriceKind
from ..services import price_list
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.price_list import ItemForm, PriceItemView, PriceListError
from .guard import form_only, staff_action
from .staff_session import StaffSessionState

FIELDS = ("name", "code", "price", "sort_order")


class StaffPriceListState(StaffSessionState):
    items: list[PriceItemView] = []
    search: str = ""
    # The editor (a dialog): editing_id 0 adds a new item.
    editor_open: bool = False
    editing_id: int = 0
    f_name: str = ""
    f_code: str = ""
    f_price: str = ""
    f_sort_order: str = ""
    f_kind: str = PriceKind.SERVICE.value
    f_optional: bool = False
    name_error: str = ""
    code_error: str = ""
    price_error: str = ""
    sort_order_error: str = ""
    form_error: str = ""
    _seen_version: str = ""  # the saved copy the editor opened (a newer save refuses this one)

    def _load(self) -> None:
        with session_scope() as session:
            self.items = price_list.list_items(session, self.search, include_inactive=True)

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_price_list(self):
        self.editor_open, self.search = False, ""
        self._load()
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_search(self, value: str):
        self.search = str(value)[:100]
        self._load()
        return None

    # --- the editor -------------------------------------------------------------------------

    def _errors(self, exc: PriceListError | None) -> None:
        """Show a refusal next to its field or above the buttons."""
        for name in FIELDS:
            setattr(self, f"{name}_error", "")
        self.form_error = ""
        if exc is not None:
            setattr(self, f"{exc.field}_error" if exc.field in FIELDS else "form_error", str(exc))

    def _fill(self, view: PriceItemView | None) -> None:
        self.editing_id = view.id if view else 0
        self.f_name = view.name if view else ""
        self.f_code = view.code if view else ""
        self.f_price = view.price_input if view else ""
        self.f_sort_order = str(view.sort_order) if view else ""
        self.f_kind = view.kind if view else PriceKind.SERVICE.value
        self.f_optional = view.optional_by_default if view else False
        self._seen_version = view.version if view else ""
        self._errors(None)
        self.editor_open = True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def start_add(self):
        self._fill(None)
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def start_edit(self, item_id: int):
        view = next((i for i in self.items if i.id == parse_id(item_id)), None)
        if view is None:
            return rx.toast.error(price_list.GONE)
        self._fill(view)
        return None

    @rx.event
    @form_only
    def set_editor_open(self, value: bool):
        self.editor_open = bool(value)

    @rx.event
    @form_only
    def set_kind(self, value: str):
        self.f_kind = str(value) if str(value) in price_list.KIND_LABELS else PriceKind.SERVICE.value

    @rx.event
    @form_only
    def set_optional(self, value: bool):
        self.f_optional = value is True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_save_item(self, form_data: dict):
        identity = self._me()
        self.f_name = str(form_data.get("name", self.f_name))[:400]
        self.f_code = str(form_data.get("code", self.f_code))[:100]
        self.f_price = str(form_data.get("price", self.f_price))[:40]
        self.f_sort_order = str(form_data.get("sort_order", self.f_sort_order))[:100]  # refused, never cut
        form = ItemForm(
            name=self.f_name,
            price=self.f_price,
            code=self.f_code,
            kind=self.f_kind,
            optional_by_default=self.f_optional,
            sort_order=self.f_sort_order,
        )
        actor = self._actor(identity)
        try:
            with write_session() as session:
                if self.editing_id:
                    item = price_list.update_item(
                        session, self.editing_id, form, actor, seen_version=self._seen_version
                    )
                else:
                    item = price_list.create_item(session, form, actor)
                name = item.name
        except PriceListError as exc:
            self._errors(exc)
            return None
        added = not self.editing_id
        self.editor_open = False
        self._errors(None)
        self._load()
        return rx.toast.success(f"Added “{name}” to the price list." if added else f"Saved “{name}”.")

    # --- retiring and bringing back -------------------------------------------------------------

    def _set_active(self, item_id, active: bool, message: str):
        identity = self._me()
        try:
            with write_session() as session:
                item = price_list.set_active(session, parse_id(item_id), active, self._actor(identity))
                name = item.name
        except PriceListError as exc:
            self._load()
            return rx.toast.error(str(exc))
        self._load()
        return rx.toast.success(message.format(name=name))

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_deactivate(self, item_id: int):
        return self._set_active(item_id, False, "“{name}” is off the price list. Quotes that used it keep their lines.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_reactivate(self, item_id: int):
        return self._set_active(item_id, True, "“{name}” is back on the price list.")
