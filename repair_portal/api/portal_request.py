"""The signed-in portal user behind an HTTP request: the HttpOnly portal cookie (or a staff member's
read-only "view as this user" preview), checked against the database like every portal event, and nobody
while the shop has the portal switched off (a staff preview aside). The one home for every portal route."""

from __future__ import annotations

from starlette.requests import Request

from .. import cookies
from ..db import write_session
from ..services import portal_auth, portal_preview
from ..services.portal_auth import PortalIdentity
from ..services.portal_policy import portal_off
from ..settings import get_settings


def portal_identity(request: Request) -> PortalIdentity | None:
    """Blocking (database): call it in a worker thread."""
    settings = get_settings()
    with write_session() as session:  # resolving may refresh last_seen_at
        preview = request.cookies.get(cookies.PORTAL_PREVIEW)
        if preview:
            found = portal_preview.resolve(session, settings, preview, request.cookies.get(cookies.STAFF_SESSION))
            if found is not None:
                return found
        token = request.cookies.get(cookies.PORTAL_SESSION)
        if not token or portal_off(session) is not None:
            return None
        identity = portal_auth.resolve(session, settings, token)
    return identity if portal_auth.signed_in(identity) else None
