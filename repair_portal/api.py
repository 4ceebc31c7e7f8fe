"""Plain HTTP routes and response hardening around the Reflex ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SECURITY_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]


async def health(_request: Request) -> JSONResponse:
    from sqlalchemy import text

    from .db import get_engine

    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


def api_routes() -> Starlette:
    return Starlette(routes=[Route("/api/health", health)])


def security_headers(app):
    """ASGI middleware: tracking codes live in URLs, so no Referer may carry them away."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in existing
                ]
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
