"""Invoice and statement PDFs, for staff (session cookie + role) and for a signed-in portal user (portal
session cookie + "Invoices: see", scoped to their own account: another account's or a draft's id is 404)."""

from __future__ import annotations

import asyncio
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from ..db import session_scope, write_session
from ..services import audit, invoice_views
from ..services.branding import logo_digests
from ..services.permissions import Action, can
from ..services.portal_auth import PortalIdentity
from ..services.portal_permissions import Perm
from ..services.statements import StatementError
from ..settings import get_settings
from .common import client_of, denied, file_response, path_id, pdf_cache
from .portal_request import portal_identity
from .staff import staff_identity


def _render_invoice(invoice_id: int) -> tuple[bytes, str, int] | None:
    """(PDF, file name, the invoice's order id); None for no such invoice or a draft. Blocking."""
    from ..integrations.pdf_invoice import invoice_pdf
    from ..models import Invoice
    from ..services.invoice_documents import invoice_document

    with session_scope() as session:
        doc = invoice_document(session, invoice_id)
        if doc is None:
            return None
        order_id = session.get(Invoice, invoice_id).order_id
        logos = logo_digests(session, get_settings().uploads_dir)
    return pdf_cache().pdf(invoice_pdf, doc, extra=logos), f"{doc.number}.pdf", order_id


def _render_statement(customer_id: int, start: date, end: date) -> tuple[bytes, str]:
    from ..integrations.pdf_invoice import statement_pdf
    from ..services.invoice_documents import statement_document

    with session_scope() as session:
        doc = statement_document(session, customer_id, start, end)
        logos = logo_digests(session, get_settings().uploads_dir)
    body = pdf_cache().pdf(statement_pdf, doc, extra=logos)
    return body, f"statement-{start.isoformat()}-{end.isoformat()}.pdf"


def _range(request: Request) -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(request.query_params.get("from", "")[:10])
        end = date.fromisoformat(request.query_params.get("to", "")[:10])
    except ValueError:
        return None
    return start, end


def _audit(actor: audit.Actor, kind: str, order_id: int | None = None, **detail) -> None:
    with write_session() as session:
        audit.record(session, actor, "document.downloaded", order_id=order_id, kind=kind, **detail)


async def _statement(request: Request, customer_id: int, actor: audit.Actor) -> Response:
    chosen = _range(request)
    if chosen is None:
        return denied(400, "Choose the first and the last day of the statement (YYYY-MM-DD).")
    try:
        body, name = await asyncio.to_thread(_render_statement, customer_id, *chosen)
    except StatementError as exc:
        return denied(400, str(exc))
    await asyncio.to_thread(_audit, actor, "statement", customer_id=customer_id)
    return file_response(body, "application/pdf", name)


# --- staff ----------------------------------------------------------------------------------------------


async def _staff(request: Request):
    identity = await asyncio.to_thread(staff_identity, request)
    if identity is None:
        return denied(401, "Sign in first")
    if identity.counter_locked:
        return denied(423, "This browser is showing the counter signing screen")
    if not can(identity.role, Action.PRINT_DOCUMENTS):
        return denied()
    return identity


def _staff_actor(request: Request, identity) -> audit.Actor:
    return audit.Actor("staff", identity.user_id, identity.email, *client_of(request))


async def staff_invoice_pdf(request: Request) -> Response:
    identity = await _staff(request)
    if isinstance(identity, Response):
        return identity
    invoice_id = path_id(request, "invoice_id")
    rendered = await asyncio.to_thread(_render_invoice, invoice_id) if invoice_id else None
    if rendered is None:
        return denied(404, "No such invoice")
    body, name, order_id = rendered
    await asyncio.to_thread(_audit, _staff_actor(request, identity), "invoice", order_id, invoice_id=invoice_id)
    return file_response(body, "application/pdf", name)


async def staff_statement_pdf(request: Request) -> Response:
    identity = await _staff(request)
    if isinstance(identity, Response):
        return identity
    customer_id = path_id(request, "customer_id")

    def exists() -> bool:
        from ..models import Customer

        with session_scope() as session:
            return customer_id is not None and session.get(Customer, customer_id) is not None

    if not await asyncio.to_thread(exists):
        return denied(404, "No such customer")
    return await _statement(request, customer_id, _staff_actor(request, identity))


# --- portal ---------------------------------------------------------------------------------------------


async def _portal(request: Request):
    identity = await asyncio.to_thread(portal_identity, request)
    if identity is None:
        return denied(401, "Sign in to your account first")
    if not identity.may(Perm.INVOICES_VIEW):
        return denied(403, "Your access doesn't include invoices")
    return identity


def _portal_actor(request: Request, identity: PortalIdentity) -> audit.Actor:
    return audit.Actor("portal", identity.user_id, identity.email, *client_of(request))


async def portal_invoice_pdf(request: Request) -> Response:
    identity = await _portal(request)
    if isinstance(identity, Response):
        return identity
    invoice_id = path_id(request, "invoice_id")

    def owned() -> int | None:
        with session_scope() as session:
            invoice = invoice_views.customer_invoice(session, identity.customer_id, invoice_id)
            return invoice.order_id if invoice else None

    order_id = await asyncio.to_thread(owned)
    rendered = await asyncio.to_thread(_render_invoice, invoice_id) if order_id else None
    if rendered is None:
        return denied(404, "No such invoice")
    await asyncio.to_thread(_audit, _portal_actor(request, identity), "invoice", order_id, invoice_id=invoice_id)
    return file_response(rendered[0], "application/pdf", rendered[1])


async def portal_statement_pdf(request: Request) -> Response:
    identity = await _portal(request)
    if isinstance(identity, Response):
        return identity
    return await _statement(request, identity.customer_id, _portal_actor(request, identity))
