"""HTTP routes beside the Reflex app, per audience (staff, portal, public), and the ASGI hardening."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from .. import cookies, routes
from .documents import PORTAL_DOCUMENTS, STAFF_DOCUMENTS, SUFFIXES
from .middleware import security_headers
from .portal import portal_document, portal_file, verify_last_name
from .public import branding_logo, health
from .staff import sign_in, sign_out, staff_document, view_as_customer

STAFF_COOKIE = cookies.STAFF_SESSION
DEVICE_COOKIE = cookies.DEVICE

__all__ = ["DEVICE_COOKIE", "STAFF_COOKIE", "api_routes", "security_headers"]


def api_routes() -> Starlette:
    table = [
        Route("/api/health", health),
        Route(routes.STAFF_SIGN_IN_POST, sign_in, methods=["POST"]),
        Route(routes.STAFF_SIGN_OUT_POST, sign_out, methods=["GET", "POST"]),
        Route("/api/staff/orders/{order_id}/portal", view_as_customer),
        Route("/api/track/{code}/verify", verify_last_name, methods=["POST"]),
        Route("/api/track/{code}/files/{attachment_id}", portal_file),
        Route("/api/branding/logo/{location_id}", branding_logo),
    ]
    table += [Route(f"/api/staff/orders/{{order_id}}/{SUFFIXES[k]}", staff_document(k)) for k in STAFF_DOCUMENTS]
    table += [Route(f"/api/track/{{code}}/{SUFFIXES[k]}", portal_document(k)) for k in PORTAL_DOCUMENTS]
    return Starlette(routes=table)
