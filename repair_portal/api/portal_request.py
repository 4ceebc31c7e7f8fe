"""The signed-in portal user behind an HTTP request: the HttpOnly portal cookie, checked against the
database like every portal event (and nobody while the shop has the portal switched off)."""

from __future__ import annotations

from starlette.requests import Request

from .. import cookies
from ..db import write_session
from ..services import portal_auth
from ..services.portal_auth import PortalIdentity
from ..services.portal_policy import portal_off
from ..settings import get_settings


def portal_identity(request: Request) -> PortalIdentity | None:
    """Blocking (database): call it in a worker thread."""
    token = request.cookies.get(cookies.PORTAL_SESSION)
    if not token:
        return None
    with write_session() as session:  # resolving may refresh last_seen_at
        if portal_off(session) is not None:
            return None
        identity = portal_auth.resolve(session, get_settings(), token)
    return identity if portal_auth.signed_in(identity) else None
