"""Staff HTTP routes: sign in and out (the only places the session cookie is written) and printable
documents. Every route reads the session from its HttpOnly cookie and checks it against the database."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import cookies, routes
from ..db import get_engine, session_scope, write_session
from ..services import audit, passkeys, staff_auth, staff_mfa_sign_in
from ..services.permissions import Action, can
from ..settings import get_settings
from .common import PDF_LAYOUTS, client_of, denied, file_response, from_our_pages, path_id
from .documents import STAFF_DOCUMENTS, render

MAX_FORM_FIELD = 1024


def staff_identity(request: Request) -> staff_auth.StaffIdentity | None:
    with write_session() as session:
        return staff_auth.resolve_session(session, get_settings(), request.cookies.get(cookies.STAFF_SESSION))


def safe_next(target: str) -> str:
    """Only same-site staff paths: never another host, scheme or a path that climbs out of /staff."""
    import posixpath
    from urllib.parse import urlsplit

    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or "\\" in target or parts.query or parts.fragment:
        return routes.STAFF_HOME
    path = posixpath.normpath(parts.path) if parts.path else ""
    if path == routes.STAFF_HOME or path.startswith(routes.STAFF_HOME + "/"):
        return path
    return routes.STAFF_HOME


async def sign_in(request: Request) -> Response:
    """The sign-in form posts here; success sets the HttpOnly session cookie and opens the target page
    with a full page load, so the new websocket connection carries the new identity."""
    if not from_our_pages(request):
        return denied(403, "Sign in from the shop's own sign-in page.")
    form = await request.form(max_files=0, max_fields=8)
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:MAX_FORM_FIELD]
    target = safe_next(str(form.get("next", "")))
    ip, user_agent = client_of(request)
    settings = get_settings()
    result = await asyncio.to_thread(
        staff_auth.sign_in,
        get_engine(),
        settings,
        email=email,
        password=password,
        ip=ip,
        user_agent=user_agent,
        known_device=request.cookies.get(cookies.STAFF_DEVICE),
    )
    if not result.ok:
        query = {"error": "locked" if result.retry_after_minutes else "invalid"}
        if result.retry_after_minutes:
            query["retry"] = str(result.retry_after_minutes)
        if target != routes.STAFF_HOME:
            query["next"] = target
        return RedirectResponse(routes.frontend(f"{routes.STAFF_LOGIN}?{urlencode(query)}"), status_code=303)
    if result.mfa_pending:  # the password alone opens only the second step
        target = routes.STAFF_VERIFY + (f"?{urlencode({'next': target})}" if target != routes.STAFF_HOME else "")
    elif result.must_enrol:
        target = routes.STAFF_PROFILE
    return _signed_in(settings, target, result.token, result.known_device)


def _signed_in(settings, target: str, token: str, known_device: str | None) -> Response:
    """Off to `target` with a full page load, carrying the new HttpOnly session cookie."""
    response = RedirectResponse(routes.frontend(target), status_code=303)
    secure = settings.public_url.startswith("https://")
    cookies.put(response, cookies.STAFF_SESSION, token, secure=secure)
    if known_device:
        cookies.put(response, cookies.STAFF_DEVICE, known_device, secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


async def verify_second_step(request: Request) -> Response:
    """The /staff/verify form: a TOTP or recovery code for the password-only session in the cookie. Right:
    that session ends and a new, full one replaces it. Wrong: back to the form, counted like a wrong password."""
    if not from_our_pages(request):
        return denied(403, "Use the shop's own sign-in page.")
    form = await request.form(max_files=0, max_fields=8)
    code = str(form.get("code", ""))[:64]
    target = safe_next(str(form.get("next", "")))
    ip, user_agent = client_of(request)
    settings = get_settings()
    result = await asyncio.to_thread(
        staff_mfa_sign_in.complete_second_step,
        get_engine(),
        settings,
        token=request.cookies.get(cookies.STAFF_SESSION),
        code=code,
        ip=ip,
        user_agent=user_agent,
        known_device=request.cookies.get(cookies.STAFF_DEVICE),
    )
    query = {"next": target} if target != routes.STAFF_HOME else {}
    if result.expired:
        query["error"] = "expired"
        return RedirectResponse(routes.frontend(f"{routes.STAFF_LOGIN}?{urlencode(query)}"), status_code=303)
    if not result.ok:
        query["error"] = "locked" if result.retry_after_minutes else "invalid"
        if result.retry_after_minutes:
            query["retry"] = str(result.retry_after_minutes)
        return RedirectResponse(routes.frontend(f"{routes.STAFF_VERIFY}?{urlencode(query)}"), status_code=303)
    return _signed_in(settings, target, result.token, result.known_device)


async def passkey_sign_in(request: Request) -> Response:
    """ "Sign in with a passkey": the login page's script posts the browser's signed answer here."""
    if not from_our_pages(request):
        return denied(403, "Sign in from the shop's own sign-in page.")
    form = await request.form(max_files=0, max_fields=8)
    answer = str(form.get("credential", ""))
    target = safe_next(str(form.get("next", "")))
    ip, user_agent = client_of(request)
    settings = get_settings()
    result = await asyncio.to_thread(
        staff_mfa_sign_in.sign_in_with_passkey,
        get_engine(),
        settings,
        response_json=answer if len(answer) <= passkeys.MAX_RESPONSE_CHARS else "",
        ip=ip,
        user_agent=user_agent,
        known_device=request.cookies.get(cookies.STAFF_DEVICE),
    )
    if not result.ok:
        query = {"error": "passkey", **({"next": target} if target != routes.STAFF_HOME else {})}
        return RedirectResponse(routes.frontend(f"{routes.STAFF_LOGIN}?{urlencode(query)}"), status_code=303)
    return _signed_in(settings, target, result.token, result.known_device)


async def sign_out(request: Request) -> Response:
    """POST (the Sign out button): revoke the session server-side and drop the cookie. GET (a page
    found the session dead): drop the cookie. Either way the sign-in page then loads afresh, and
    the connection without the cookie finds every staff state of the tab reset."""
    token = request.cookies.get(cookies.STAFF_SESSION)
    if token and request.method == "POST" and from_our_pages(request):
        ip, user_agent = client_of(request)

        def end():
            with write_session() as session:
                staff_auth.sign_out(session, token, ip=ip, user_agent=user_agent)

        await asyncio.to_thread(end)
    target = routes.STAFF_LOGIN
    next_path = safe_next(request.query_params.get("next", ""))
    if next_path != routes.STAFF_HOME:
        target += "?next=" + quote(next_path, safe="/")
    response = RedirectResponse(routes.frontend(target), status_code=303)
    cookies.drop(response, cookies.STAFF_SESSION, secure=get_settings().public_url.startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    if request.method == "POST":
        response.headers["Clear-Site-Data"] = '"storage"'
    return response


async def staff_order_request(request: Request, action: Action):
    """(staff identity, order id from the path), or the refusal to answer with."""
    identity = await asyncio.to_thread(staff_identity, request)
    if identity is None:
        return denied(401, "Sign in first")
    if identity.counter_locked:
        return denied(423, "This browser is showing the counter signing screen")
    if not can(identity.role, action):
        return denied()
    order_id = path_id(request, "order_id")
    if order_id is None:
        return denied(404, "No such order")
    return identity, order_id


def _order_exists(order_id: int) -> bool:
    from ..models import Order

    with session_scope() as session:
        return session.get(Order, order_id) is not None


def _record_download(actor: audit.Actor, order_id: int, **detail) -> None:
    with write_session() as session:
        audit.record(session, actor, "document.downloaded", order_id=order_id, **detail)


def staff_document(kind: str):
    async def endpoint(request: Request) -> Response:
        checked = await staff_order_request(request, Action.PRINT_DOCUMENTS)
        if isinstance(checked, Response):
            return checked
        identity, order_id = checked
        layout = request.query_params.get("layout", "a4")
        if layout not in PDF_LAYOUTS:
            layout = "a4"
        if not await asyncio.to_thread(_order_exists, order_id):
            return denied(404, "No such order")
        rendered = await asyncio.to_thread(render, STAFF_DOCUMENTS, kind, order_id, layout)
        if rendered is None:
            return denied(404, "Nothing to print yet")
        if kind == "qr":  # shown on every order page: not a print, not worth an audit row each time
            return file_response(*rendered)
        actor = audit.Actor("staff", identity.user_id, identity.email, *client_of(request))
        await asyncio.to_thread(_record_download, actor, order_id, kind=kind)
        return file_response(*rendered)

    return endpoint


async def view_as_customer(request: Request) -> Response:
    """ "View as customer" on the order page: the staff member's browser is sent to the live link in
    preview mode, so the page never needs the link itself."""
    checked = await staff_order_request(request, Action.VIEW_AS_CUSTOMER)
    if isinstance(checked, Response):
        return checked
    _, order_id = checked

    def code_of() -> str | None:
        from ..services.portal_links import current_code

        with session_scope() as session:
            return current_code(session, get_settings().secret_key, order_id)

    code = await asyncio.to_thread(code_of)
    if code is None:
        return denied(404, "This order has no live link")
    response = RedirectResponse(routes.frontend(routes.track(code) + "?preview=staff"), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def signature_image(request: Request) -> Response:
    """One signature's PNG for the order page (the id must belong to the order in the path)."""
    checked = await staff_order_request(request, Action.VIEW_ORDERS)
    if isinstance(checked, Response):
        return checked
    _, order_id = checked
    signature_id = path_id(request, "signature_id")

    def load() -> bytes | None:
        from ..services import signed_records

        with session_scope() as session:
            return signed_records.image_of(session, order_id, signature_id) if signature_id else None

    png = await asyncio.to_thread(load)
    if png is None:
        return denied(404, "No such signature")
    return file_response(png, "image/png", f"signature-{signature_id}.png")


