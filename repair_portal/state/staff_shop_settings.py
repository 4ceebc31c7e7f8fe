"""Settings → Shop: the draft form, save with optimistic locking, the shop logo."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import reflex as rx

from .. import routes
from ..db import session_scope, write_session
from ..integrations.images import ImageRejected
from ..services import branding, colours, lookup_widget, shop_settings
from ..services.permissions import Action
from ..services.shop_settings import TOGGLES, ShopForm
from ..settings import get_settings
from .guard import form_only, staff_action
from .staff_session import StaffSessionState
from .uploads import MB, upload_limit

DENIED = "Only owners and managers can change settings."
TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(ShopForm) if f.name not in TOGGLES)
MAX_TYPED = 20_500  # a draft is clipped here; the service gives the precise limit per field


class StaffShopSettingsState(StaffSessionState):
    values: dict[str, str] = {name: "" for name in TEXT_FIELDS}
    toggles: dict[str, bool] = dict.fromkeys(TOGGLES, True)
    errors: dict[str, str] = {}
    conflict: str = ""
    dirty: bool = False
    has_logo: bool = False
    logo_version: str = ""
    logo_error: str = ""
    # The website widget's snippets, with this installation's public address (read-only on the page).
    widget_iframe: str = ""
    widget_form: str = ""
    _loaded: dict = {}
    _version: str = ""  # updated_at of the row the form was based on
    _may_edit: bool = False  # set by an authorised load; draft edits from anyone else are ignored

    @rx.var
    def accent_preview(self) -> str:
        return colours.normalise(self.values.get("accent_color", "")) or branding.DEFAULT_ACCENT

    @rx.var
    def accent_ink(self) -> str:
        return colours.text_on(self.accent_preview)

    @rx.var
    def accent_warning(self) -> str:
        """Refused below 3:1 on white, warned below 4.5:1 (services/colours.py), as the colour is typed."""
        error, warning = colours.accent_problem(self.accent_preview)
        return error or warning

    @rx.var
    def logo_url(self) -> str:
        return routes.branding_logo(0, self.logo_version) if self.has_logo else ""

    def _show(self, form: ShopForm) -> None:
        data = dataclasses.asdict(form)
        self.values = {k: v for k, v in data.items() if k in TEXT_FIELDS}
        self.toggles = {k: bool(data[k]) for k in TOGGLES}

    def _read(self) -> None:
        """Fill the form from the database; the draft starts over."""
        with session_scope() as session:
            form, version = shop_settings.load(session)
            logo = branding.logo_for(session, None)
        self._show(form)
        self._loaded = dataclasses.asdict(form)
        self._version = version.isoformat() if version else ""
        self.has_logo, self.logo_version = logo is not None, (logo or "")[5:13]
        self.errors, self.conflict, self.logo_error, self.dirty = {}, "", "", False
        public_url = get_settings().public_url
        self.widget_iframe = lookup_widget.iframe_snippet(public_url)
        self.widget_form = lookup_widget.form_snippet(public_url)

    def _draft(self) -> ShopForm:
        return ShopForm.from_dict({**self.values, **self.toggles})

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_shop_settings(self):
        self._may_edit = True
        self._read()
        return None

    @rx.event
    @form_only
    def set_value(self, name: str, value: str):
        if self._may_edit and isinstance(name, str) and name in TEXT_FIELDS:
            self.values[name] = str(value)[:MAX_TYPED]
            self.errors.pop(name, None)
            self.dirty = True

    @rx.event
    @form_only
    def set_toggle(self, name: str, value: bool):
        if self._may_edit and isinstance(name, str) and name in TOGGLES:
            self.toggles[name] = value is True
            self.dirty = True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_discard(self):
        self._read()
        return rx.toast.info("Changes discarded.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save(self):
        identity = self._me()
        if not self._loaded:
            return rx.toast.error("Reload the page: nothing was saved.")
        mine, loaded = self._draft(), ShopForm(**self._loaded)
        expected = datetime.fromisoformat(self._version) if self._version else None
        try:
            with write_session() as session:
                changed = shop_settings.save_shop_settings(
                    session, mine, expected_updated_at=expected, actor=self._actor(identity), loaded=loaded
                )
        except shop_settings.ShopSettingsInvalid as exc:
            self.errors = exc.errors
            return rx.toast.error("Not saved: " + str(exc))
        except shop_settings.ShopSettingsConflict as exc:
            with session_scope() as session:
                theirs, version = shop_settings.load(session)
            # Their values, with this editor's own edits on top: saving again is now a deliberate choice.
            self._show(shop_settings.rebase(loaded, mine, theirs))
            self._loaded = dataclasses.asdict(theirs)
            self._version = version.isoformat() if version else ""
            self.conflict, self.errors = str(exc), {}
            return rx.toast.warning(exc.toast)
        self._read()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        return rx.toast.success("Saved. The portal uses the new settings now.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    @upload_limit(branding.MAX_LOGO_BYTES + MB)
    async def handle_logo_upload(self, files: list[rx.UploadFile]):
        identity = self._me()
        if not files:
            return rx.toast.error("Choose a PNG, JPEG or WebP file first.")
        data = await files[0].read(branding.MAX_LOGO_BYTES + 1)  # the browser's size limit isn't trusted
        actor, files_dir = self._actor(identity), get_settings().uploads_dir

        def store() -> str:
            with write_session() as session:
                return branding.set_logo(session, files_dir, data, actor)

        try:
            stored = await rx.run_in_thread(store)
        except ImageRejected as exc:
            self.logo_error = str(exc)
            return rx.toast.error(str(exc))
        self.has_logo, self.logo_version, self.logo_error = True, stored[5:13], ""
        return rx.toast.success("Logo updated.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_remove_logo(self):
        identity = self._me()
        with write_session() as session:
            removed = branding.remove_logo(session, self._actor(identity))
        self.has_logo, self.logo_error = False, ""
        return rx.toast.success("Logo removed.") if removed else rx.toast.info("There was no logo to remove.")
