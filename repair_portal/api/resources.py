"""Shared resources as downloads: for a portal user whose group may see them and whose account the file
is shared with, and for staff who manage them. Always an attachment, never rendered inline."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ..db import session_scope
from ..services import resources
from ..services.permissions import Action, can
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .common import denied, file_response, path_id, read_stored
from .portal_request import portal_identity
from .staff import staff_identity

NO_FILE = "No such file"


def _read(customer_id: int | None, file_id: int) -> tuple[bytes, str, str] | None:
    """The file's bytes, type and name; `customer_id`: only if shared with that account (None: staff)."""
    from ..models import ResourceFile

    with session_scope() as session:
        if customer_id is None:
            item = session.get(ResourceFile, file_id)
        else:
            item = resources.file_for_account(session, customer_id, file_id)
        if item is None:
            return None
        path = resources.storage_dir(get_settings().uploads_dir) / item.storage_name
        media, name = item.content_type, item.original_filename or item.storage_name
    body = read_stored(path)
    return None if body is None else (body, media, name)


async def portal_resource_file(request: Request) -> Response:
    identity = await asyncio.to_thread(portal_identity, request)
    if identity is None:
        return denied(401, "Sign in first")
    if not identity.may(Perm.RESOURCES_VIEW):
        return denied(403)
    file_id = path_id(request, "file_id")
    found = await asyncio.to_thread(_read, identity.customer_id, file_id) if file_id else None
    if found is None:
        return denied(404, NO_FILE)
    return file_response(*found, inline=False)


async def staff_resource_file(request: Request) -> Response:
    identity = await asyncio.to_thread(staff_identity, request)
    if identity is None:
        return denied(401, "Sign in first")
    if identity.counter_locked:
        return denied(423, "This browser is showing the counter signing screen")
    if not can(identity.role, Action.MANAGE_RESOURCES):
        return denied()
    file_id = path_id(request, "file_id")
    found = await asyncio.to_thread(_read, None, file_id) if file_id else None
    if found is None:
        return denied(404, NO_FILE)
    return file_response(*found, inline=False)
