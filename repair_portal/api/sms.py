"""Twilio's webhooks: a text to the shop's number (answered with TwiML) and delivery reports for texts we
sent. Both are refused unless X-Twilio-Signature verifies with the account's auth token over the address
Twilio was given (the public URL, not the one this request arrived at: behind a proxy the host differs);
without Twilio set up they don't exist (404)."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qsl

from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from .. import live
from ..db import session_scope, write_session
from ..integrations.sms import masked_number
from ..services import sms_inbound, sms_settings
from ..services.mail import LinkSettings
from ..settings import get_settings

log = logging.getLogger("repair_portal.sms")
MAX_WEBHOOK_BYTES = 64 * 1024  # as the middleware caps every POST under /api/
MAX_FIELDS = 200  # an inbound text with ten pictures has about forty


def signed_url(request: Request, address: str) -> str:
    """The address Twilio signed: the one it was given (the shop's public URL and the route's path: see
    services/sms_settings.py), with this request's query string if any."""
    query = request.url.query
    return address + (f"?{query}" if query else "")


async def _form(request: Request) -> FormData | Response:
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:
        return PlainTextResponse("too large", status_code=413)
    try:
        fields = parse_qsl(payload.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return PlainTextResponse("bad request", status_code=400)
    return FormData(fields)


def _refusal(url: str, params: FormData, signature: str) -> Response | None:
    """404 while texts aren't set up, 403 for a missing or wrong signature, None when Twilio signed it."""
    with session_scope() as session:
        found = sms_settings.credentials(session, get_settings())
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    if not signature or not RequestValidator(found.auth_token).validate(url, params, signature):
        log.warning("twilio webhook refused: bad signature for %s", url)
        return PlainTextResponse("Forbidden", status_code=403)
    return None


async def _verified(request: Request, address: str) -> FormData | Response:
    form = await _form(request)
    if isinstance(form, Response):
        return form
    signature = request.headers.get("x-twilio-signature", "")
    refusal = await asyncio.to_thread(_refusal, signed_url(request, address), form, signature)
    return refusal or form


def _receive(from_number: str, to_number: str, body: str, sid: str) -> sms_inbound.Inbound:
    settings = get_settings()
    links = LinkSettings(settings.public_url, settings.secret_key)
    for attempt in (1, 2):
        try:
            with write_session() as session:
                return sms_inbound.receive(session, links, from_number, to_number, body, sid)
        except IntegrityError:  # the same MessageSid, posted twice at once: the second run sees the first
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def twiml(reply: str) -> str:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return str(answer)


async def twilio_inbound(request: Request) -> Response:
    form = await _verified(request, sms_settings.inbound_url(get_settings()))
    if isinstance(form, Response):
        return form
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    from_number = form.get("From") or ""
    if not sid or not from_number:
        return PlainTextResponse("MessageSid and From are required", status_code=400)
    answer = await asyncio.to_thread(_receive, from_number, form.get("To") or "", form.get("Body") or "", sid)
    log.info("text from %s: %s", masked_number(from_number), answer.outcome)
    if answer.order_id is not None and answer.outcome != "duplicate":
        await live.publish(answer.order_id, "messages" if answer.outcome == "message" else "texts")
    if answer.outcome in ("message", "unmatched"):
        live.publish_alerts()  # the bell, and the unmatched-texts list on Alerts
    return Response(twiml(answer.reply), media_type="text/xml")


def _record_status(sid: str, status: str, error_code: str) -> int | None:
    with write_session() as session:
        text = sms_inbound.record_status(session, sid, status, error_code)
        return text.order_id if text is not None else None


async def twilio_status(request: Request) -> Response:
    form = await _verified(request, sms_settings.status_url(get_settings()))
    if isinstance(form, Response):
        return form
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if not sid or not status:
        return PlainTextResponse("MessageSid and MessageStatus are required", status_code=400)
    order_id = await asyncio.to_thread(_record_status, sid, status, form.get("ErrorCode") or "")
    if order_id is not None:
        await live.publish(order_id, "texts")
    return Response(status_code=204)
