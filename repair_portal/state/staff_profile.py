"""/staff/profile: the signed-in staff member's own password, two-step sign-in (TOTP) and passkeys.

Everything acts on the identity the guard resolved from the connection's cookie (`self._me()`), never
on an id from the page. Secrets (the TOTP secret, its QR code, recovery codes) reach the page as a
script that writes them into the page once; they are never state vars.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ..actions import passkeys as own_passkeys
from ..actions import staff_profile as profile
from ..services import passkeys as passkey_rules
from ..services import staff_password
from ..services.ids import parse_id
from .guard import form_only, staff_action
from .script import fill_text_script, focus_script
from .staff_session import StaffSessionState
from .webauthn_script import create_script, fill_attribute_script

QR_ID = "totp-qr"
APP_LINK_ID = "totp-app-link"
SECRET_ID = "totp-secret"  # noqa: S105 (an element id, not a secret)
CODES_ID = "recovery-codes"


@dataclass
class PasskeyView:
    id: int
    name: str
    created: str
    last_used: str


class StaffProfileState(StaffSessionState):
    loaded: bool = False
    mfa_enabled: bool = False
    mfa_required: bool = False
    must_enrol: bool = False
    codes_left: int = 0
    # Enrolling: the QR code and secret are on the page (written by script), the code form below them.
    setup_open: bool = False
    setup_error: str = ""
    # Recovery codes were just made: shown once (written by script) until dismissed.
    codes_shown: bool = False
    disable_open: bool = False
    disable_error: str = ""
    new_codes_open: bool = False
    new_codes_error: str = ""
    password_errors: dict[str, str] = {}
    password_saved: bool = False
    passkeys: list[PasskeyView] = []
    passkey_error: str = ""
    passkey_busy: bool = False
    _passkey_name: str = ""

    def _refresh(self) -> None:
        shown = profile.view(self._me().user_id)
        self.mfa_enabled, self.mfa_required = shown.enabled, shown.required
        self.must_enrol, self.codes_left = shown.must_enrol, shown.codes_left
        self.passkeys = [PasskeyView(p.id, p.name, p.created, p.last_used) for p in shown.passkeys]
        self.loaded = True

    def _show_codes(self, codes) -> list:
        self.codes_shown = True
        return [rx.call_script(fill_text_script(CODES_ID, "\n".join(codes))), rx.call_script(focus_script(CODES_ID))]

    @rx.event
    @staff_action(None, enrol=True)
    def load_profile(self):
        self.setup_open = self.codes_shown = self.disable_open = self.new_codes_open = False
        self.setup_error = self.disable_error = self.new_codes_error = self.passkey_error = ""
        self.password_errors, self.password_saved, self.passkey_busy = {}, False, False
        self._refresh()
        if self.must_enrol:
            return None
        from .staff_alerts import StaffAlertsState  # the shell's bell (a user who must enrol sees none)

        return StaffAlertsState.load_bell

    # --- password -------------------------------------------------------------------------------

    @rx.event
    @staff_action(None)
    async def handle_change_password(self, form_data: dict):
        identity, actor = self._me(), self._actor(self._me())
        fields = {k: str(form_data.get(k, ""))[:1024] for k in ("current", "password", "confirm")}
        self.password_errors, self.password_saved = {}, False
        try:
            await rx.run_in_thread(
                lambda: staff_password.change_password(
                    None,
                    user_id=identity.user_id,
                    session_id=identity.session_id,
                    current=fields["current"],
                    new=fields["password"],
                    confirm=fields["confirm"],
                    actor=actor,
                )
            )
        except staff_password.PasswordChangeError as exc:
            self.password_errors = {exc.field: str(exc)}
            return None
        self.password_saved = True
        return rx.toast.success("Password changed. You were signed out on your other devices.")

    # --- TOTP -----------------------------------------------------------------------------------

    @rx.event
    @staff_action(None, enrol=True)
    def start_totp(self):
        setup = profile.start_totp(self._me().user_id)
        if setup.error:
            self.setup_error = setup.error
            return None
        self.setup_open, self.setup_error, self.codes_shown = True, "", False
        return [
            rx.call_script(fill_attribute_script(QR_ID, "src", setup.qr_data_url)),
            rx.call_script(fill_attribute_script(APP_LINK_ID, "href", setup.uri)),
            rx.call_script(fill_text_script(SECRET_ID, setup.secret)),
        ]

    @rx.event
    @staff_action(None, enrol=True)
    def confirm_totp(self, form_data: dict):
        outcome = profile.confirm_totp(self._me().user_id, str(form_data.get("code", "")), self._actor(self._me()))
        if not outcome.ok:
            self.setup_error = outcome.error
            return None
        self.setup_open, self.setup_error = False, ""
        self._refresh()
        return [*self._show_codes(outcome.codes), rx.toast.success("Two-step sign-in is on.")]

    @rx.event
    @form_only
    def cancel_setup(self):
        self.setup_open, self.setup_error = False, ""

    @rx.event
    @form_only
    def dismiss_codes(self):
        self.codes_shown = False

    @rx.event
    @form_only
    def set_disable_open(self, value: bool):
        self.disable_open, self.disable_error = bool(value), ""

    @rx.event
    @staff_action(None)
    def handle_disable_totp(self, form_data: dict):
        outcome = profile.disable_totp(self._me().user_id, str(form_data.get("code", "")), self._actor(self._me()))
        if not outcome.ok:
            self.disable_error = outcome.error
            return None
        self.disable_open, self.codes_shown = False, False
        self._refresh()
        return rx.toast.success("Two-step sign-in is off.")

    @rx.event
    @form_only
    def set_new_codes_open(self, value: bool):
        self.new_codes_open, self.new_codes_error = bool(value), ""

    @rx.event
    @staff_action(None)
    def handle_new_codes(self, form_data: dict):
        outcome = profile.new_codes(self._me().user_id, str(form_data.get("code", "")), self._actor(self._me()))
        if not outcome.ok:
            self.new_codes_error = outcome.error
            return None
        self.new_codes_open = False
        self._refresh()
        return self._show_codes(outcome.codes)

    # --- passkeys -------------------------------------------------------------------------------

    @rx.event
    @staff_action(None)
    def start_passkey(self, form_data: dict):
        """Ask the browser to create a passkey; its answer comes back to `finish_passkey`."""
        if (problem := passkey_rules.name_problem(form_data.get("name", ""))) is not None:
            self.passkey_error = problem  # said before the browser asks for the key, not after
            return None
        self._passkey_name = str(form_data.get("name", ""))
        options = own_passkeys.options("staff", self._me().user_id)
        if options is None:
            return None
        self.passkey_error, self.passkey_busy = "", True
        return rx.call_script(create_script(options), callback=StaffProfileState.finish_passkey)

    @rx.event
    @staff_action(None)
    def finish_passkey(self, answer: str):
        identity = self._me()
        result = own_passkeys.add("staff", identity.user_id, str(answer), self._passkey_name, self._actor(identity))
        self.passkey_busy = False
        if not result.ok:
            self.passkey_error = result.error
            return None
        self._passkey_name = ""
        self._refresh()
        return rx.toast.success("Passkey added. You can now sign in with it.")

    @rx.event
    @staff_action(None)
    def handle_remove_passkey(self, passkey_id: int):
        found = parse_id(passkey_id)
        identity = self._me()
        if found is None or not own_passkeys.remove("staff", identity.user_id, found, self._actor(identity)):
            return rx.toast.error("That passkey is already gone.")
        self._refresh()
        return rx.toast.success("Passkey removed.")
