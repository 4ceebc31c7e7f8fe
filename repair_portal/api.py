"""Plain HTTP routes (PDFs, QR codes, health) and response hardening around the Reflex ASGI app.

Every route authorises from server-side data: staff routes from the session
cookie checked against the database, customer routes from the tracking code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .db import session_scope, write_session
from .services import audit
from .services.permissions import Action, can

SECURITY_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]
STAFF_COOKIE = "rp_staff_session"
DEVICE_COOKIE = "rp_device"
PDF_LAYOUTS = {"a4", "letter", "receipt80"}


async def health(_request: Request) -> JSONResponse:
    from sqlalchemy import text

    from .db import get_engine

    def check():
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))

    await asyncio.to_thread(check)
    return JSONResponse({"status": "ok"})


def _file(body: bytes, media_type: str, filename: str, *, inline: bool = True) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _denied(status: int = 403, text: str = "Not allowed") -> Response:
    return PlainTextResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


def _staff_identity(request: Request):
    from .services.staff_auth import resolve_session
    from .settings import get_settings

    with write_session() as session:
        return resolve_session(session, get_settings(), request.cookies.get(STAFF_COOKIE))


def _client(request: Request) -> tuple[str, str]:
    return (request.client.host if request.client else ""), request.headers.get("user-agent", "")[:400]


def _document(order_id: int):
    from .services.documents import document_context
    from .settings import get_settings

    settings = get_settings()
    with session_scope() as session:
        return document_context(session, order_id, settings.public_url, settings.secret_key)


def _render_staff_document(kind: str, order_id: int, layout: str):
    """(bytes, media type, filename) or None when the order has nothing of that kind."""
    from .integrations import pdf, pdf_ticket, qr

    doc = _document(order_id)
    ref = doc.order.reference
    if kind == "ticket":
        return pdf_ticket.intake_ticket_pdf(doc, layout), "application/pdf", f"{ref}-ticket-{layout}.pdf"
    if kind == "label":
        return pdf_ticket.device_label_pdf(doc), "application/pdf", f"{ref}-label.pdf"
    if kind == "qr":
        if not doc.tracking_url:
            return None
        return qr.qr_png(doc.tracking_url), "image/png", f"{ref}-qr.png"
    if kind == "quote":
        return (pdf.quote_pdf(doc), "application/pdf", f"{ref}-quote.pdf") if doc.quote else None
    if kind == "invoice":
        return (pdf.invoice_pdf(doc), "application/pdf", f"{ref}-invoice.pdf") if doc.quote else None
    if kind == "signed":
        signed = [s for s in doc.signatures if s.document_kind == "quote"]
        if not signed:
            return None
        return pdf.signed_authorisation_pdf(doc, signed[-1]), "application/pdf", f"{ref}-signed-authorisation.pdf"
    return None


def staff_document(kind: str) -> Callable:
    async def endpoint(request: Request) -> Response:
        identity = await asyncio.to_thread(_staff_identity, request)
        if identity is None:
            return _denied(401, "Sign in first")
        if not can(identity.role, Action.PRINT_DOCUMENTS):
            return _denied()
        try:
            order_id = int(request.path_params["order_id"])
        except ValueError:
            return _denied(404, "No such order")
        layout = request.query_params.get("layout", "a4")
        if layout not in PDF_LAYOUTS:
            layout = "a4"
        from .models import Order

        with session_scope() as session:
            if session.get(Order, order_id) is None:
                return _denied(404, "No such order")
        rendered = await asyncio.to_thread(_render_staff_document, kind, order_id, layout)
        if rendered is None:
            return _denied(404, "Nothing to print yet")
        body, media, filename = rendered
        if kind == "qr":  # shown on every order page: not a print, not worth an audit row each time
            return _file(body, media, filename)
        ip, ua = _client(request)
        with write_session() as session:
            audit.record(
                session,
                audit.Actor("staff", identity.user_id, identity.email, ip, ua),
                "document.downloaded",
                order_id=order_id,
                kind=kind,
            )
        return _file(body, media, filename)

    return endpoint


def _portal_order(
    code: str, device_token: str | None, *, needs_full_access: bool, staff_token: str | None = None
) -> tuple[int | None, str]:
    """(order id, problem) for a tracking code. The live code is the customer's authorisation;
    documents with personal details also need this device to have passed the shop's access check,
    or a signed-in staff member allowed to view the portal as the customer (read-only preview)."""
    from .models import Order
    from .services import portal_access
    from .services.portal_links import LinkStatus, resolve

    with session_scope() as session:
        result = resolve(session, code)
        if result.status != LinkStatus.OK:
            return None, "This link doesn't work any more"
        if needs_full_access:
            order = session.get(Order, result.order_id)
            if not portal_access.can_view(session, order, device_token) and not _staff_previewer(staff_token):
                return None, "Open your tracking page and confirm it's you first"
    return result.order_id, ""


def _staff_previewer(token: str | None) -> bool:
    from .services.staff_auth import portal_previewer
    from .settings import get_settings

    if not token:
        return False
    with write_session() as session:
        return portal_previewer(session, get_settings(), token) is not None


def _portal_shows(kind: str) -> bool:
    """The shop's portal switches apply to the downloads too: invoice = payments, quote/signed = quote."""
    from .models import ShopSettings

    with session_scope() as session:
        shop = session.get(ShopSettings, 1)
    if shop is None or kind == "qr":
        return True
    return shop.show_payments if kind == "invoice" else shop.show_quote


