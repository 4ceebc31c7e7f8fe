"""A local stand-in of Twilio's Messages API for the real `twilio` client (9.13), and of Twilio's side of
the webhooks: delivery reports to a message's StatusCallback and inbound texts, both form-encoded and signed
with X-Twilio-Signature by the package's own RequestValidator. Served like tests/stripe_standin.py: granian's
embedded ASGI server (uvicorn is not installed) on its own event loop in a daemon thread.

Shapes follow twilio-python 9.13: a create is a form POST to /2010-04-01/Accounts/{AccountSid}/Messages.json
with HTTP Basic auth (AccountSid:AuthToken) and answers 201 with the message's JSON; an error answers 4xx/5xx
with {"code", "message", "more_info", "status"} (the client raises TwilioRestException from it). Nothing here
is checked against Twilio itself."""

from __future__ import annotations

import base64
import re
import secrets
import threading
from email.utils import formatdate
from urllib.parse import parse_qsl, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from twilio.request_validator import RequestValidator

from .local_server import LocalServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "standin_auth_token_0123456789abcd"  # made up: the stand-in's own
FROM_NUMBER = "+15005550006"  # Twilio's own "valid sender" test number
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2
API_VERSION = "2010-04-01"
E164 = re.compile(r"(?:whatsapp:)?\+[1-9]\d{6,14}")
ERROR_INFO = "https://www.twilio.com/docs/errors/{}"


def new_sid(prefix: str = "SM") -> str:
    return prefix + secrets.token_hex(16)


def _now() -> str:
    return formatdate(usegmt=True).replace("GMT", "+0000")


def _segments(body: str) -> int:
    """Close enough for a stand-in: ASCII as GSM-7 (160, 153 when split), anything else as UCS-2 (70, 67)."""
    single, part = (160, 153) if body.isascii() else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // part)


class TwilioError(Exception):
    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JSONResponse:
        body = {"code": self.code, "message": self.message, "more_info": ERROR_INFO.format(self.code)}
        return JSONResponse({**body, "status": self.status}, status_code=self.status)


