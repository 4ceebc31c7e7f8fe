"""Customer HTTP routes: the last-name check (the only place the device cookie is written),
downloads and files. Authorised from the tracking code, the device's HttpOnly cookie and the database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import cookies, routes
from ..db import session_scope, write_session
from ..settings import get_settings
from .common import MISSING_FILE, client_of, denied, file_response, from_our_pages, path_id, read_stored
from .documents import PORTAL_DOCUMENTS, render

NOT_SHARED = "The shop doesn't share this document online"


@dataclass(frozen=True)
class PortalAccess:
    """Who may read what, for one request: the order, or the status and text of a refusal."""

    order_id: int | None
    status: int = 200
    reason: str = ""


def portal_access_for(request: Request, *, full_access: bool, part: str) -> PortalAccess:
    """The live link is the customer's authorisation; personal details also need this device to have
    passed the shop's access check, or a signed-in staff member allowed to preview the portal. `part`
    (services/order_parts.DOCUMENT_PERMS) must be one the "Non-portal visitor" group may see now."""
    from ..models import Order
    from ..services import order_parts, portal_access
    from ..services.portal_links import LinkStatus, resolve
    from ..services.portal_permissions import visitor_perms

    with session_scope() as session:
        result = resolve(session, request.path_params.get("code", ""))
        if result.status != LinkStatus.OK:
            return PortalAccess(None, 404, "This link doesn't work any more")
        if full_access:
            order = session.get(Order, result.order_id)
            if not portal_access.can_view(session, order, request.cookies.get(cookies.DEVICE)) and not _is_previewer(
                request.cookies.get(cookies.STAFF_SESSION)
            ):
                return PortalAccess(None, 403, "Open your tracking page and confirm it's you first")
        if not order_parts.may_download(part, visitor_perms(session)):
            return PortalAccess(None, 404, NOT_SHARED)
    return PortalAccess(result.order_id)


def _portal_shows(kind: str) -> bool:
    """The shop's portal switches apply to the downloads too: invoice = payments, quote/signed = quote."""
    from ..models import ShopSettings

    with session_scope() as session:
        shop = ShopSettings.current(session)
    if kind == "qr":
        return True
    return shop.show_payments if kind == "invoice" else shop.show_quote


def portal_document(kind: str):
    async def endpoint(request: Request) -> Response:
        access = await asyncio.to_thread(portal_access_for, request, full_access=kind != "qr", part=kind)
        if access.order_id is None:
            return denied(access.status, access.reason)
        if not await asyncio.to_thread(_portal_shows, kind):
            return denied(404, NOT_SHARED)
        rendered = await asyncio.to_thread(render, PORTAL_DOCUMENTS, kind, access.order_id)
        if rendered is None:
            return denied(404, "There is no quote for this order yet")
        return file_response(*rendered)

    return endpoint


def visible_file(order_id: int, attachment_id: int) -> tuple | None:
    """(path, content type, download name) of a file the shop marked visible on this order, of a kind the
    portal shows; None otherwise (blocking: call it in a worker thread). `/track` and the account's
    order page both serve files through it."""
    from ..models import Attachment
    from ..services.portal_policy import visible_attachment_kinds

    with session_scope() as session:
        item = session.get(Attachment, attachment_id)
        allowed_kinds = visible_attachment_kinds(session)
        if item is None or item.order_id != order_id or not item.visible_to_customer or item.kind not in allowed_kinds:
            return None
        path = get_settings().uploads_dir / item.storage_name
        return path, item.content_type, item.original_filename or item.storage_name


async def send_visible_file(order_id: int, attachment_id: int | None) -> Response:
    found = await asyncio.to_thread(visible_file, order_id, attachment_id) if attachment_id is not None else None
    if found is None:
        return denied(404, "No such file")
    path, media, name = found
    body = await asyncio.to_thread(read_stored, path)
    if body is None:
        return denied(404, MISSING_FILE)
    return file_response(body, media, name)


async def portal_file(request: Request) -> Response:
    """A photo or document the shop marked visible, for a customer who may see the order."""
    access = await asyncio.to_thread(portal_access_for, request, full_access=True, part="files")
    if access.order_id is None:
        return denied(403 if access.status == 403 else 404, access.reason)
    return await send_visible_file(access.order_id, path_id(request, "attachment_id"))


def _check_last_name(code: str, attempt: str, device: str, ip: str, user_agent: str):
    from ..models import Order
    from ..services import portal_access
    from ..services.portal_links import LinkStatus, resolve

    with write_session() as session:
        result = resolve(session, code)
        if result.status != LinkStatus.OK:
            return None
        order = session.get(Order, result.order_id)
        return portal_access.check_last_name(
            session, order, result.link_id, attempt, device, ip=ip, user_agent=user_agent
        )


def _is_previewer(staff_token: str | None) -> bool:
    from ..services.staff_auth import portal_previewer

    if not staff_token:
        return False
    with write_session() as session:
        return portal_previewer(session, get_settings(), staff_token) is not None


async def verify_last_name(request: Request) -> Response:
    """The gate's form posts here. Success remembers this device (HttpOnly cookie, SameSite=Lax) and
    reopens the tracking page, whose new connection carries the cookie; a failure goes back to the
    gate with what went wrong. Opening a link changes nothing: only this explicit post does."""
    from ..services.tokens import new_token

    code = request.path_params.get("code", "")
    page = routes.track(code)
    if not from_our_pages(request):
        return denied(403, "Confirm your name on the shop's own tracking page.")
    form = await request.form(max_files=0, max_fields=4)
    if form.get("preview") == "staff" and await asyncio.to_thread(
        _is_previewer, request.cookies.get(cookies.STAFF_SESSION)
    ):
        # A staff member's preview of the portal never verifies a device or counts a failure.
        return RedirectResponse(routes.frontend(page + "?preview=staff"), status_code=303)
    attempt = str(form.get("last_name", ""))[:200]
    tab = str(form.get("tab", ""))
    device = request.cookies.get(cookies.DEVICE) or ""
    if len(device) < 20 or len(device) > 100:
        device = new_token()
    ip, user_agent = client_of(request)
    outcome = await asyncio.to_thread(_check_last_name, code, attempt, device, ip, user_agent)
    if outcome is None:  # the link stopped working meanwhile: the page explains
        return RedirectResponse(routes.frontend(page), status_code=303)
    if outcome.ok:
        # `verified` tells the page to put the focus on its heading (then it drops the parameter).
        query = {"tab": tab} if tab in ("quote", "documents", "messages") else {}
        target = page + "?" + urlencode({**query, "verified": "1"})
        response = RedirectResponse(routes.frontend(target), status_code=303)
    else:
        query = {"gate": "locked", "retry": str(outcome.retry_after_minutes)} if outcome.retry_after_minutes else {}
        response = RedirectResponse(routes.frontend(f"{page}?{urlencode(query or {'gate': 'mismatch'})}"), 303)
    cookies.put(response, cookies.DEVICE, device, secure=get_settings().public_url.startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    return response