async def signature_record(request: Request) -> Response:
    """One signature's printable record: image, who, when, channel, IP, browser, the words signed."""
    checked = await staff_order_request(request, Action.PRINT_DOCUMENTS)
    if isinstance(checked, Response):
        return checked
    identity, order_id = checked
    signature_id = path_id(request, "signature_id")
    if signature_id is None:
        return denied(404, "No such signature")
    from .documents import render_signature

    rendered = await asyncio.to_thread(render_signature, order_id, signature_id)
    if rendered is None:
        return denied(404, "No such signature")
    actor = audit.Actor("staff", identity.user_id, identity.email, *client_of(request))
    await asyncio.to_thread(_record_download, actor, order_id, kind="signature", signature_id=signature_id)
    return file_response(*rendered)


async def start_portal_preview(request: Request) -> Response:
    """ "View as this user" on the customer page's Portal access card: a signed preview cookie tied to this
    staff session, then the account portal as that user sees it (read only; services/portal_preview.py)."""
    from ..services import portal_preview

    if not from_our_pages(request):
        return denied(403, "Start the preview from the customer's page.")
    portal_user_id = path_id(request, "portal_user_id")
    if portal_user_id is None:
        return denied(404, "No such portal user")
    ip, user_agent = client_of(request)
    settings = get_settings()

    def start() -> str | None:
        with write_session() as session:
            token = request.cookies.get(cookies.STAFF_SESSION)
            return portal_preview.start(session, settings, token, portal_user_id, ip=ip, user_agent=user_agent)

    value = await asyncio.to_thread(start)
    if value is None:
        return denied(404, "No such portal user, or your role can't view the portal as the customer")
    response = RedirectResponse(routes.frontend(routes.PORTAL + "?preview=staff"), status_code=303)
    cookies.put(response, cookies.PORTAL_PREVIEW, value, secure=settings.public_url.startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    return response


async def end_portal_preview(request: Request) -> Response:
    """ "End preview": drop the cookie and go back to the staff pages."""
    if request.method == "POST" and not from_our_pages(request):
        return denied(403, "End the preview from the preview's own page.")
    from ..models import PortalUser
    from ..services import portal_preview

    settings = get_settings()
    target = routes.STAFF_CUSTOMERS
    ids = portal_preview.read(settings.secret_key, request.cookies.get(cookies.PORTAL_PREVIEW))
    if ids is not None:
        with session_scope() as session:
            user = session.get(PortalUser, ids[0])
            target = routes.staff_customer(user.customer_id) if user is not None else target
    response = RedirectResponse(routes.frontend(target), status_code=303)
    cookies.drop(response, cookies.PORTAL_PREVIEW, secure=settings.public_url.startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    return response
