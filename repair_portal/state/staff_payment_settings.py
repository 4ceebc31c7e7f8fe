"""Settings → Payments (owners): Stripe keys, online payments on or off, where Pay shows, the deposit rule.

Keys typed on the page arrive with the form's submit (password fields no state var is bound to) and go
straight to the service: no state var ever holds one, and the page gets masked keys only."""

from __future__ import annotations

import reflex as rx

from ..db import session_scope, write_session
from ..models import ShopSettings
from ..services import payment_settings
from ..services.payment_settings import FLAGS, PaymentOptions
from ..services.permissions import Action
from ..settings import get_settings
from .guard import form_only, staff_action
from .staff_session import StaffSessionState

TOGGLES = (*FLAGS, "remove_keys")
TEXT_FIELDS = ("deposit_rule", "deposit_value")
KEY_INPUTS = ("secret_key", "webhook_secret")  # the page's password fields (element ids: pay-<name>)
SOURCES = {
    "environment": "Set in the server's environment: it wins over a key saved here.",
    "settings": "Saved here, encrypted.",
    "unreadable": "Saved here, but it can't be read with this installation's key: enter it again.",
    "": "Not set.",
}


def _input_id(name: str) -> str:
    return "pay-" + name.replace("_", "-")


class StaffPaymentSettingsState(StaffSessionState):
    toggles: dict[str, bool] = dict.fromkeys(TOGGLES, False)
    values: dict[str, str] = {"deposit_rule": "none", "deposit_value": ""}
    errors: dict[str, str] = {}
    conflict: str = ""
    status: str = ""
    tone: str = "gray"
    demo_standin: bool = False
    secret_masked: str = ""  # "sk_live_…4242": never more of a key
    secret_source: str = ""
    webhook_masked: str = ""
    webhook_source: str = ""
    env_overrides_saved: bool = False  # a key saved here is unused while the environment sets one
    has_saved_keys: bool = False
    webhook_url: str = ""
    events: list[str] = []
    currency: str = "GBP"
    _loaded: dict = {}
    _may_edit: bool = False  # set by an authorised load; draft edits from anyone else are ignored

    @rx.var
    def secret_note(self) -> str:
        return SOURCES.get(self.secret_source, "")

    @rx.var
    def webhook_note(self) -> str:
        return SOURCES.get(self.webhook_source, "")

    def _show(self, options: PaymentOptions) -> None:
        self.toggles = {**{name: bool(getattr(options, name)) for name in FLAGS}, "remove_keys": False}
        self.values = {"deposit_rule": options.deposit_rule, "deposit_value": options.deposit_value}

    def _read(self) -> None:
        """Fill the page from the database; the draft starts over."""
        with session_scope() as session:
            view = payment_settings.settings_view(session, get_settings())
        self._show(view.options)
        self._loaded = {name: getattr(view.options, name) for name in PaymentOptions.__dataclass_fields__}
        self.status, self.tone, self.demo_standin = view.status, view.tone, view.demo_standin
        self.secret_masked, self.secret_source = view.secret.masked, view.secret.source
        self.webhook_masked, self.webhook_source = view.webhook.masked, view.webhook.source
        self.has_saved_keys = view.secret.stored or view.webhook.stored
        self.env_overrides_saved = any(k.stored and k.source == "environment" for k in (view.secret, view.webhook))
        self.webhook_url, self.events, self.currency = view.webhook_url, list(view.events), view.currency
        self.errors, self.conflict = {}, ""

    @rx.event
    @staff_action(Action.MANAGE_PAYMENTS, leave=True)
    def load_payment_settings(self):
        self._may_edit = True
        self._read()
        return None

    @rx.event
    @form_only
    def set_value(self, name: str, value: str):
        if self._may_edit and isinstance(name, str) and name in TEXT_FIELDS:
            self.values[name] = str(value)[:40]
            self.errors.pop(name, None)
            if name == "deposit_rule":
                self.errors.pop("deposit_value", None)

    @rx.event
    @form_only
    def set_toggle(self, name: str, value: bool):
        if self._may_edit and isinstance(name, str) and name in TOGGLES:
            self.toggles[name] = value is True
            self.errors.pop(name, None)

    @rx.event
    @staff_action(Action.MANAGE_PAYMENTS, leave=True)
    def handle_save(self, form_data: dict):
        identity = self._me()
        if not self._loaded:
            return rx.toast.error("Reload the page: nothing was saved.")
        typed = form_data if isinstance(form_data, dict) else {}
        keys = {name: str(typed.get(name) or "")[:1000] for name in KEY_INPUTS}
        form = {**self.values, **self.toggles, **keys}
        loaded = PaymentOptions(**self._loaded)
        with write_session() as session:
            errors = payment_settings.save_payment_settings(
                session, get_settings(), form, self._actor(identity), loaded=loaded
            )
        if errors and "conflict" in errors:
            with session_scope() as session:
                theirs = PaymentOptions.of(ShopSettings.current(session))
            mine = PaymentOptions.from_form(form)
            self._read()
            # Their values with this editor's own changes on top: saving again is now a deliberate choice.
            self._show(payment_settings.rebase(loaded, mine, theirs))
            self.conflict = errors["conflict"]
            return rx.toast.warning("Not saved: someone else changed the payment settings meanwhile.")
        if errors:
            self.errors = errors
            return rx.toast.error("Not saved: check the highlighted fields.")
        self._read()
        # The typed keys leave the page's fields (they were never in the state).
        return [rx.toast.success("Saved.")] + [rx.set_value(_input_id(name), "") for name in KEY_INPUTS]