def portal_document(kind: str) -> Callable:
    async def endpoint(request: Request) -> Response:
        order_id, problem = await asyncio.to_thread(
            lambda: _portal_order(
                request.path_params["code"],
                request.cookies.get(DEVICE_COOKIE),
                needs_full_access=kind != "qr",
                staff_token=request.cookies.get(STAFF_COOKIE),
            )
        )
        if order_id is None:
            return _denied(404 if kind == "qr" or "link" in problem else 403, problem)
        if not await asyncio.to_thread(_portal_shows, kind):
            return _denied(404, "The shop doesn't share this document online")

        def render():
            from .integrations import pdf, qr

            doc = _document(order_id)
            ref = doc.order.reference
            if kind == "qr":
                if not doc.tracking_url:
                    return None
                return qr.qr_png(doc.tracking_url, box_size=8), "image/png", f"{ref}-qr.png"
            if not doc.quote:
                return None
            if kind == "quote":
                return pdf.quote_pdf(doc), "application/pdf", f"{ref}-quote.pdf"
            if kind == "signed":
                signed = [s for s in doc.signatures if s.document_kind == "quote"]
                if not signed:
                    return None
                return pdf.signed_authorisation_pdf(doc, signed[-1]), "application/pdf", f"{ref}-signed.pdf"
            return pdf.invoice_pdf(doc), "application/pdf", f"{ref}-invoice.pdf"

        rendered = await asyncio.to_thread(render)
        if rendered is None:
            return _denied(404, "There is no quote for this order yet")
        body, media, filename = rendered
        return _file(body, media, filename)

    return endpoint


async def portal_file(request: Request) -> Response:
    """A photo or document the shop marked visible, for a customer who may see the order."""
    from .models import Attachment, AttachmentKind, ShopSettings
    from .settings import get_settings

    order_id, problem = await asyncio.to_thread(
        lambda: _portal_order(
            request.path_params["code"],
            request.cookies.get(DEVICE_COOKIE),
            needs_full_access=True,
            staff_token=request.cookies.get(STAFF_COOKIE),
        )
    )
    if order_id is None:
        return _denied(403, problem)
    try:
        attachment_id = int(request.path_params["attachment_id"])
    except ValueError:
        return _denied(404, "No such file")
    with session_scope() as session:
        item = session.get(Attachment, attachment_id)
        shop = session.get(ShopSettings, 1)
        allowed_kinds = {AttachmentKind.PHOTO.value} if shop and shop.show_photos else set()
        if shop and shop.show_documents:
            allowed_kinds.add(AttachmentKind.DOCUMENT.value)
        if item is None or item.order_id != order_id or not item.visible_to_customer or item.kind not in allowed_kinds:
            return _denied(404, "No such file")
        path = get_settings().uploads_dir / item.storage_name
        media, name = item.content_type, item.original_filename or item.storage_name
    body = await asyncio.to_thread(path.read_bytes)
    safe_name = "".join(ch for ch in name if ch.isalnum() or ch in "._- ")[:80] or "file"
    return _file(body, media, safe_name)


async def branding_logo(request: Request) -> Response:
    """The logo shown on the portal and in the back office: public, like a shop sign."""
    from .services.branding import logo_for
    from .settings import get_settings

    raw = request.path_params.get("location_id", "0")
    location_id = int(raw) if raw.isdigit() else None
    with session_scope() as session:
        name = logo_for(session, location_id)
    path = get_settings().uploads_dir / name if name else None
    if path is None or not path.is_file():
        return _denied(404, "No logo")
    body = await asyncio.to_thread(path.read_bytes)
    return Response(body, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})


def api_routes() -> Starlette:
    routes = [Route("/api/health", health)]
    for kind, suffix in (
        ("ticket", "ticket.pdf"),
        ("label", "label.pdf"),
        ("qr", "qr.png"),
        ("quote", "quote.pdf"),
        ("invoice", "invoice.pdf"),
        ("signed", "signed.pdf"),
    ):
        routes.append(Route(f"/api/staff/orders/{{order_id}}/{suffix}", staff_document(kind)))
    for kind, suffix in (
        ("qr", "qr.png"),
        ("quote", "quote.pdf"),
        ("invoice", "invoice.pdf"),
        ("signed", "signed.pdf"),
    ):
        routes.append(Route(f"/api/track/{{code}}/{suffix}", portal_document(kind)))
    routes.append(Route("/api/track/{code}/files/{attachment_id}", portal_file))
    routes.append(Route("/api/branding/logo/{location_id}", branding_logo))
    return Starlette(routes=routes)


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
