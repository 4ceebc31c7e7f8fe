"""Ties every client's Reflex state to the identity cookies of the connection that uses it.

Reflex keeps a tab's state under a client token that the browser chooses and that anyone who
sees it can present again. Identity never comes from that state: handlers read the cookies the
current websocket connection was opened with. This middleware makes sure the *data* a state
holds can't outlive the identity either: when a connection's identity cookies differ from those
the state was last used with (sign-in, sign-out, expiry, another person, a replayed token on a
connection without the cookie), every state of the client is reset before the event runs, so
not even the hydrate that follows sends the previous person's data.
"""

from __future__ import annotations

import functools
import hashlib
import logging

import reflex as rx
from reflex.middleware import Middleware

from .. import cookies

log = logging.getLogger("repair_portal.security")


class ConnectionState(rx.State):
    """Server-only: which identity cookies this client's states were filled under."""

    _binding: str = ""


def binding_of(cookie_header: str | None) -> str:
    """A digest of the identity cookies in a Cookie header ('' cookies count as absent)."""
    jar = cookies.parse(cookie_header)
    raw = "\x00".join(jar.get(name, "") for name in cookies.IDENTITY_COOKIES)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@functools.cache
def app_state_classes() -> tuple[type[rx.State], ...]:
    """Every state class of this app that holds per-client data (not Reflex's, not live channels)."""
    found, todo = [], list(rx.State.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("repair_portal.state.") and cls is not ConnectionState:
            found.append(cls)
    return tuple(sorted(found, key=lambda c: c.get_full_name()))


async def reset_client(root: rx.State) -> None:
    """Every app state of this client back to its defaults (the tab shows an empty page until its
    loaders run again under the new identity)."""
    for cls in app_state_classes():
        substate = await root.get_state(cls)
        substate.reset()


class IdentityBinding(Middleware):
    async def preprocess(self, app, state, event):
        headers = (state.router_data or {}).get("headers") or {}
        binding = binding_of(headers.get("cookie"))
        connection = await state.get_state(ConnectionState)
        if connection._binding != binding:
            if connection._binding:
                log.info("identity changed on a client: its states were reset")
            await reset_client(state)
            connection._binding = binding
        return None


async def state_binding(app: rx.App, client_token: str) -> str | None:
    """The identity binding stored for a client token (None when there is no such state yet)."""
    from reflex.istate.manager.token import BaseStateToken

    root = await app.state_manager.get_state(BaseStateToken(ident=client_token, cls=ConnectionState))
    connection = await root.get_state(ConnectionState)
    return connection._binding or None
