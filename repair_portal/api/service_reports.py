"""Service report PDFs: staff (any revision, drafts marked), and customers (the approved report only) by
their order's link where /track files are authorised, or by their portal account session."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ..db import session_scope, write_session
from ..services import audit
from ..services.permissions import Action
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .common import client_of, denied, file_response, path_id, pdf_cache
from .portal import portal_access_for
from .portal_request import portal_identity
from .staff import staff_order_request

NO_REPORT = "No such report"


def _render(order_id: int, report_id: int | None, *, customer: bool):
    """(body, media type, name), or None when the report isn't this order's (or, for a customer, isn't
    its approved one, or the shop doesn't share documents online). Blocking: call it in a worker thread."""
    from ..models import ServiceReport
    from ..services import service_report_document, service_reports

    settings = get_settings()
    with session_scope() as session:
        if customer:
            if not service_reports.shown_online(session):
                return None
            report = service_reports.shown_to_customer(session, order_id, report_id)
        else:
            report = session.get(ServiceReport, report_id) if report_id else None
            report = report if report is not None and report.order_id == order_id else None
        if report is None:
            return None
        return service_report_document.render(
            session, report, settings.uploads_dir, settings.public_url, settings.secret_key, cache=pdf_cache()
        )


async def staff_service_report(request: Request) -> Response:
    checked = await staff_order_request(request, Action.PRINT_DOCUMENTS)
    if isinstance(checked, Response):
        return checked
    identity, order_id = checked
    report_id = path_id(request, "report_id")
    rendered = await asyncio.to_thread(_render, order_id, report_id, customer=False) if report_id else None
    if rendered is None:
        return denied(404, NO_REPORT)
    ip, ua = client_of(request)

    def record() -> None:
        with write_session() as session:
            actor = audit.Actor("staff", identity.user_id, identity.email, ip, ua)
            audit.record(session, actor, "document.downloaded", order_id=order_id, kind="service_report")

    await asyncio.to_thread(record)
    return file_response(*rendered)


async def track_service_report(request: Request) -> Response:
    """The approved report, for whoever may see the order's files by its link (as /track/.../files)."""
    access = await asyncio.to_thread(portal_access_for, request, full_access=True, part="service_report")
    if access.order_id is None:
        return denied(403 if access.status == 403 else 404, access.reason)
    report_id = path_id(request, "report_id")
    rendered = await asyncio.to_thread(_render, access.order_id, report_id, customer=True) if report_id else None
    if rendered is None:
        return denied(404, NO_REPORT)
    return file_response(*rendered)


async def portal_service_report(request: Request) -> Response:
    """The approved report, for a signed-in portal user who may see files and this order."""
    from ..services import account_scope

    identity = await asyncio.to_thread(portal_identity, request)
    if identity is None:
        return denied(401, "Sign in first")
    if not identity.may(Perm.FILES_VIEW):
        return denied(403)
    order_id, report_id = path_id(request, "order_id"), path_id(request, "report_id")

    def allowed() -> bool:
        with session_scope() as session:
            return account_scope.order_for(session, identity, order_id) is not None

    if order_id is None or report_id is None or not await asyncio.to_thread(allowed):
        return denied(404, NO_REPORT)
    rendered = await asyncio.to_thread(_render, order_id, report_id, customer=True)
    if rendered is None:
        return denied(404, NO_REPORT)
    return file_response(*rendered)
