"""Online payment routes: the provider's signed webhook, and the two addresses a customer comes back by
from the hosted payment page (success and "Back"). Coming back records nothing; only the webhook (or the
reconcile step asking the provider) does."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from .. import cookies, live, routes
from ..actions import online_payments
from ..settings import get_settings

log = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 64 * 1024  # as the middleware caps every POST under /api/


async def stripe_webhook(request: Request) -> Response:
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:
        return PlainTextResponse("too large", status_code=413)
    signature = request.headers.get("stripe-signature")
    answer = await asyncio.to_thread(online_payments.take_webhook, payload, signature)
    for order_id in answer.order_ids:
        await live.publish(order_id, "payments")
    if answer.order_ids:
        live.publish_alerts()  # the bell: a customer paid (or a payment needs a look)
    return PlainTextResponse(answer.text, status_code=answer.status)


def _back_to_return_page(token: str) -> Response:
    response = RedirectResponse(routes.frontend(routes.PAY_RETURN), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    cookies.put(response, cookies.PAYMENT_RETURN, token, secure=get_settings().public_url.startswith("https://"))
    return response


async def pay_return(request: Request) -> Response:
    """The provider's success address: remember which checkout this browser came back from, then show it."""
    token = str(request.path_params.get("token", ""))[:100]
    return _back_to_return_page(token)


async def pay_cancel(request: Request) -> Response:
    """The provider's "Back": close the checkout so it can't be paid later, then say nothing was taken."""
    token = str(request.path_params.get("token", ""))[:100]
    attempt = await asyncio.to_thread(online_payments.cancel, token)
    if attempt is not None and attempt.order_id:
        await live.publish(attempt.order_id, "payments")
    return _back_to_return_page(token)
