"""The staff session guard every /staff page and handler goes through."""

from __future__ import annotations

import reflex as rx

from ..db import write_session
from ..services import audit
from ..services.permissions import Action, can
from ..services.staff_auth import StaffIdentity, resolve_session
from ..settings import get_settings

SESSION_COOKIE = "rp_staff_session"


def client_of(state: rx.State) -> tuple[str, str]:
    """(IP, user agent) of the browser behind an event, as the audit trail and rate limits record it."""
    return state.router.session.client_ip or "", (state.router.headers.user_agent or "")[:400]


LOGIN_ROUTE = "/staff/login"
HOME_ROUTE = "/staff"


class StaffSessionState(rx.State):
    """Holds the opaque session token (cookie) and what the page may show about the user.

    Authorisation never trusts these display vars: every handler calls
    `_require_staff()`, which checks the token against the database.
    """

    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        same_site="strict",
        max_age=60 * 60 * 24,
        secure=get_settings().public_url.startswith("https://"),
    )
    staff_name: str = ""
    staff_role: str = ""
    staff_email: str = ""

    def _identity(self) -> StaffIdentity | None:
        # A write transaction: resolving may refresh last_seen_at, and a deferred
        # transaction that reads then writes can fail at once under concurrency.
        with write_session() as session:
            return resolve_session(session, get_settings(), self.session_token)

    def _actor(self, identity: StaffIdentity) -> audit.Actor:
        return audit.Actor("staff", identity.user_id, identity.email, *self._client())

    def _client(self) -> tuple[str, str]:
        return client_of(self)

    def _require_staff(self) -> StaffIdentity | None:
        """Return the signed-in staff member, or None after clearing what the page shows."""
        identity = self._identity()
        if identity is None:
            self.staff_name = self.staff_role = self.staff_email = ""
            return None
        self.staff_name, self.staff_role, self.staff_email = identity.name, identity.role, identity.email
        return identity

    def _require(self, action: Action | None = None, denied: str = "Your role can't do that.", *, leave: bool = False):
        """Session check, then permission check: `(identity, None)` or `(None, events to return)`.

        Every staff handler starts with this. `leave=True` (page loaders) also sends the user
        back to the order list when the role may not use the page.
        """
        identity = self._require_staff()
        if identity is None:
            return None, self._login_redirect()
        if action is not None and not can(identity.role, action):
            toast = rx.toast.error(denied)
            return None, ([rx.redirect(HOME_ROUTE, replace=True), toast] if leave else toast)
        return identity, None

    def _login_redirect(self):
        path = self.router.url.path or HOME_ROUTE
        target = LOGIN_ROUTE if path in ("", "/", HOME_ROUTE) else f"{LOGIN_ROUTE}?next={path}"
        return rx.redirect(target, replace=True)

    @rx.event
    def guard(self):
        """on_load of every staff page: bounce to the sign-in page without a live session."""
        if self._require_staff() is None:
            return self._login_redirect()
        return None
