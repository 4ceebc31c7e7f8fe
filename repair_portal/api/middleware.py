"""ASGI hardening around the whole backend: response headers (CSP with hashes of each page's inline
scripts), request-body caps, the identity check on Reflex's `/_upload` before any body is read, and
NUL bytes in addresses and form fields refused (api/nul_guard.py)."""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import hashlib
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from .. import cookies
from ..services.ids import is_digits
from . import nul_guard, portal_switch, widget

log = logging.getLogger("repair_portal.security")

SECURITY_HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]
MAX_FORM_BODY = 64 * 1024  # sign-in and last-name forms: a few fields
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(script_hashes: list[str], frame_ancestors: str = "frame-ancestors 'none'") -> str:
    """Scripts: our files, the page's own inline scripts by hash, and `eval` (Reflex runs
    `rx.call_script` through it). Nothing may frame a page (but the lookup page, by the websites the
    shop lists: api/portal_switch.py), no plugins, no <base> tricks."""
    from reflex_base.config import get_config

    from ..settings import get_settings

    backend = _origin(get_config().api_url)
    sockets = " ".join(
        o.replace("http://", "ws://").replace("https://", "wss://") for o in {backend, *get_settings().allowed_origins}
    )
    hashes = " ".join(f"'sha256-{h}'" for h in script_hashes)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-eval' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {backend} {sockets}",
            f"form-action 'self' {backend}",
            "object-src 'none'",
            "base-uri 'none'",
            frame_ancestors,
        ]
    )


def inline_script_hashes(html: bytes) -> list[str]:
    found = []
    for match in INLINE_SCRIPT.finditer(html):
        digest = hashlib.sha256(match.group(1)).digest()
        found.append(base64.b64encode(digest).decode("ascii"))
    return sorted(set(found))


async def _send_plain(send, status: int, text: str, *, location: str = "") -> None:
    body = text.encode()
    extra = [(b"location", location.encode("latin-1", "replace"))] if location else []
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
                *extra,
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _send_widget(send, method: str) -> None:
    facts = await asyncio.to_thread(widget.widget_facts)
    framing = await asyncio.to_thread(portal_switch.frame_ancestors)
    body = widget.widget_html(facts)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"content-security-policy", content_security_policy([], framing).encode()),
                *_security_headers(framing),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


def _security_headers(frame_ancestors: str | None) -> list:
    """The security headers for a response: framing refused, or (the lookup page) limited to the
    shop's listed websites — then X-Frame-Options, which can't name other sites, is left out."""
    if frame_ancestors is None:
        return SECURITY_HEADERS
    if frame_ancestors.strip() == "frame-ancestors 'self'":
        return [(k, b"SAMEORIGIN" if k == b"x-frame-options" else v) for k, v in SECURITY_HEADERS]
    return [(k, v) for k, v in SECURITY_HEADERS if k != b"x-frame-options"]


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _declared_length(scope) -> int | None:
    raw = _header(scope, b"content-length")
    return int(raw) if raw is not None and is_digits(raw) and len(raw) < 16 else None


@functools.lru_cache(maxsize=1)
def portal_uploads() -> dict[str, str | None]:
    """{Reflex handler name: the portal permission it needs} for portal users' upload handlers."""
    from ..state.binding import app_state_classes

    found = {}
    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            if getattr(handler.fn, "upload_portal", False):
                guard = getattr(handler.fn, "guard", None)
                found[f"{cls.get_full_name()}.{name}"] = str(guard.action) if guard and guard.action else None
    return found


@functools.lru_cache(maxsize=1)
def upload_caps() -> dict[str, int]:
    """{Reflex handler name: request-body cap} for every handler marked with `@upload_limit`."""
    from ..state.binding import app_state_classes

    caps = {}
    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            cap = getattr(handler.fn, "upload_max_bytes", None)
            if cap is not None:
                caps[f"{cls.get_full_name()}.{name}"] = cap
    return caps


async def _upload_refusal(scope) -> tuple[int, str] | None:
    """Why an upload request is refused, decided from its headers alone (no body read yet)."""
    from ..state.binding import binding_of, state_binding

    handler = _header(scope, b"reflex-event-handler") or ""
    token = _header(scope, b"reflex-client-token") or ""
    cap = upload_caps().get(handler)
    if cap is None or not token:
        return 400, "That is not an upload."
    length = _declared_length(scope)
    if length is None:
        return 411, "Uploads need a Content-Length."
    if length > cap:
        return 413, f"That upload is larger than {cap // (1024 * 1024)} MB."
    cookie_header = _header(scope, b"cookie")
    portal = portal_uploads()
    if handler in portal:
        allowed = await asyncio.to_thread(_has_portal_session, cookie_header, portal[handler])
    else:
        allowed = await asyncio.to_thread(_has_staff_session, cookie_header)
    if not allowed:
        return 403, "Sign in first."
    from ..repair_portal import app

    # The client token must belong to a tab opened under this same sign-in: a token copied into
    # another browser, or replayed with another staff member's cookie, uploads nothing.
    if await state_binding(app, token) != binding_of(cookie_header):
        return 403, "Reload the page and try again."
    return None


