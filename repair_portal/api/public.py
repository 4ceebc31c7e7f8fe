"""Public HTTP routes: health and the shop's logo (public like a shop sign)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..db import session_scope
from ..services.ids import parse_id
from .common import denied, read_stored


async def health(_request: Request) -> JSONResponse:
    from sqlalchemy import text

    from ..db import get_engine

    def check():
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))

    await asyncio.to_thread(check)
    return JSONResponse({"status": "ok"})


async def branding_logo(request: Request) -> Response:
    from ..services.branding import logo_for
    from ..settings import get_settings

    raw = request.path_params.get("location_id", "0")
    location_id = 0 if raw == "0" else parse_id(raw)
    if location_id is None:
        return denied(404, "No logo")
    with session_scope() as session:
        name = logo_for(session, location_id)
    body = await asyncio.to_thread(read_stored, get_settings().uploads_dir / name) if name else None
    if body is None:
        return denied(404, "No logo")
    return Response(
        body,
        media_type="image/png",
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
