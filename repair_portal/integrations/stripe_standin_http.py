"""The stand-in's HTTP face: Stripe's /v1 routes (Bearer key, form bodies, JSON answers) and the hosted
checkout page's plain-form routes. Paths are relative to wherever the app is mounted."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import stripe_standin_page as page
from .stripe_standin_params import StripeError, new_id

if TYPE_CHECKING:
    from .stripe_standin import StripeStandIn

Operation = Callable[[Request, dict], dict]
_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
    "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
)
_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _masked(key: str) -> str:
    return f"{key[:8]}{'*' * 4}{key[-4:]}" if len(key) > 12 else "****"


def build_app(standin: StripeStandIn) -> Starlette:
    def api(operation: Operation):
        async def endpoint(request: Request) -> Response:
            headers = {"Request-Id": new_id("req_")}
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {standin.secret_key}".encode()):
                shown = f"Invalid API Key provided: {_masked(sent[7:])}" if sent.startswith("Bearer ") else _NO_KEY
                return JSONResponse(StripeError(401, shown).body(), 401, headers)
            raw = (await request.body()).decode("utf-8", "replace") if request.method == "POST" else ""
            key = request.headers.get("idempotency-key") if request.method == "POST" else None
            where = f"{request.method} {request.url.path}"
            status, body, replayed = standin.call(
                where, raw or request.url.query, key, lambda params: operation(request, params)
            )
            return JSONResponse(body, status, headers | ({"Idempotent-Replayed": "true"} if replayed else {}))

        return endpoint

    def ident(request: Request) -> str:
        return str(request.path_params["ident"])

    def unknown(request: Request, params: dict) -> dict:
        raise StripeError(404, f"Unrecognized request URL ({request.method}: {request.url.path}).")

    def checkout_html(session: dict, *, declined: bool = False, status: int = 200) -> HTMLResponse:
        details = standin.checkout_details(session["id"])
        html = page.checkout_page(
            session,
            details.items,
            details.intent_description,
            base_path=urlsplit(standin.public_base).path.rstrip("/"),
            declined=declined,
        )
        return HTMLResponse(html, status, _PAGE_HEADERS)

    async def show(request: Request) -> Response:
        session = standin.snapshot(ident(request))
        return checkout_html(session) if session else HTMLResponse(page.missing_page(), 404, _PAGE_HEADERS)

    async def pay(request: Request) -> Response:
        """Paid: 303 to success_url (after the webhook went out, unless held). A second click changes nothing."""
        if standin.snapshot(ident(request)) is None:
            return HTMLResponse(page.missing_page(), 404, _PAGE_HEADERS)
        session = await standin.pay_async(ident(request))
        if session["status"] == "complete" and session.get("success_url"):
            return RedirectResponse(page.success_target(session), 303)
        return checkout_html(session, status=200 if session["status"] == "complete" else 409)

    async def decline(request: Request) -> Response:
        if standin.snapshot(ident(request)) is None:
            return HTMLResponse(page.missing_page(), 404, _PAGE_HEADERS)
        session = await standin.decline_async(ident(request))
        return checkout_html(session, declined=session["status"] == "open")

    sessions = "/v1/checkout/sessions"
    return Starlette(
        routes=[
            Route(sessions, api(lambda request, params: standin.create_session(params)), methods=["POST"]),
            Route(
                sessions + "/{ident}",
                api(lambda request, params: standin.retrieve_session(ident(request), params)),
                methods=["GET"],
            ),
            Route(
                sessions + "/{ident}/expire",
                api(lambda request, params: standin.expire_session(ident(request), params)),
                methods=["POST"],
            ),
            Route(
                "/v1/payment_intents/{ident}",
                api(lambda request, params: standin.retrieve("payment_intent", ident(request), params)),
                methods=["GET"],
            ),
            Route("/v1/refunds", api(lambda request, params: standin.create_refund(params)), methods=["POST"]),
            Route(
                "/v1/refunds/{ident}",
                api(lambda request, params: standin.retrieve("refund", ident(request), params)),
                methods=["GET"],
            ),
            Route("/v1/{rest:path}", api(unknown), methods=["GET", "POST", "DELETE"]),
            Route("/checkout/{ident}", show, methods=["GET"]),
            Route("/checkout/{ident}/pay", pay, methods=["POST"]),
            Route("/checkout/{ident}/decline", decline, methods=["POST"]),
        ]
    )
