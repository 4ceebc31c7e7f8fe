"""/portal/security's passkeys: the signed-in portal user's own, listed, added and removed. Every handler
acts on the user of the connection's cookie (`@portal_action(None)`); a passkey id from the page is
re-checked against that user in the service."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ..actions import passkeys as own_passkeys
from ..services import audit
from ..services import passkeys as passkey_rules
from ..services.ids import parse_id
from .guard import portal_action
from .portal_session import PortalSessionState
from .webauthn_script import create_script

OWNER = "portal"


@dataclass
class PortalPasskeyView:
    id: int
    name: str
    created: str
    last_used: str


class PortalPasskeysState(PortalSessionState):
    passkeys: list[PortalPasskeyView] = []
    passkey_error: str = ""
    passkey_busy: bool = False
    _passkey_name: str = ""

    def _actor(self) -> audit.Actor:
        identity = self._account()
        ip, user_agent = self._client()
        return audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)

    def _refresh(self) -> None:
        rows = own_passkeys.lines(OWNER, self._account().user_id)
        self.passkeys = [PortalPasskeyView(p.id, p.name, p.created, p.last_used) for p in rows]

    @rx.event
    @portal_action(None, read_only=True)
    def load_passkeys(self):
        self.passkey_error, self.passkey_busy = "", False
        self._refresh()

    @rx.event
    @portal_action(None)
    def start_passkey(self, form_data: dict):
        """Ask the browser to create a passkey; its answer comes back to `finish_passkey`."""
        if (problem := passkey_rules.name_problem(form_data.get("name", ""))) is not None:
            self.passkey_error = problem  # said before the browser asks for the key, not after
            return None
        self._passkey_name = str(form_data.get("name", ""))
        options = own_passkeys.options(OWNER, self._account().user_id)
        if options is None:
            return None
        self.passkey_error, self.passkey_busy = "", True
        return rx.call_script(create_script(options), callback=PortalPasskeysState.finish_passkey)

    @rx.event
    @portal_action(None)
    def finish_passkey(self, answer: str):
        result = own_passkeys.add(OWNER, self._account().user_id, str(answer), self._passkey_name, self._actor())
        self.passkey_busy = False
        if not result.ok:
            self.passkey_error = result.error
            return None
        self._passkey_name = ""
        self._refresh()
        return rx.toast.success("Passkey added. You can now sign in with it.")

    @rx.event
    @portal_action(None)
    def handle_remove_passkey(self, passkey_id: int):
        found = parse_id(passkey_id)
        if found is None or not own_passkeys.remove(OWNER, self._account().user_id, found, self._actor()):
            return rx.toast.error("That passkey is already gone.")
        self._refresh()
        return rx.toast.success("Passkey removed.")
