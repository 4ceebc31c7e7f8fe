"""An account order's files and PDFs for its signed-in portal users: the same documents `/track` serves
by link (api/portal.py), authorised instead by the portal session, the order belonging to the account
(and to the user, for a group that sees only its own), and the group's permission for that part."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ..db import session_scope
from ..services import order_parts
from ..services.portal_permissions import Perm
from .common import denied, file_response, path_id
from .documents import PORTAL_DOCUMENTS, render
from .portal_request import portal_identity

# The order page's documents an account serves (the part each belongs to: services/order_parts.py).
DOCUMENT_PERMS = {kind: order_parts.DOCUMENT_PERMS[kind] for kind in ("quote", "signed", "invoice")}


def _order_for(request: Request, perms: tuple[Perm, ...]) -> int | None:
    """The order in the path, if this request's portal user may see it and its part (blocking)."""
    from ..services.account_scope import order_for

    identity = portal_identity(request)
    order_id = path_id(request, "order_id")
    if identity is None or order_id is None or not any(identity.may(p) for p in perms):
        return None
    with session_scope() as session:
        order = order_for(session, identity, order_id)
        return order.id if order is not None else None


def account_document(kind: str):
    async def endpoint(request: Request) -> Response:
        from .portal import _portal_shows

        order_id = await asyncio.to_thread(_order_for, request, DOCUMENT_PERMS[kind])
        if order_id is None or not await asyncio.to_thread(_portal_shows, kind):
            return denied(404, "No such document")
        rendered = await asyncio.to_thread(render, PORTAL_DOCUMENTS, kind, order_id)
        if rendered is None:
            return denied(404, "There is no such document for this order yet")
        return file_response(*rendered)

    return endpoint


async def account_file(request: Request) -> Response:
    """A photo or document of the order the shop marked visible (as on `/track`)."""
    from .portal import send_visible_file

    order_id = await asyncio.to_thread(_order_for, request, (Perm.FILES_VIEW,))
    if order_id is None:
        return denied(404, "No such file")
    return await send_visible_file(order_id, path_id(request, "attachment_id"))
