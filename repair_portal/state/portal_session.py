"""The guard every /portal page and handler goes through: the portal user from the connection's cookie."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from .. import cookies, routes
from ..db import write_session
from ..services import account_sections, portal_auth, portal_preview
from ..services.portal_auth import PortalIdentity
from ..settings import get_settings
from .guard import current_portal, portal_action
from .staff_session import client_of, connection_cookie

NO_PERMISSION = "Your access doesn't include that. Ask your account's administrator."


@dataclass(frozen=True)
class SectionLink:
    key: str
    label: str
    route: str
    icon: str


def portal_identity_of(state: rx.State) -> PortalIdentity | None:
    """The connection's portal user: a staff preview while its cookie is valid, else the session."""
    settings = get_settings()
    with write_session() as session:  # resolving may refresh last_seen_at
        preview = connection_cookie(state, cookies.PORTAL_PREVIEW)
        if preview:
            staff_token = connection_cookie(state, cookies.STAFF_SESSION)
            found = portal_preview.resolve(session, settings, preview, staff_token)
            if found is not None:
                return found
        return portal_auth.resolve(session, settings, connection_cookie(state, cookies.PORTAL_SESSION))


def check_portal(state: rx.State, perm=None, *, leave: bool = False, read_only: bool = False):
    """(identity, None) for a signed-in portal user whose group has `perm`, else (None, the refusal): the
    shop's off-switch, the sign-in page, the second step, a message, or a preview's read-only notice."""
    from ..db import session_scope
    from ..services.portal_policy import portal_off

    identity = portal_identity_of(state)
    with session_scope() as session:
        off = portal_off(session)
    if off is not None and not (identity and identity.preview):  # staff previews still work
        return None, rx.redirect(off.url or routes.LOOKUP, replace=True)
    if identity is None:
        return None, rx.redirect(routes.PORTAL_SIGN_IN, replace=True)
    if not portal_auth.signed_in(identity):  # a password without the second step yet
        return None, rx.redirect(routes.PORTAL_MFA, replace=True)
    if perm is not None and not identity.may(perm):
        toast = rx.toast.error(NO_PERMISSION)
        return None, ([rx.redirect(routes.PORTAL, replace=True), toast] if leave else toast)
    if identity.preview and not read_only:
        return None, rx.toast.info(portal_preview.READ_ONLY)
    return identity, None


class PortalSessionState(rx.State):
    """What a portal page may show about the signed-in user. Authorisation never trusts these vars."""

    account_user: str = ""
    account_name: str = ""
    sections: list[SectionLink] = []
    preview_by: str = ""  # a staff member's read-only preview: their name, for the banner

    def _portal_identity(self) -> PortalIdentity | None:
        return portal_identity_of(self)

    def _client(self) -> tuple[str, str]:
        return client_of(self)

    def _account(self) -> PortalIdentity:
        """The portal user the guard resolved for this event (`@portal_action` bodies only)."""
        return current_portal()

    def _require_portal(self, perm=None, *, leave: bool = False, read_only: bool = False):
        identity, refusal = check_portal(self, perm, leave=leave, read_only=read_only)
        if identity is None:
            self.account_user = self.account_name = ""
            return None, refusal
        self.account_user = identity.name or identity.email
        self.preview_by = identity.previewer
        return identity, None

    def _require_first_factor(self):
        """The second-step page's guard: a session that passed the password or the emailed link and
        still owes the second step. None: sign in; already signed in: the account."""
        identity = self._portal_identity()
        if identity is None:
            self.account_user = self.account_name = ""
            return None, rx.redirect(routes.PORTAL_SIGN_IN, replace=True)
        if portal_auth.signed_in(identity):
            return None, rx.redirect(routes.PORTAL, replace=True)
        self.account_user = identity.name or identity.email
        return identity, None

    @rx.event
    @portal_action(None, read_only=True)
    def portal_guard(self):
        """on_load of every account page: no (or a dead) session goes to the sign-in page."""
        from ..models import Customer

        identity = self._account()
        with write_session() as session:
            customer = session.get(Customer, identity.customer_id)
            self.account_name = (customer.company or customer.full_name) if customer else ""
        self.sections = [SectionLink(s.key, s.label, s.route, s.icon) for s in account_sections.visible(identity.perms)]
