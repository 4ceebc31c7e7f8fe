"""Portal account HTTP routes: password sign-in, the emailed sign-in link, sign-out. The only places the
HttpOnly portal session cookie is written or dropped; each answers with a redirect, so the next page
opens a websocket that carries (or no longer carries) the cookie."""

from __future__ import annotations

import asyncio
import html
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import cookies, routes
from ..db import get_engine, session_scope, write_session
from ..services import colours, portal_auth, portal_signin
from ..settings import get_settings
from .common import client_of, denied, from_our_pages

MAX_FORM_FIELD = 1024


def _secure() -> bool:
    return get_settings().public_url.startswith("https://")


def _signed_in(token: str, mfa_pending: bool, known_device: str | None = None) -> Response:
    """The new session's cookie, and on to the account or the second step (a full page load)."""
    target = routes.PORTAL_MFA if mfa_pending else routes.PORTAL
    response = RedirectResponse(routes.frontend(target), status_code=303)
    cookies.put(response, cookies.PORTAL_SESSION, token, secure=_secure())
    if known_device:
        cookies.put(response, cookies.PORTAL_DEVICE, known_device, secure=_secure())
    response.headers["Cache-Control"] = "no-store"
    return response


async def _end_previous(request: Request) -> None:
    """A browser signing in again (perhaps as someone else): its old session ends on the server too,
    not only in the cookie jar."""
    token = request.cookies.get(cookies.PORTAL_SESSION)
    if token:

        def end() -> None:
            with write_session() as session:
                portal_auth.sign_out(session, token)

        await asyncio.to_thread(end)


def _to_sign_in(**query: str) -> Response:
    target = routes.PORTAL_SIGN_IN + (f"?{urlencode(query)}" if query else "")
    response = RedirectResponse(routes.frontend(target), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def sign_in(request: Request) -> Response:
    """The password form posts here (rate limits, dummy bcrypt and one message: services/portal_signin.py)."""
    if not from_our_pages(request):
        return denied(403, "Sign in from the shop's own sign-in page.")
    form = await request.form(max_files=0, max_fields=8)
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:MAX_FORM_FIELD]
    ip, user_agent = client_of(request)
    result = await asyncio.to_thread(
        portal_signin.sign_in,
        get_engine(),
        get_settings(),
        email=email,
        password=password,
        ip=ip,
        user_agent=user_agent,
        known_device=request.cookies.get(cookies.PORTAL_DEVICE),
    )
    if not result.ok:
        if result.retry_after_minutes:
            return _to_sign_in(error="locked", retry=str(result.retry_after_minutes))
        return _to_sign_in(error="invalid")
    await _end_previous(request)
    return _signed_in(result.token, result.mfa_pending, result.known_device)


async def passkey_sign_in(request: Request) -> Response:
    """ "Sign in with a passkey": the sign-in page's script posts the browser's signed answer here."""
    from ..services import passkeys

    if not from_our_pages(request):
        return denied(403, "Sign in from the shop's own sign-in page.")
    form = await request.form(max_files=0, max_fields=4)
    answer = str(form.get("credential", ""))
    ip, user_agent = client_of(request)
    result = await asyncio.to_thread(
        portal_signin.sign_in_with_passkey,
        get_engine(),
        get_settings(),
        response_json=answer if len(answer) <= passkeys.MAX_RESPONSE_CHARS else "",
        ip=ip,
        user_agent=user_agent,
        known_device=request.cookies.get(cookies.PORTAL_DEVICE),
    )
    if not result.ok:
        return _to_sign_in(error="passkey")
    await _end_previous(request)
    return _signed_in(result.token, False, result.known_device)


async def sign_out(request: Request) -> Response:
    """POST (the Sign out button): revoke the session server-side and drop the cookie. GET: drop it."""
    token = request.cookies.get(cookies.PORTAL_SESSION)
    posted = request.method == "POST" and from_our_pages(request)
    if token and posted:
        ip, user_agent = client_of(request)

        def end() -> None:
            from ..services import audit

            with write_session() as session:
                identity = portal_auth.resolve(session, get_settings(), token)
                if portal_auth.sign_out(session, token) and identity is not None:
                    actor = audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)
                    audit.record(session, actor, "portal.logout")

        await asyncio.to_thread(end)
    response = _to_sign_in(signed_out="1") if posted else _to_sign_in()
    cookies.drop(response, cookies.PORTAL_SESSION, secure=_secure())
    if request.method == "POST":
        response.headers["Clear-Site-Data"] = '"storage"'
    return response


def _confirm_page(token_path: str) -> str:
    """What opening an emailed link shows: one button. Mail scanners that fetch links spend nothing."""
    from ..models import ShopSettings
    from ..services import branding

    with session_scope() as session:
        shop = ShopSettings.current(session)
        name, accent = shop.name, colours.surface(branding.accent_for(shop, None))
    ink = colours.text_on(accent)
    esc = html.escape
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Sign in · {esc(name)}</title>
<style>
body{{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f4f5;color:#18181b}}
header{{background:{esc(accent)};color:{esc(ink)};padding:1rem 1.25rem;font-weight:700;font-size:1.25rem}}
header span{{display:block;max-width:40rem;margin:0 auto}}
main{{max-width:40rem;margin:0 auto;padding:1.25rem 1rem}}
.card{{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}}
h1{{font-size:1.5rem;margin:0 0 .75rem}}
p{{font-size:1rem;line-height:1.5;margin:0 0 1rem;color:#3f3f46}}
button{{width:100%;min-height:48px;font-size:1rem;font-weight:600;border:0;border-radius:8px;cursor:pointer;
background:{esc(accent)};color:{esc(ink)}}}
button:focus-visible{{outline:3px solid #1d4ed8;outline-offset:2px}}
</style></head>
<body><header><span>{esc(name)}</span></header>
<main><div class="card"><h1>Sign in to your account</h1>
<p>You opened a sign-in link from {esc(name)}. Continue to sign in on this device.</p>
<form method="post" action="{esc(token_path)}">
<button type="submit" id="magic-continue">Continue to your account</button></form>
</div></main></body></html>
"""


async def magic_link(request: Request) -> Response:
    """GET: a page with one button, if the link is live (a scanner fetching it spends nothing). POST: the
    link is spent once (15 minutes) and this browser signed in; a used or expired link: the sign-in page
    says so."""
    token = str(request.path_params.get("token", ""))

    def live() -> bool:
        with session_scope() as session:
            return portal_signin.magic_link_live(session, token)

    if request.method != "POST":
        if not await asyncio.to_thread(live):
            return _to_sign_in(error="link")
        page = HTMLResponse(_confirm_page(request.url.path))
        page.headers["Cache-Control"] = "no-store"
        return page
    if not from_our_pages(request):
        return denied(403, "Open the link from your email.")
    ip, user_agent = client_of(request)
    settings = get_settings()

    def redeem():
        with write_session() as session:
            return portal_signin.redeem_magic(session, settings, token, ip=ip, user_agent=user_agent)

    result = await asyncio.to_thread(redeem)
    if result is None:
        return _to_sign_in(error="link")
    await _end_previous(request)
    return _signed_in(result.token, result.mfa_pending)
