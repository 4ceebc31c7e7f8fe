"""The customer portal's off-switch and the lookup widget's framing, at the HTTP edge.

With `ShopSettings.portal_enabled` off (services/portal_policy.py decides), a customer page or
customer route is answered here before the app sees it: the shop's chosen address, or — without
one — the page itself (its loader shows "not available online, call us"), the lookup page for the
account pages, and a short refusal for files. A signed-in staff member's preview (`?preview=staff`
on a page; the staff cookie for an order's files) still goes through. The page loaders check the
same switch for navigation inside the app (state/track.py, state/lookup.py, state/portal_session.py).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from .. import cookies, routes

_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
OFF_TEXT = "The shop's online portal is switched off. Please call the shop."


def _clean(path: str) -> str:
    return path.rstrip("/") or "/"


def area(path: str) -> str | None:
    """Which customer area a request path is in: 'lookup', 'track', 'portal' (pages), 'lookup_post',
    'track_api', 'portal_api' (routes), or None (staff, assets, signing out, everything else)."""
    p = _clean(path)
    if p in (routes.LOOKUP, routes.LOOKUP + ".html"):
        return "lookup"
    if p.startswith("/track/"):
        return "track"
    if p == routes.PORTAL or p.startswith((routes.PORTAL + "/", routes.PORTAL + ".")):
        return "portal"
    if p == routes.LOOKUP_POST:
        return "lookup_post"
    if p.startswith("/api/track/"):
        return "track_api"
    if p.startswith("/api/portal/") and p != routes.PORTAL_SIGN_OUT_POST:  # signing out always works
        return "portal_api"
    return None


def is_lookup(path: str) -> bool:
    """The lookup page and its form's route: the only ones the shop's websites may frame."""
    return area(path) in ("lookup", "lookup_post")


@dataclass(frozen=True)
class Answer:
    status: int
    location: str = ""  # a redirect
    text: str = ""  # a plain-text refusal


def _portal_off_url_and_preview(cookie_header: str | None, wants_preview: bool):
    """(PortalOff or None, whether a staff member allowed to preview sent this)."""
    from ..db import session_scope, write_session
    from ..services.portal_policy import portal_off
    from ..services.staff_auth import portal_previewer
    from ..settings import get_settings

    with session_scope() as session:
        off = portal_off(session)
    if off is None or not wants_preview:
        return off, False
    token = cookies.parse(cookie_header).get(cookies.STAFF_SESSION)
    if not token:
        return off, False
    with write_session() as session:
        return off, portal_previewer(session, get_settings(), token) is not None


async def portal_off_answer(scope, cookie_header: str | None) -> Answer | None:
    """None: let the request through (the portal is on, a staff preview, or a page that explains)."""
    where = area(scope.get("path", ""))
    if where is None:
        return None
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    preview = query.get("preview", [""])[0] == "staff" or where == "track_api"
    off, previewer = await asyncio.to_thread(_portal_off_url_and_preview, cookie_header, preview)
    if off is None or previewer:
        return None
    method = scope.get("method", "GET")
    if off.url and (where in ("lookup", "track", "portal") or method == "POST"):
        return Answer(303, location=off.url)
    if where in ("lookup", "track"):
        return None  # the page's loader shows "not available online" with the shop's phone number
    if where == "portal":
        return Answer(303, location=routes.LOOKUP)  # the lookup page says it, with the phone number
    if where == "portal_api":  # account sign-in, emailed links, account files: nothing while off
        if method == "POST" or "/magic/" in scope.get("path", ""):
            return Answer(303, location=routes.frontend(routes.LOOKUP))
        return Answer(404, text=OFF_TEXT)
    if where == "lookup_post":
        return Answer(303, location=routes.frontend(routes.LOOKUP))
    if method == "POST":  # the gate's form: back to its page, which explains
        parts = _clean(scope.get("path", "")).split("/")
        code = parts[3] if len(parts) > 3 else ""
        page = routes.track(code) if _CODE.fullmatch(code) else routes.LOOKUP
        return Answer(303, location=routes.frontend(page))
    return Answer(404, text=OFF_TEXT)


def frame_ancestors() -> str:
    """`frame-ancestors` for the lookup page: ours and the websites listed in the shop's settings."""
    from ..db import session_scope
    from ..models import ShopSettings
    from ..services.lookup_widget import frame_ancestors as directive

    with session_scope() as session:
        shop = session.get(ShopSettings, 1)
        return directive(shop.lookup_frame_origins if shop is not None else "")
