"""/portal/set-password/<token>: a portal user chooses a password from an invitation (72 hours) or a
reset link (30 minutes). A public page: the link is the credential (`@link_action`).

Opening the page only looks at the link; saving spends it. Then the browser is signed in the way an
emailed link signs it in: a fresh one-time sign-in token reaches this tab inside a script that posts
it to the sign-in link route (never a state var), and that route sets the HttpOnly cookie and sends
the browser on to the account, or to the second step when TOTP is on or required.
"""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from .. import routes
from ..db import write_session
from ..models import PortalTokenPurpose, PortalUser
from ..services import portal_auth, portal_passwords
from .guard import link_action
from .portal_brand import PortalBrandState


def post_script(action: str) -> str:
    """Submit an empty form to `action`: a real POST (the route answers with the cookie and a redirect)."""
    return (
        "(function(){const f=document.createElement('form');f.method='post';"
        f"f.action={json.dumps(action)};f.style.display='none';document.body.appendChild(f);f.submit();}})()"
    )


class PortalSetPasswordState(PortalBrandState):
    link_state: str = "checking"  # checking, ok, invalid, done
    account_email: str = ""
    invitation: bool = False
    password_mix: bool = False
    link_error: str = ""
    password_error: str = ""
    confirm_error: str = ""
    submitting: bool = False

    def _link_token(self) -> str:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) == 3 and parts[0] == "portal" and parts[1] == "set-password":
            return parts[2]
        return ""

    @rx.event
    @link_action
    def load_link(self):
        """on_load: who the link is for (opening it spends nothing; a bad link counts against the address)."""
        self._load_brand()
        self.password_error = self.confirm_error = ""
        self.submitting = False
        ip, user_agent = self._client()
        with write_session() as session:
            found = portal_passwords.check_link(session, self._link_token(), ip=ip, user_agent=user_agent)
        self.account_email = found.email
        self.invitation = found.purpose == PortalTokenPurpose.INVITE.value
        self.password_mix = found.mix
        self.link_state, self.link_error = ("ok", "") if found.email else ("invalid", found.error)

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

        def attempt() -> tuple[portal_passwords.Redeemed, str | None]:
            with write_session() as session:
                result = portal_passwords.redeem_link(session, token, password, ip=ip, user_agent=user_agent)
                if not result.ok:
                    return result, None
                user = session.get(PortalUser, result.user_id)
                return result, portal_auth.issue_token(session, user, PortalTokenPurpose.MAGIC.value)

        self.submitting = True
        yield  # the spinner, while bcrypt runs off the event loop
        try:
            result, sign_in_token = await asyncio.to_thread(attempt)
        finally:
            self.submitting = False
        if result.ok:
            self.link_state = "done"
            yield rx.call_script(post_script(routes.backend(routes.portal_magic(sign_in_token))))
        elif result.field == "password":
            self.password_error = result.error
        else:
            self.link_state, self.link_error = "invalid", result.error
