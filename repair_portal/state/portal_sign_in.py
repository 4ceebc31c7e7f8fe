"""/portal/sign-in: an emailed link (the default), a password, or a link to choose a new password.

The password form posts to an HTTP route (api/portal_account.py), which alone writes the HttpOnly
cookie; this state shows that route's answer. Asking for a link answers the same words after the same
time whether or not the address has access (services/portal_signin.py does the same work for both;
the reply is also padded to a fixed floor here, so a slow database can't tell them apart).
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from .. import routes
from ..db import write_session
from ..services import passkeys, portal_auth, portal_signin
from ..services.emails import is_valid_email, normalise_email
from ..services.ids import is_digits
from ..settings import get_settings
from .guard import form_only, public
from .mail_links import links
from .portal_brand import PortalBrandState
from .webauthn_script import get_and_post_script

ANSWER_FLOOR_SECONDS = 0.6
LINK_PROBLEM = "That sign-in link has expired or was already used. Ask for a new one below."
SIGNED_OUT = "You're signed out."
PASSKEY_FORM_ID = "passkey-form"
PASSKEY_FIELD_ID = "passkey-credential"
PASSKEY_STOPPED = {
    "cancelled": "No passkey was used: cancelled, or this device has none for this shop.",
    "unsupported": "This browser can't use passkeys. Use an email link or your password.",
}
TABS = ("link", "password")


class PortalSignInState(PortalBrandState):
    tab: str = "link"  # link: email me a link; password
    forgot: bool = False  # the password tab shows "email me a link to choose a new password"
    notice: str = ""  # the link answer (the same for every address)
    error: str = ""  # the password route's answer, a dead link, too many requests
    email_error: str = ""
    sending: bool = False
    passkey_busy: bool = False

    @rx.event
    @public
    def load_sign_in(self):
        self._load_brand()
        self.notice = self.error = self.email_error = ""
        self.sending = self.forgot = self.passkey_busy = False
        identity = self._portal_identity()
        if portal_auth.signed_in(identity):
            return rx.redirect(routes.PORTAL, replace=True)
        params = self.router.url.query_parameters
        self.tab = "password" if params.get("tab") == "password" else "link"
        problem = params.get("error")
        if problem == "invalid":
            self.tab, self.error = "password", portal_signin.GENERIC_LOGIN_ERROR
        elif problem == "locked":
            retry = str(params.get("retry", ""))
            minutes = int(retry) if is_digits(retry) and len(retry) < 5 else 15
            self.tab, self.error = "password", portal_signin.blocked_message(minutes)
        elif problem == "link":
            self.error = LINK_PROBLEM
        elif problem == "passkey":
            self.error = passkeys.REFUSED
        elif params.get("signed_out") == "1":
            self.notice = SIGNED_OUT
        return None

    @rx.event
    @form_only
    def set_tab(self, value: str):
        self.tab = value if value in TABS else "link"
        self.forgot = False
        self.notice = self.error = self.email_error = ""

    @rx.event
    @form_only
    def show_forgot(self, value: bool):
        self.forgot = bool(value)
        self.notice = self.error = self.email_error = ""

    @rx.event
    @public
    async def handle_link_request(self, form_data: dict):
        """Email a one-time sign-in link (15 minutes)."""
        async for update in self._ask_for(form_data, portal_signin.MAGIC):
            yield update

    @rx.event
    @public
    async def handle_reset_request(self, form_data: dict):
        """Email a link to choose a new password (30 minutes)."""
        async for update in self._ask_for(form_data, portal_signin.RESET):
            yield update

    @rx.event
    @public
    def start_passkey_sign_in(self):
        """A challenge stored server-side, then the browser's passkey prompt; the signed answer is posted
        to the passkey route (only a route sets the HttpOnly cookie)."""
        ip, _ = self._client()
        with write_session() as session:
            options = passkeys.authentication_options(session, get_settings(), owner_kind="portal", client_ip=ip)
        if options is None:
            self.error = passkeys.TOO_MANY
            return None
        self.error, self.notice, self.passkey_busy = "", "", True
        script = get_and_post_script(options, PASSKEY_FORM_ID, PASSKEY_FIELD_ID)
        return rx.call_script(script, callback=PortalSignInState.passkey_stopped)

    @rx.event
    @form_only
    def passkey_stopped(self, outcome: str):
        """The prompt closed without posting (cancelled, no passkey, unsupported). "" means it posted."""
        if str(outcome) == "":
            return
        self.passkey_busy = False
        self.error = PASSKEY_STOPPED.get(str(outcome), passkeys.REFUSED)

    async def _ask_for(self, form_data: dict, purpose: str):
        if self.sending:
            return
        email = normalise_email(str(form_data.get("email", ""))[:300])
        self.notice = self.error = self.email_error = ""
        if not is_valid_email(email):  # the shape of an address: nothing about who has access
            self.email_error = "Enter your email address, like name@example.com."
            return
        ip, user_agent = self._client()
        self.sending = True
        yield
        started = time.monotonic()

        def ask() -> portal_signin.LinkAnswer:
            with write_session() as session:
                return portal_signin.request_link(
                    session, links(), email=email, purpose=purpose, ip=ip, user_agent=user_agent
                )

        try:
            answer = await asyncio.to_thread(ask)
            await asyncio.sleep(max(0.0, ANSWER_FLOOR_SECONDS - (time.monotonic() - started)))
        finally:
            self.sending = False
        if answer.ok:
            self.notice = answer.message
        else:
            self.error = answer.message
