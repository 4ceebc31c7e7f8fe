"""/portal/verify: the second step after a password or an emailed link.

A user with TOTP enters a code from their app or a recovery code. A user whose flag or group requires
the second step but who has not set it up enrols here first (scan, confirm a code, keep the recovery
codes). Only a session that passed the first factor and still owes the second gets here
(`@portal_action(None, mfa_pending=True)`); a user who already has TOTP can't replace it from here.
"""

from __future__ import annotations

import reflex as rx

from .. import routes
from ..db import write_session
from ..services import audit, portal_auth, portal_mfa
from ..settings import get_settings
from .guard import form_only, portal_action
from .portal_brand import PortalBrandState
from .portal_enrol import codes_script, enrolment_script


class PortalVerifyState(PortalBrandState):
    mode: str = "loading"  # code: enter a code; enrol: set up first; codes: enrolled, keep the recovery codes
    use_recovery: bool = False
    error: str = ""

    def _actor(self) -> audit.Actor:
        identity = self._account()
        ip, user_agent = self._client()
        return audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)

    @rx.event
    @portal_action(None, mfa_pending=True)
    def load_verify(self):
        self._load_brand()
        self.error = ""
        self.use_recovery = False
        identity = self._account()
        key = get_settings().passcode_key()
        with write_session() as session:
            if portal_mfa.status(session, identity.user_id).enabled:
                self.mode = "code"
                return None
            enrolment = portal_mfa.start_enrolment(session, key, identity.user_id)
        self.mode = "enrol"
        return rx.call_script(enrolment_script(enrolment))

    @rx.event
    @portal_action(None, mfa_pending=True)
    def handle_verify(self, form_data: dict):
        if self.mode != "code":
            return None
        identity = self._account()
        code = str(form_data.get("code", ""))[:64]
        with write_session() as session:
            outcome = portal_mfa.pass_second_step(
                session, get_settings().passcode_key(), identity.user_id, identity.session_id, code, self._actor()
            )
        if not outcome.ok:
            self.error = outcome.error
            return None
        self.error = ""
        events = [rx.redirect(routes.PORTAL, replace=True)]
        if outcome.method == "recovery":
            events.append(rx.toast.info("That recovery code is used up. Make new ones under Sign-in and security."))
        return events

    @rx.event
    @portal_action(None, mfa_pending=True)
    def handle_confirm_enrol(self, form_data: dict):
        """The first code from the new secret: TOTP is on, this sign-in is complete, the codes shown once."""
        if self.mode != "enrol":
            return None
        identity = self._account()
        code = str(form_data.get("code", ""))[:64]
        with write_session() as session:
            outcome = portal_mfa.confirm_enrolment(
                session, get_settings().passcode_key(), identity.user_id, code, self._actor()
            )
            if outcome.ok:
                portal_auth.pass_mfa(session, identity.session_id)
        if not outcome.ok:
            self.error = outcome.error
            return None
        self.error = ""
        self.mode = "codes"
        return rx.call_script(codes_script(outcome.codes))

    @rx.event
    @form_only
    def set_use_recovery(self, value: bool):
        self.use_recovery = bool(value)
        self.error = ""
