"""An asset's files over HTTP: test certificates (PDF) and defect photos (JPEG), for staff (session cookie,
a role that sees customers) and for the account's portal users (portal cookie, "Assets: see", and only
the account's own assets and only what the shop shows). Any other id, a malformed one included, is 404."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ..db import session_scope
from ..services.permissions import Action, can
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .common import MISSING_FILE, denied, file_response, path_id, read_stored

NOT_FOUND = "No such file"


def _portal_customer(request: Request) -> int | None:
    """The signed-in portal user's account, if their group may see assets (and the portal is on)."""
    from .portal_request import portal_identity

    identity = portal_identity(request)
    if identity is None or not identity.may(Perm.ASSETS_VIEW):
        return None
    return identity.customer_id


def _staff_allowed(request: Request) -> Response | None:
    from .staff import staff_identity

    identity = staff_identity(request)
    if identity is None:
        return denied(401, "Sign in first")
    if identity.counter_locked or identity.mfa_pending or identity.must_enrol:
        return denied(403)
    return None if can(identity.role, Action.VIEW_ORDERS) else denied()


def _load(request: Request, kind: str, *, portal: bool) -> tuple[str, str, str] | Response:
    """(storage name, media type, file name) of the file in the path, or the refusal."""
    from ..services import asset_portal, asset_records

    if portal:
        customer_id = _portal_customer(request)
        if customer_id is None:
            return denied(404, NOT_FOUND)
    else:
        refusal = _staff_allowed(request)
        if refusal is not None:
            return refusal
    asset_id = path_id(request, "asset_id")
    file_id = path_id(request, "test_id" if kind == "certificate" else "photo_id")
    if asset_id is None or file_id is None:
        return denied(404, NOT_FOUND)
    with session_scope() as session:
        if kind == "certificate":
            test = (
                asset_portal.certificate(session, customer_id, asset_id, file_id)
                if portal
                else asset_records.certificate_of(session, asset_id, file_id)
            )
            if test is None:
                return denied(404, NOT_FOUND)
            return test.certificate_name, "application/pdf", test.certificate_filename or "certificate.pdf"
        photo = (
            asset_portal.defect_photo(session, customer_id, asset_id, file_id)
            if portal
            else asset_records.photo_of(session, asset_id, file_id)
        )
        if photo is None:
            return denied(404, NOT_FOUND)
        return photo.storage_name, photo.content_type, f"defect-photo-{photo.id}.jpg"


def asset_file(kind: str, *, portal: bool):
    async def endpoint(request: Request) -> Response:
        found = await asyncio.to_thread(_load, request, kind, portal=portal)
        if isinstance(found, Response):
            return found
        storage_name, media, name = found
        body = await asyncio.to_thread(read_stored, get_settings().uploads_dir / storage_name)
        if body is None:
            return denied(404, MISSING_FILE)
        return file_response(body, media, name)

    return endpoint
