"""Settings → Texts (owners and managers): the Twilio connection, quiet hours, and each text's wording with
a live preview.

The auth token typed on the page arrives with the form's submit (a password field no state var is bound
to) and goes straight to the service: no state var ever holds it, and the page gets it masked only."""

from __future__ import annotations

import reflex as rx

from ..db import session_scope, write_session
from ..models import ShopSettings
from ..services import text_settings
from ..services.permissions import Action
from ..services.sms_templates import PLACEHOLDERS, SPECS, TemplateError
from ..services.text_settings import TOKEN_INPUT, TextOptions
from ..settings import get_settings
from .guard import form_only, staff_action
from .mail_links import links
from .staff_session import StaffSessionState

FIELDS = tuple(TextOptions.__dataclass_fields__)
TOGGLES = ("remove_credentials",)
TOKEN_ID = "text-auth-token"  # noqa: S105  (the element id of the page's password field)
SOURCES = {
    "environment": "Set in the server's environment: it wins over a token saved here.",
    "settings": "Saved here, encrypted.",
    "unreadable": "Saved here, but it can't be read with this installation's key: enter it again.",
    "": "Not set.",
}


class StaffTextSettingsState(StaffSessionState):
    values: dict[str, str] = dict.fromkeys(FIELDS, "")
    toggles: dict[str, bool] = dict.fromkeys(TOGGLES, False)
    errors: dict[str, str] = {}
    conflict: str = ""
    status: str = ""
    tone: str = "amber"
    missing: str = ""  # "Still needed: Auth token."
    token_masked: str = ""  # "…1f2e": never more of the token
    token_source: str = ""
    env_notes: dict[str, str] = dict.fromkeys(("account_sid", "sender"), "")
    has_saved_credentials: bool = False
    inbound_url: str = ""
    status_url: str = ""
    placeholders: list[str] = ["{" + name + "}" for name in PLACEHOLDERS]
    # Each text (key -> ...): the draft, its preview as sent, "N characters · 1 text · GSM-7", warnings.
    bodies: dict[str, str] = dict.fromkeys(SPECS, "")
    previews: dict[str, str] = dict.fromkeys(SPECS, "")
    summaries: dict[str, str] = dict.fromkeys(SPECS, "")
    multipart: dict[str, str] = dict.fromkeys(SPECS, "")
    unicode: dict[str, str] = dict.fromkeys(SPECS, "")
    problems: dict[str, str] = dict.fromkeys(SPECS, "")
    custom: dict[str, bool] = dict.fromkeys(SPECS, False)
    _loaded: dict = {}
    _sample: dict = {}  # the preview's sample values, read by an authorised load (typing reads no data)
    _may_edit: bool = False  # set by an authorised load; draft edits from anyone else are ignored

    @rx.var
    def token_note(self) -> str:
        return SOURCES.get(self.token_source, "")

    # --- helpers (not events) ---------------------------------------------------------------

    def _show_draft(self, key: str, body: str) -> None:
        """The draft and what it becomes: the preview, its length, and what to warn about."""
        text, length = text_settings.render_preview(self._sample, key, body)
        self.bodies[key], self.previews[key], self.summaries[key] = body, text, length.summary
        self.multipart[key] = (
            f"Sent as {length.segments} texts: each part is charged, and some phones show them late or apart."
            if length.segments > 1
            else ""
        )
        odd = text_settings.ucs2_characters(text) if length.encoding == "UCS-2" else ""
        self.unicode[key] = f"{odd} can't go in a plain text, so each part holds 70 characters, not 160." if odd else ""
        self.problems[key] = text_settings.draft_problem(body)

    def _read(self) -> None:
        """Fill the page from the database; the drafts start over."""
        settings = get_settings()
        with session_scope() as session:
            view = text_settings.settings_view(session, settings)
            self._sample = text_settings.sample_values(session, links())
        self.values = {name: getattr(view.options, name) for name in FIELDS}
        self._loaded = dict(self.values)
        self.toggles = dict.fromkeys(TOGGLES, False)
        self.status, self.tone, self.token_masked, self.token_source = (
            view.status,
            view.tone,
            view.token_masked,
            view.token_source,
        )
        self.missing = f"Still needed: {', '.join(view.missing)}." if view.missing else ""
        self.env_notes = {**dict.fromkeys(("account_sid", "sender"), ""), **view.env_notes}
        self.has_saved_credentials = view.has_saved_credentials
        self.inbound_url, self.status_url = view.inbound_url, view.status_url
        for template in view.templates:
            self._show_draft(template.key, template.body)
            self.custom[template.key] = template.custom
        self.errors, self.conflict = {}, ""

    def _template(self, key: str) -> None:
        with session_scope() as session:
            found = {t.key: t for t in text_settings.template_views(session)}.get(key)
        if found is not None:
            self._show_draft(key, found.body)
            self.custom[key] = found.custom

    # --- events -----------------------------------------------------------------------------

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_text_settings(self):
        self._may_edit = True
        self._read()
        return None

    @rx.event
    @form_only
    def set_value(self, name: str, value: str):
        if self._may_edit and isinstance(name, str) and name in FIELDS:
            self.values[name] = str(value)[:80]
            self.errors.pop(name, None)

    @rx.event
    @form_only
    def set_toggle(self, name: str, value: bool):
        if self._may_edit and isinstance(name, str) and name in TOGGLES:
            self.toggles[name] = value is True
            self.errors.pop(name, None)

    @rx.event
    @form_only
    def edit_template(self, key: str, value: str):
        """Typing: the draft (the first 1,000 characters) and its preview, from the samples the load read."""
        if self._may_edit and isinstance(key, str) and key in SPECS:
            self._show_draft(key, str(value)[: text_settings.MAX_DRAFT])

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save(self, form_data: dict):
        identity = self._me()
        if not self._loaded:
            return rx.toast.error("Reload the page: nothing was saved.")
        typed = form_data if isinstance(form_data, dict) else {}
        form = {**self.values, **self.toggles, TOKEN_INPUT: str(typed.get(TOKEN_INPUT) or "")[:1000]}
        loaded = TextOptions(**self._loaded)
        with write_session() as session:
            errors = text_settings.save(session, get_settings(), form, self._actor(identity), loaded=loaded)
        clear_token = rx.set_value(TOKEN_ID, "")  # the typed token leaves the page's field (never in state)
        if errors and "conflict" in errors:
            with session_scope() as session:
                theirs = TextOptions.of(ShopSettings.current(session))
            mine = TextOptions.from_form(form)
            self._read()
            # Their values with this editor's own changes on top: saving again is now a deliberate choice.
            rebased = text_settings.rebase(loaded, mine, theirs)
            self.values = {name: getattr(rebased, name) for name in FIELDS}
            self.conflict = errors["conflict"]
            return [rx.toast.warning("Not saved: someone else changed the text settings meanwhile."), clear_token]
        if errors:
            self.errors = errors
            return [rx.toast.error("Not saved: check the highlighted fields."), clear_token]
        self._read()
        return [rx.toast.success("Saved."), clear_token]

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save_template(self, key: str):
        identity = self._me()
        if not self._loaded or not isinstance(key, str) or key not in SPECS:
            return rx.toast.error("Reload the page: nothing was saved.")
        try:
            with write_session() as session:
                text_settings.save_template(session, key, self.bodies.get(key, ""), self._actor(identity))
        except TemplateError as exc:
            self.problems[key] = str(exc)
            return rx.toast.error(f"Not saved: {exc}")
        self._template(key)
        return rx.toast.success(f"Saved “{SPECS[key].label}”. New texts use this wording.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_reset_template(self, key: str):
        identity = self._me()
        if not self._loaded or not isinstance(key, str) or key not in SPECS:
            return rx.toast.error("Reload the page: nothing was changed.")
        with write_session() as session:
            text_settings.reset_template(session, key, self._actor(identity))
        self._template(key)
        return rx.toast.success(f"“{SPECS[key].label}” is back to the default wording.")
