"""The HTTP side of "no NUL bytes anywhere": a path, query string or form field holding one is answered
400 before any route runs (the websocket side is the guard in state/guard.py)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from .. import routes

NUL_REFUSED = "That request contains a character that isn't allowed (a NUL byte)."
FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
# Signed by the provider and cleaned by their own services (sms_inbound drops control characters): a 400
# would only make the provider retry a message it can't change.
PROVIDER_WEBHOOKS = frozenset({routes.TWILIO_INBOUND, routes.TWILIO_STATUS, routes.STRIPE_WEBHOOK})


def _decoded_has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"\x00" in unquote_to_bytes(raw.replace(b"+", b" "))


def url_has_nul(scope) -> bool:
    return "\x00" in scope.get("path", "") or _decoded_has_nul(scope.get("query_string", b"") or b"")


def _content_type(scope) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-type":
            return value.split(b";", 1)[0].strip().lower()
    return b""


def checks_form_body(scope) -> bool:
    return (
        scope.get("method") in ("POST", "PUT", "PATCH")
        and scope.get("path", "").startswith("/api/")
        and scope.get("path", "").rstrip("/") not in PROVIDER_WEBHOOKS
        and _content_type(scope) in FORM_TYPES
    )


async def read_form_body(receive):
    """The whole (already capped) body, and a `receive` that hands it to the route again. None for the
    body when the client went away half-way (the route then sees the disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replay(message, receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replay({"type": "http.request", "body": body, "more_body": False}, receive)


def _replay(first: dict, receive):
    pending = [first]

    async def replayed():
        return pending.pop() if pending else await receive()

    return replayed


def form_has_nul(body: bytes) -> bool:
    """Form fields are text (every form route takes no files): a NUL raw or %00-escaped is refused."""
    return _decoded_has_nul(body)