class TwilioStandIn:
    """In-memory Twilio for one account. `messages` ({sid: dict}, oldest first) holds what was created,
    with the StatusCallback it was given; `callbacks` every webhook sent and the answer it got."""

    def __init__(
        self,
        *,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        numbers: tuple[str, ...] = (FROM_NUMBER,),
        services: tuple[str, ...] = (MESSAGING_SERVICE_SID,),
    ):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.numbers, self.services = set(numbers), set(services)
        self.messages: dict[str, dict] = {}
        self.callbacks: list[dict] = []
        self.refused: list[dict] = []  # creates answered with an error (fail_next, bad input, bad auth)
        # A reverse proxy in front of the app: webhooks are signed for the public URL and sent here instead.
        self.forward_to: str | None = None
        self._failures: list[TwilioError] = []
        self._lock = threading.Lock()
        self.validator = RequestValidator(auth_token)
        prefix = f"/{API_VERSION}/Accounts/{{account_sid}}"
        self.app = Starlette(
            routes=[
                Route(prefix + "/Messages.json", self._create, methods=["POST"]),
                Route(prefix + "/Messages/{sid}.json", self._fetch, methods=["GET"]),
            ]
        )

    # -- test controls ------------------------------------------------------------------------------

    def fail_next(self, code: int, status: int, message: str = "") -> None:
        """The next create answers this error instead (e.g. 21211 / 400, or 20500 / 500)."""
        with self._lock:
            self._failures.append(TwilioError(status, code, message or f"Stand-in error {code}"))

    def last(self) -> dict:
        return list(self.messages.values())[-1]

    def sign(self, url: str, params: dict) -> str:
        """X-Twilio-Signature for a POST of `params` to `url`, as Twilio computes it (and forgers try)."""
        return self.validator.compute_signature(url, params)

    def post(self, url: str, params: dict, *, signature: str | None = None) -> httpx.Response:
        """A webhook as Twilio sends it: form-encoded, signed for `url` (or with the given signature)."""
        headers = {"X-Twilio-Signature": self.sign(url, params) if signature is None else signature}
        target = url
        if self.forward_to:
            parts = urlsplit(url)
            target = self.forward_to.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
        headers["User-Agent"] = "TwilioProxy/1.1"
        answer = httpx.post(target, data=params, headers=headers, timeout=10)
        self.callbacks.append({"url": url, "params": dict(params), "status": answer.status_code})
        return answer

    def deliver(self, sid: str, status: str = "delivered", error_code: int | str | None = None) -> httpx.Response:
        """The carrier's answer for a created message, reported to its StatusCallback."""
        with self._lock:
            message = self.messages[sid]
            message["status"] = status
            message["error_code"] = int(error_code) if error_code not in (None, "") else None
            message["date_updated"] = _now()
            url = message["status_callback"]
            params = {
                "AccountSid": self.account_sid,
                "ApiVersion": API_VERSION,
                "From": message["from"] or FROM_NUMBER,
                "MessageSid": sid,
                "MessageStatus": status,
                "SmsSid": sid,
                "SmsStatus": status,
                "To": message["to"],
            }
            if message["messaging_service_sid"]:
                params["MessagingServiceSid"] = message["messaging_service_sid"]
            if error_code not in (None, ""):
                params["ErrorCode"] = str(error_code)
        if not url:
            raise AssertionError(f"message {sid} was created without a StatusCallback")
        return self.post(url, params)

    def inbound(
        self, from_number: str, to_number: str, body: str, url: str, *, message_sid: str | None = None, **extra: str
    ) -> httpx.Response:
        """A customer's text to the shop's number, posted to the number's "A message comes in" webhook.
        The answer's text is the app's TwiML."""
        sid = message_sid or new_sid()
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "Body": body,
            "From": from_number,
            "FromCountry": "GB",
            "MessageSid": sid,
            "NumMedia": "0",
            "NumSegments": str(_segments(body)),
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": "received",
            "To": to_number,
            "ToCountry": "US",
            **extra,
        }
        return self.post(url, params)

    # -- the HTTP API -------------------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        path_sid = request.path_params.get("account_sid", "")
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return secrets.compare_digest(f"{user}:{password}".encode(), expected) and path_sid == self.account_sid

    async def _create(self, request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", "replace")
        params = dict(parse_qsl(raw, keep_blank_values=True))
        try:
            if not self._authorised(request):
                raise TwilioError(401, 20003, "Authenticate")
            with self._lock:
                if self._failures:
                    raise self._failures.pop(0)
                message = self._new_message(params)
                self.messages[message["sid"]] = message
        except TwilioError as exc:
            self.refused.append({"params": params, "status": exc.status, "code": exc.code})
            return exc.response()
        return JSONResponse(self._public(message), status_code=201)

    async def _fetch(self, request: Request) -> Response:
        if not self._authorised(request):
            return TwilioError(401, 20003, "Authenticate").response()
        message = self.messages.get(request.path_params["sid"])
        if message is None:
            return TwilioError(404, 20404, f"The requested resource {request.url.path} was not found").response()
        return JSONResponse(self._public(message))

    def _new_message(self, params: dict) -> dict:
        to, sender, service = params.get("To", ""), params.get("From", ""), params.get("MessagingServiceSid", "")
        body, callback = params.get("Body", ""), params.get("StatusCallback", "")
        if not to:
            raise TwilioError(400, 21604, "A 'To' phone number is required.")
        if not E164.fullmatch(to):
            raise TwilioError(400, 21211, f"Invalid 'To' Phone Number: {to[:30]}")
        if not sender and not service:
            raise TwilioError(400, 21603, "A 'From' phone number is required.")
        if sender and sender not in self.numbers:
            raise TwilioError(
                400, 21606, f"The From phone number {sender[:30]} is not a valid, SMS-capable phone number for you."
            )
        if service and service not in self.services:
            raise TwilioError(400, 21701, f"The Messaging Service Sid {service[:40]} is invalid.")
        if not body:
            raise TwilioError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise TwilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if callback and not callback.startswith(("http://", "https://")):
            raise TwilioError(400, 21609, "Invalid StatusCallback url")
        sid, now = new_sid(), _now()
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender or None,  # a Messaging Service picks the sender later
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": str(_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service and not sender else "queued",
            "subresource_uris": {"media": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": to,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json",
            "status_callback": callback,  # kept for the tests; Twilio doesn't echo it
        }

    @staticmethod
    def _public(message: dict) -> dict:
        return {k: v for k, v in message.items() if k != "status_callback"}


class TwilioStandInServer(LocalServer):
    """`with TwilioStandInServer(routes=[...]) as server:` -> server.url (the API base for the client:
    TwilioSms(..., api_base=server.url)), server.origin (where `routes` answer, e.g. the app's webhook
    routes), server.standin. `prefix` mounts the API under a path."""

    name = "Twilio stand-in"

    def __init__(self, *, prefix: str = "", routes: list[BaseRoute] | None = None, **standin_options):
        super().__init__(prefix=prefix)
        self.standin = TwilioStandIn(**standin_options)
        self.serve(self.standin.app, routes)
