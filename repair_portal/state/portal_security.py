"""/portal/security: the signed-in portal user's password, two-step sign-in (TOTP) and recovery codes.

Every handler acts on the user of the connection's session cookie (`@portal_action(None)`), never on
an id from the browser. Secrets shown once (QR, secret, recovery codes) reach the page as scripts.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ..db import get_engine, session_scope, write_session
from ..models import PortalUser
from ..services import audit, portal_mfa, portal_passwords, portal_signin
from ..settings import get_settings
from .guard import form_only, portal_action
from .mail_links import links
from .portal_enrol import codes_script, enrolment_script
from .portal_session import PortalSessionState

PANELS = ("", "disable", "renew")


class PortalSecurityState(PortalSessionState):
    has_password: bool = False
    password_mix: bool = False
    totp_on: bool = False
    totp_required: bool = False
    codes_left: int = 0
    enrolling: bool = False  # the QR code and the confirm form are showing
    codes_shown: bool = False  # new recovery codes are on the page (once)
    panel: str = ""  # disable, renew: the form asking for a current code
    errors: dict[str, str] = {}
    password_notice: str = ""
    link_notice: str = ""
    busy: bool = False

    def _actor(self) -> audit.Actor:
        identity = self._account()
        ip, user_agent = self._client()
        return audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)

    def _refresh(self) -> None:
        user_id = self._account().user_id
        with session_scope() as session:
            user = session.get(PortalUser, user_id)
            mfa = portal_mfa.status(session, user_id)
            self.has_password = bool(user and user.password_hash)
            self.password_mix = portal_passwords.mix_rule(session)
        self.totp_on, self.totp_required, self.codes_left = mfa.enabled, mfa.required, mfa.codes_left

    @rx.event
    @portal_action(None, read_only=True)
    def load_security(self):
        self.errors = {}
        self.password_notice = self.link_notice = self.panel = ""
        self.enrolling = self.codes_shown = self.busy = False
        self._refresh()

    # --- password ---------------------------------------------------------------------------

    @rx.event
    @portal_action(None)
    async def handle_change_password(self, form_data: dict):
        identity = self._account()
        ip, user_agent = self._client()
        current = str(form_data.get("current", ""))[:1024]
        new = str(form_data.get("new", ""))[:1024]
        confirm = str(form_data.get("confirm", ""))[:1024]
        self.errors, self.password_notice = {}, ""
        if new != confirm:
            self.errors = {"confirm": "The two new passwords don't match."}
            return None
        try:
            revoked = await asyncio.to_thread(
                portal_passwords.change_password,
                get_engine(),
                user_id=identity.user_id,
                session_id=identity.session_id,
                current=current,
                new=new,
                ip=ip,
                user_agent=user_agent,
            )
        except portal_passwords.PasswordError as exc:
            self.errors = {exc.field or "current": str(exc)}
            return None
        others = f" {revoked} other browser{'s were' if revoked != 1 else ' was'} signed out." if revoked else ""
        self.password_notice = "Your password is changed." + others
        return None

    @rx.event
    @portal_action(None)
    async def send_password_link(self):
        """No password yet (invited, signs in by email): a link to choose one, to their own address."""
        identity = self._account()
        ip, user_agent = self._client()

        def ask():
            with write_session() as session:
                return portal_signin.request_link(
                    session, links(), email=identity.email, purpose=portal_signin.RESET, ip=ip, user_agent=user_agent
                )

        answer = await asyncio.to_thread(ask)
        self.link_notice = (
            f"We've emailed {identity.email} a link to choose your password. It works once, within 30 minutes."
            if answer.ok
            else answer.message
        )

    # --- two-step sign-in ---------------------------------------------------------------------

    @rx.event
    @portal_action(None)
    def start_enrol(self):
        self.errors, self.panel, self.codes_shown = {}, "", False
        try:
            with write_session() as session:
                enrolment = portal_mfa.start_enrolment(session, get_settings().passcode_key(), self._account().user_id)
        except portal_mfa.MfaError as exc:
            self.errors = {"enrol": str(exc)}
            self._refresh()
            return None
        self.enrolling = True
        return rx.call_script(enrolment_script(enrolment))

    @rx.event
    @portal_action(None)
    def handle_confirm_enrol(self, form_data: dict):
        if not self.enrolling:
            return None
        code = str(form_data.get("code", ""))[:64]
        with write_session() as session:
            outcome = portal_mfa.confirm_enrolment(
                session, get_settings().passcode_key(), self._account().user_id, code, self._actor()
            )
        if not outcome.ok:
            self.errors = {"enrol": outcome.error}
            return None
        self.errors, self.enrolling = {}, False
        return self._show_codes(outcome.codes)

    def _show_codes(self, codes):
        self.codes_shown = True
        self._refresh()
        return rx.call_script(codes_script(codes))

    @rx.event
    @form_only
    def cancel_enrol(self):
        """Hide the QR code; the secret stays pending (unusable) until the next start replaces it."""
        self.enrolling = False
        self.errors = {}

    @rx.event
    @form_only
    def set_panel(self, value: str):
        self.panel = value if value in PANELS else ""
        self.errors = {}

    @rx.event
    @form_only
    def dismiss_codes(self):
        self.codes_shown = False

    @rx.event
    @portal_action(None)
    def handle_disable(self, form_data: dict):
        code = str(form_data.get("code", ""))[:64]
        with write_session() as session:
            outcome = portal_mfa.disable(
                session, get_settings().passcode_key(), self._account().user_id, code, self._actor()
            )
        if not outcome.ok:
            self.errors = {"disable": outcome.error}
            return None
        self.errors, self.panel, self.codes_shown = {}, "", False
        self._refresh()
        return rx.toast.success("Two-step sign-in is off.")

    @rx.event
    @portal_action(None)
    def handle_renew_codes(self, form_data: dict):
        code = str(form_data.get("code", ""))[:64]
        with write_session() as session:
            outcome = portal_mfa.renew_recovery_codes(
                session, get_settings().passcode_key(), self._account().user_id, code, self._actor()
            )
        if not outcome.ok:
            self.errors = {"renew": outcome.error}
            return None
        self.errors, self.panel = {}, ""
        return self._show_codes(outcome.codes)
