"""The staff session guard every /staff page and handler goes through."""

from __future__ import annotations

import json
import logging

import reflex as rx

from .. import cookies, routes
from ..db import write_session
from ..services import audit
from ..services.permissions import Action, can
from ..services.staff_auth import StaffIdentity, resolve_session
from ..settings import get_settings
from .guard import CURRENT_STAFF, staff_action

log = logging.getLogger("repair_portal.security")


def connection_cookie(state: rx.State, name: str) -> str | None:
    """A cookie of the websocket connection that sent the current event (never a state var: a
    state can be reached again with its client token from another connection)."""
    return cookies.parse(state.router.headers.cookie).get(name) or None


def client_of(state: rx.State) -> tuple[str, str]:
    """(IP, user agent) of the browser behind an event, as the audit trail and rate limits record it."""
    return state.router.session.client_ip or "", (state.router.headers.user_agent or "")[:400]


LOGIN_ROUTE = routes.STAFF_LOGIN
HOME_ROUTE = routes.STAFF_HOME


class StaffSessionState(rx.State):
    """What the page may show about the signed-in staff member.

    Authorisation never trusts these display vars: every handler calls `_require_staff()`,
    which checks the connection's HttpOnly session cookie against the database.
    """

    staff_name: str = ""
    staff_role: str = ""
    staff_email: str = ""

    def _identity(self) -> StaffIdentity | None:
        """Whoever the cookie belongs to, including a session still waiting for its second step and a user
        who must set up TOTP first: `_require` decides what each may run."""
        # A write transaction: resolving may refresh last_seen_at, and a deferred
        # transaction that reads then writes can fail at once under concurrency.
        with write_session() as session:
            token = connection_cookie(self, cookies.STAFF_SESSION)
            return resolve_session(session, get_settings(), token, pending_ok=True, enrol_ok=True)

    def _actor(self, identity: StaffIdentity) -> audit.Actor:
        return audit.Actor("staff", identity.user_id, identity.email, *self._client())

    def _client(self) -> tuple[str, str]:
        return client_of(self)

    def _require_staff(self, *, pending_ok: bool = False) -> StaffIdentity | None:
        """Return the signed-in staff member, or None after clearing what the page shows. A session still
        waiting for its second step counts only with `pending_ok`."""
        # Within a guarded handler the guard has just resolved it for this very event.
        identity = CURRENT_STAFF.get() or self._identity()
        if identity is None or (identity.mfa_pending and not pending_ok):
            self.staff_name = self.staff_role = self.staff_email = ""
            return None
        self.staff_name, self.staff_role, self.staff_email = identity.name, identity.role, identity.email
        return identity

    def _me(self) -> StaffIdentity:
        """The staff member the guard resolved for the event being handled (`@staff_action` bodies only)."""
        identity = CURRENT_STAFF.get()
        if identity is None:
            raise RuntimeError("_me() outside a @staff_action handler")
        return identity

    def _require(
        self,
        action: Action | None = None,
        denied: str = "Your role can't do that.",
        *,
        leave: bool = False,
        counter: bool = False,
        mfa_pending: bool = False,
        enrol: bool = False,
    ):
        """Session check, then permission check: `(identity, None)` or `(None, events to return)`.

        Every staff handler starts with this. `leave=True` (page loaders) also sends the user
        back to the order list when the role may not use the page.
        """
        identity = self._require_staff(pending_ok=True)
        if identity is None:
            return None, self._login_redirect()
        if identity.mfa_pending != mfa_pending:
            # Password only: the code comes first. Fully signed in: the second step has nothing to do.
            if identity.mfa_pending:
                self.staff_name = self.staff_role = self.staff_email = ""  # no back-office shell meanwhile
            return None, rx.redirect(routes.STAFF_VERIFY if identity.mfa_pending else HOME_ROUTE, replace=True)
        if identity.counter_locked != counter:
            # Locked: whatever the URL, back to the signing screen. Unlocked: the screen has nothing to show.
            return None, rx.redirect(routes.STAFF_COUNTER if identity.counter_locked else HOME_ROUTE, replace=True)
        if identity.must_enrol and not enrol:
            if self.router.url.path.rstrip("/") == routes.STAFF_PROFILE:
                return None, []  # already where they must be (the shell's bell, say): nothing to do
            # No toast: a page's loaders and the shell's bell would each add one; the profile page says why.
            return None, rx.redirect(routes.STAFF_PROFILE, replace=True)
        if action is not None and not can(identity.role, action):
            log.info(
                "permission denied: %s (%s) may not %s on %s",
                identity.user_id,
                identity.role,
                action,
                self.router.url.path,
            )
            toast = rx.toast.error(denied)
            return None, ([rx.redirect(HOME_ROUTE, replace=True), toast] if leave else toast)
        return identity, None

    def _login_redirect(self):
        """To the sign-in page. A connection still carrying a dead session cookie (expired, revoked,
        deactivated) goes through the sign-out route, which drops the cookie: the page then loads
        afresh and the cookieless connection finds this client's states reset."""
        path = self.router.url.path or HOME_ROUTE
        query = "" if path in ("", "/", HOME_ROUTE) else f"?next={path}"
        if connection_cookie(self, cookies.STAFF_SESSION):
            target = json.dumps(routes.backend(routes.STAFF_SIGN_OUT_POST + query))
            return rx.call_script(f"window.location.replace({target})")
        return rx.redirect(LOGIN_ROUTE + query, replace=True)

    @rx.event
    @staff_action(None)
    def guard(self):
        """on_load of every staff page: the guard bounces a missing or dead session to the sign-in page."""
        from .staff_alerts import StaffAlertsState  # the bell of every staff page

        return StaffAlertsState.load_bell
