"""/staff/set-password/<token>: a staff member chooses a password from an invitation or reset link.

A public page (no session). The token comes from the URL path and is never kept in a
state var; the dynamic route already adds `token` to rx.State.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from .. import routes
from ..db import write_session
from ..services import staff_users
from .guard import link_action
from .staff_session import client_of

PATH_PREFIX = routes.STAFF_SET_PASSWORD_PREFIX


class StaffSetPasswordState(rx.State):
    link_state: str = "checking"  # checking, ok, invalid, done
    account_email: str = ""
    account_name: str = ""
    link_error: str = ""
    password_error: str = ""
    confirm_error: str = ""
    submitting: bool = False

    def _link_token(self) -> str:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) == 3 and parts[0] == "staff" and parts[1] == "set-password":
            return parts[2]
        return ""

    def _client(self) -> tuple[str, str]:
        return client_of(self)

    @rx.event
    @link_action
    def load_link(self):
        """on_load: check the link before showing the form (opening it changes nothing but the failure count)."""
        self.password_error = self.confirm_error = ""
        self.submitting = False
        ip, user_agent = self._client()
        with write_session() as session:
            user, error = staff_users.check_link(session, self._link_token(), ip=ip, user_agent=user_agent)
            self.account_email, self.account_name = (user.email, user.name) if user else ("", "")
        self.link_state, self.link_error = ("ok", "") if user else ("invalid", error)

    @rx.event
    @link_action
    async def handle_set_password(self, form_data: dict):
        if self.link_state != "ok" or self.submitting:
            return
        password = str(form_data.get("password", ""))[:1024]
        confirm = str(form_data.get("confirm", ""))[:1024]
        self.password_error = self.confirm_error = ""
        if password != confirm:
            self.confirm_error = "The two passwords don't match."
            return
        token = self._link_token()
        ip, user_agent = self._client()

        def attempt() -> staff_users.RedeemResult:
            with write_session() as session:
                return staff_users.redeem_with_limit(session, token, password, ip=ip, user_agent=user_agent)

        self.submitting = True
        yield  # show the spinner while bcrypt runs (off the event loop)
        try:
            result = await asyncio.to_thread(attempt)
        finally:
            self.submitting = False
        if result.ok:
            self.link_state = "done"
            yield rx.toast.success("Password saved. Sign in with your new password.")
        elif result.field == "password":
            self.password_error = result.error
        else:
            self.link_state, self.link_error = "invalid", result.error
