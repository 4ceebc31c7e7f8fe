"""HTTP routes beside the Reflex app, per audience (staff, portal, public), and the ASGI hardening."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from .. import cookies, routes
from .documents import PORTAL_DOCUMENTS, STAFF_DOCUMENTS, SUFFIXES
from .lookup import lookup_post
from .middleware import security_headers
from .portal import portal_document, portal_file, verify_last_name
from .portal_account import magic_link as portal_magic_link
from .portal_account import sign_in as portal_sign_in
from .portal_account import sign_out as portal_sign_out
from .public import branding_logo, health
from .resources import portal_resource_file, staff_resource_file
from .service_reports import portal_service_report, staff_service_report, track_service_report
from .staff import (
    passkey_sign_in,
    sign_in,
    sign_out,
    signature_image,
    signature_record,
    staff_document,
    verify_second_step,
    view_as_customer,
)

STAFF_COOKIE = cookies.STAFF_SESSION
DEVICE_COOKIE = cookies.DEVICE

__all__ = ["DEVICE_COOKIE", "STAFF_COOKIE", "api_routes", "security_headers"]


def api_routes() -> Starlette:
    table = [
        Route(routes.HEALTH, health),
        Route(routes.STAFF_SIGN_IN_POST, sign_in, methods=["POST"]),
        Route(routes.STAFF_SIGN_OUT_POST, sign_out, methods=["GET", "POST"]),
        Route(routes.STAFF_VERIFY_POST, verify_second_step, methods=["POST"]),
        Route(routes.STAFF_PASSKEY_POST, passkey_sign_in, methods=["POST"]),
        Route(routes.STAFF_ORDER_API + "/portal", view_as_customer),
        Route(routes.STAFF_ORDER_API + "/signatures/{signature_id}.png", signature_image),
        Route(routes.STAFF_ORDER_API + "/signatures/{signature_id}.pdf", signature_record),
        Route(routes.TRACK_API + "/verify", verify_last_name, methods=["POST"]),
        Route(routes.TRACK_API + "/files/{attachment_id}", portal_file),
        Route(routes.BRANDING_LOGO, branding_logo),
        Route(routes.PORTAL_SIGN_IN_POST, portal_sign_in, methods=["POST"]),
        Route(routes.PORTAL_SIGN_OUT_POST, portal_sign_out, methods=["GET", "POST"]),
        Route(routes.PORTAL_MAGIC, portal_magic_link, methods=["GET", "POST"]),
        Route(routes.LOOKUP_POST, lookup_post, methods=["POST"]),
        Route(routes.STAFF_SERVICE_REPORT_PDF, staff_service_report),
        Route(routes.TRACK_SERVICE_REPORT_PDF, track_service_report),
        Route(routes.PORTAL_SERVICE_REPORT_PDF, portal_service_report),
        Route(routes.STAFF_RESOURCE_FILE, staff_resource_file),
        Route(routes.PORTAL_RESOURCE_FILE, portal_resource_file),
    ]
    table += [Route(f"{routes.STAFF_ORDER_API}/{SUFFIXES[k]}", staff_document(k)) for k in STAFF_DOCUMENTS]
    table += [Route(f"{routes.TRACK_API}/{SUFFIXES[k]}", portal_document(k)) for k in PORTAL_DOCUMENTS]
    return Starlette(routes=table)
