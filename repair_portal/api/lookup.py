"""POST /api/lookup: the order lookup's form (`/lookup`, its embedded widget, or a plain HTML form on
the shop's own website) — reference + last name → the order's tracking page, this device remembered.

Posts from other sites are expected here (the shop's website), unlike the gate's route: a lookup needs
what only the customer knows, and the per-order and per-address limits apply to every post. Success
sets the same HttpOnly device cookie as the gate (SameSite=Lax) on this top-level navigation, so the
tracking page that follows opens without asking the name again.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response

from .. import cookies, routes
from ..db import write_session
from ..settings import get_settings
from .common import client_of, denied

MAX_TYPED = 200


def _look_up(reference: str, last_name: str, device: str, ip: str, user_agent: str):
    from ..services.order_lookup import look_up

    with write_session() as session:
        return look_up(session, get_settings().secret_key, reference, last_name, device, ip=ip, user_agent=user_agent)


def _back(query: dict[str, str]) -> str:
    """The lookup page again, with what went wrong (never the last name typed)."""
    return routes.frontend(routes.LOOKUP + ("?" + urlencode(query) if query else ""))


async def lookup_post(request: Request) -> Response:
    from ..services.order_lookup import Outcome, parse_reference
    from ..services.tokens import new_token

    try:
        form = await request.form(max_files=0, max_fields=6)
    except ClientDisconnect:
        return denied(400, "The form didn't arrive whole; please try again.")
    reference = str(form.get("reference", ""))[:MAX_TYPED]
    last_name = str(form.get("last_name", ""))[:MAX_TYPED]
    device = request.cookies.get(cookies.DEVICE) or ""
    if len(device) < 20 or len(device) > 100:
        device = new_token()
    ip, user_agent = client_of(request)
    result = await asyncio.to_thread(_look_up, reference, last_name, device, ip, user_agent)
    typed = parse_reference(reference) or ""
    if result.outcome == Outcome.FOUND:
        # `verified` puts the focus on the order's heading (the page then drops it from the address).
        target = routes.frontend(routes.track(result.code) + "?verified=1")
    elif result.outcome == Outcome.LINK_OFF:
        target = _back({"result": "link_off", "at": str(result.location_id or "")})
    elif result.outcome == Outcome.BLOCKED:
        target = _back({"error": "locked", "retry": str(result.retry_after_minutes), "ref": typed})
    elif result.outcome == Outcome.INCOMPLETE:
        target = _back({"error": "incomplete", "ref": typed})
    else:
        target = _back({"error": "mismatch", "ref": typed})
    response = RedirectResponse(target, status_code=303)
    cookies.put(response, cookies.DEVICE, device, secure=get_settings().public_url.startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    return response
