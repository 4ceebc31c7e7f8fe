"""The sign-in page. The form itself posts to an HTTP route (`api/staff.py`), which alone writes the
HttpOnly session cookie; this state only shows that route's answer."""

from __future__ import annotations

import reflex as rx

from ..db import write_session
from ..services import passkeys
from ..services.ids import is_digits
from ..services.staff_auth import GENERIC_LOGIN_ERROR, blocked_message
from ..settings import get_settings
from .guard import form_only, public
from .staff_session import HOME_ROUTE, StaffSessionState
from .webauthn_script import get_and_post_script

PASSKEY_FORM_ID = "passkey-form"
PASSKEY_FIELD_ID = "passkey-credential"
EXPIRED = "That sign-in took too long. Enter your email and password again."
PASSKEY_STOPPED = {
    "cancelled": "No passkey was used: cancelled, or this device has none for this shop.",
    "unsupported": "This browser can't use passkeys. Sign in with your password.",
}


class StaffLoginState(StaffSessionState):
    error: str = ""
    next_path: str = ""
    passkey_busy: bool = False

    @rx.event
    @public
    def load_login(self):
        params = self.router.url.query_parameters
        self.next_path = str(params.get("next", ""))[:200]
        self.error, self.passkey_busy = "", False
        if self._require_staff() is not None:
            return rx.redirect(HOME_ROUTE, replace=True)
        if params.get("error") == "invalid":
            self.error = GENERIC_LOGIN_ERROR
        elif params.get("error") == "locked":
            retry = str(params.get("retry", ""))
            self.error = blocked_message(int(retry) if is_digits(retry) and len(retry) < 5 else 15)
        elif params.get("error") == "expired":
            self.error = EXPIRED
        elif params.get("error") == "passkey":
            self.error = passkeys.REFUSED
        return None

    @rx.event
    @public
    def start_passkey_sign_in(self):
        """A challenge stored server-side, then the browser's passkey prompt; the signed answer is posted to
        the sign-in route by the script (only a route sets the HttpOnly cookie)."""
        ip, _ = self._client()
        with write_session() as session:
            options = passkeys.authentication_options(session, get_settings(), owner_kind="staff", client_ip=ip)
        if options is None:
            self.error = passkeys.TOO_MANY
            return None
        self.error, self.passkey_busy = "", True
        script = get_and_post_script(options, PASSKEY_FORM_ID, PASSKEY_FIELD_ID)
        return rx.call_script(script, callback=StaffLoginState.passkey_stopped)

    @rx.event
    @form_only
    def passkey_stopped(self, outcome: str):
        """The script's answer: "" when it posted the form (the page is leaving), else why it stopped."""
        if outcome == "":
            return
        self.passkey_busy = False
        self.error = PASSKEY_STOPPED.get(str(outcome), passkeys.REFUSED)