def _has_staff_session(cookie_header: str | None) -> bool:
    from ..db import write_session
    from ..services.staff_auth import resolve_session
    from ..settings import get_settings

    token = cookies.parse(cookie_header).get(cookies.STAFF_SESSION)
    if not token:
        return False
    with write_session() as session:
        identity = resolve_session(session, get_settings(), token)
    return identity is not None and not identity.counter_locked


def _has_portal_session(cookie_header: str | None, perm: str | None) -> bool:
    """A signed-in portal user (MFA passed where required, the portal switched on) whose group has `perm`.
    A staff preview has no portal session cookie, so it uploads nothing."""
    from ..db import write_session
    from ..services import portal_auth
    from ..services.portal_permissions import Perm
    from ..services.portal_policy import portal_off
    from ..settings import get_settings

    token = cookies.parse(cookie_header).get(cookies.PORTAL_SESSION)
    if not token:
        return False
    with write_session() as session:
        if portal_off(session) is not None:
            return False
        identity = portal_auth.resolve(session, get_settings(), token)
    if not portal_auth.signed_in(identity):
        return False
    return perm is None or identity.may(Perm(perm))


def _capped_receive(receive, cap: int):
    """Counts the body as it arrives; past the cap the request is cut off (a lying Content-Length)."""
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                return {"type": "http.disconnect"}
        return message

    return wrapped


def security_headers(app):
    """ASGI middleware: headers on every response, caps and checks on request bodies."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if nul_guard.url_has_nul(scope):
            await _send_plain(send, 400, nul_guard.NUL_REFUSED)
            return
        if method == "POST" and path.rstrip("/").endswith("/_upload"):
            refusal = await _upload_refusal(scope)
            if refusal is not None:
                log.info("upload refused: %s", refusal[1])
                await _send_plain(send, *refusal)
                return
            receive = _capped_receive(receive, _declared_length(scope) or 0)
        elif method in ("POST", "PUT", "PATCH") and path.startswith("/api/"):
            length = _declared_length(scope)
            if length is not None and length > MAX_FORM_BODY:
                await _send_plain(send, 413, "That request is too large.")
                return
            receive = _capped_receive(receive, MAX_FORM_BODY)
            if nul_guard.checks_form_body(scope):
                body, receive = await nul_guard.read_form_body(receive)
                if body is not None and nul_guard.form_has_nul(body):
                    await _send_plain(send, 400, nul_guard.NUL_REFUSED)
                    return
        if widget.wants_widget(scope):  # the shop website's iframe: a plain HTML form, no JavaScript
            await _send_widget(send, method)
            return
        if portal_switch.area(path) is not None:
            answer = await portal_switch.portal_off_answer(scope, _header(scope, b"cookie"))
            if answer is not None:
                await _send_plain(send, answer.status, answer.text or "See other", location=answer.location)
                return
        framing = await asyncio.to_thread(portal_switch.frame_ancestors) if portal_switch.is_lookup(path) else None
        security = _security_headers(framing)

        start: dict | None = None
        chunks: list[bytes] = []

        async def send_with_headers(message):
            nonlocal start
            if message["type"] == "http.response.start":
                message = dict(message)
                headers = list(message.get("headers", []))
                existing = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in security if k not in existing]
                content_type = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    message["headers"] = headers
                    start = message  # held back until the body is known: the CSP hashes its scripts
                    return
                if framing is not None:  # the lookup form's redirects, inside the widget's frame
                    headers.append((b"content-security-policy", framing.encode()))
                message["headers"] = headers
                await send(message)
                return
            if start is not None and message["type"] == "http.response.pathsend":  # a static page, zero-copy
                chunks.append(await asyncio.to_thread(Path(message["path"]).read_bytes))
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            if start is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                encoding = dict((k.lower(), v) for k, v in headers).get(b"content-encoding", b"")
                html = gzip.decompress(body) if encoding == b"gzip" else body
                csp = content_security_policy(inline_script_hashes(html), framing or "frame-ancestors 'none'")
                headers.append((b"content-security-policy", csp.encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
