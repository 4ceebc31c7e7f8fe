"""HTTP routes beside the Reflex app, per audience (staff, portal, public), and the ASGI hardening."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from .. import cookies, routes
from .assets import asset_file
from .documents import PORTAL_DOCUMENTS, STAFF_DOCUMENTS, SUFFIXES
from .invoices import portal_invoice_pdf, portal_statement_pdf, staff_invoice_pdf, staff_statement_pdf
from .lookup import lookup_post
from .middleware import security_headers
from .payments import pay_cancel, pay_return, stripe_webhook
from .portal import portal_document, portal_file, verify_last_name
from .portal_account import magic_link as portal_magic_link
from .portal_account import passkey_sign_in as portal_passkey_sign_in
from .portal_account import sign_in as portal_sign_in
from .portal_account import sign_out as portal_sign_out
from .portal_orders import DOCUMENT_PERMS, account_document, account_file
from .public import branding_logo, health
from .resources import portal_resource_file, staff_resource_file
from .service_reports import portal_service_report, staff_service_report, track_service_report
from .sms import twilio_inbound, twilio_status
from .staff import (
    end_portal_preview,
    passkey_sign_in,
    sign_in,
    sign_out,
    signature_image,
    signature_record,
    staff_document,
    start_portal_preview,
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
        Route(routes.PORTAL_PASSKEY_POST, portal_passkey_sign_in, methods=["POST"]),
        Route(routes.STAFF_PORTAL_PREVIEW, start_portal_preview, methods=["GET", "POST"]),
        Route(routes.STAFF_PORTAL_PREVIEW_END, end_portal_preview, methods=["GET", "POST"]),
        Route(routes.PORTAL_SIGN_OUT_POST, portal_sign_out, methods=["GET", "POST"]),
        Route(routes.PORTAL_MAGIC, portal_magic_link, methods=["GET", "POST"]),
        Route(routes.LOOKUP_POST, lookup_post, methods=["POST"]),
        Route(routes.STAFF_INVOICE_PDF, staff_invoice_pdf),
        Route(routes.STAFF_STATEMENT_PDF, staff_statement_pdf),
        Route(routes.PORTAL_INVOICE_PDF, portal_invoice_pdf),
        Route(routes.PORTAL_STATEMENT_PDF, portal_statement_pdf),
        Route(routes.STAFF_SERVICE_REPORT_PDF, staff_service_report),
        Route(routes.TRACK_SERVICE_REPORT_PDF, track_service_report),
        Route(routes.PORTAL_SERVICE_REPORT_PDF, portal_service_report),
        Route(routes.STAFF_RESOURCE_FILE, staff_resource_file),
        Route(routes.PORTAL_RESOURCE_FILE, portal_resource_file),
        Route(routes.STRIPE_WEBHOOK, stripe_webhook, methods=["POST"]),
        Route(routes.PAY_RETURN_API, pay_return),
        Route(routes.PAY_CANCEL_API, pay_cancel),
        Route(routes.TWILIO_INBOUND, twilio_inbound, methods=["POST"]),
        Route(routes.TWILIO_STATUS, twilio_status, methods=["POST"]),
    ]
    for base, portal in ((routes.STAFF_ASSET_API, False), (routes.PORTAL_ASSET_API, True)):
        table.append(Route(base + "/certificates/{test_id}.pdf", asset_file("certificate", portal=portal)))
        table.append(Route(base + "/photos/{photo_id}.jpg", asset_file("photo", portal=portal)))
    table += [Route(f"{routes.STAFF_ORDER_API}/{SUFFIXES[k]}", staff_document(k)) for k in STAFF_DOCUMENTS]
    table += [Route(f"{routes.TRACK_API}/{SUFFIXES[k]}", portal_document(k)) for k in PORTAL_DOCUMENTS]
    table += [Route(f"{routes.PORTAL_ORDER_API}/{SUFFIXES[k]}", account_document(k)) for k in DOCUMENT_PERMS]
    table.append(Route(routes.PORTAL_ORDER_API + "/files/{attachment_id}", account_file))
    table += demo_payment_routes()
    return Starlette(routes=table)


def demo_payment_routes() -> list:
    """Demo mode: the local Stripe stand-in, so a newcomer can pay a demo balance with no money moving. It
    answers only while the shop has no Stripe keys of its own (checked on every request), sends customers
    back only to this app, and its keys are new at every start (actions/online_payments.DEMO_*)."""
    from ..settings import get_settings, load_settings

    settings = load_settings(keys_required=False)  # built when the app is imported; keys are checked at start
    if not settings.demo_mode:
        return []
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount

    from ..actions.online_payments import DEMO_SECRET_KEY, DEMO_WEBHOOK_SECRET
    from ..db import session_scope
    from ..integrations.stripe_standin import StripeStandIn
    from ..services.payment_settings import demo_standin_active

    base = settings.public_url.rstrip("/")
    standin = StripeStandIn(
        secret_key=DEMO_SECRET_KEY,
        webhook_secret=DEMO_WEBHOOK_SECRET,
        webhook_url=f"{base}{routes.STRIPE_WEBHOOK}",
        public_base=f"{base}{routes.DEMO_STRIPE}",
        return_origin=base,
    )

    def active() -> bool:
        with session_scope() as session:
            return demo_standin_active(get_settings(), session)

    async def only_while_demo(scope, receive, send):
        import asyncio

        if scope["type"] == "http" and not await asyncio.to_thread(active):
            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        await standin.app(scope, receive, send)

    return [Mount(routes.DEMO_STRIPE, app=only_while_demo)]
