"""Runs the Stripe stand-in (repair_portal/integrations/stripe_standin.py) on a local port for the real
`stripe` client, in the style of tests/sendgrid_standin.py.

The server is granian's embedded ASGI server (granian is what `reflex run` serves with and is pinned in
constraints.txt; uvicorn is not installed) on its own event loop in a daemon thread."""

from __future__ import annotations

import stripe
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from repair_portal.integrations.stripe_standin import StripeStandIn

from .local_server import LocalServer

SECRET_KEY = "sk_test_standin_0123456789"
WEBHOOK_SECRET = "whsec_standin_0123456789"


class WebhookInbox:
    """A tiny webhook receiver to serve beside the stand-in: keeps each request's body and headers and
    answers `status` (200 unless a test changes it)."""

    def __init__(self, path: str = "/webhook"):
        self.path = path
        self.received: list[dict] = []
        self.status = 200

    async def endpoint(self, request: Request) -> Response:
        self.received.append({"body": await request.body(), "headers": dict(request.headers)})
        return Response(status_code=self.status)

    def route(self) -> Route:
        return Route(self.path, self.endpoint, methods=["POST"])


class StripeStandInServer(LocalServer):
    """`with StripeStandInServer() as server:` -> server.url (the API base for stripe-python and the
    prefix of the hosted page), server.standin, server.client(). `prefix` mounts the stand-in under a path
    (as the demo does inside the app); `routes` are served beside it on the same server and event loop,
    e.g. WebhookInbox().route(), with webhook_url pointing at them (`server.origin + path`)."""

    name = "Stripe stand-in"

    def __init__(
        self,
        *,
        secret_key: str = SECRET_KEY,
        webhook_secret: str = WEBHOOK_SECRET,
        webhook_path: str | None = None,
        prefix: str = "",
        routes: list[BaseRoute] | None = None,
    ):
        super().__init__(prefix=prefix)
        webhook_url = self.origin + webhook_path if webhook_path else None
        self.standin = StripeStandIn(
            secret_key=secret_key, webhook_secret=webhook_secret, webhook_url=webhook_url, public_base=self.url
        )
        self.serve(self.standin.app, routes)

    def client(self, api_key: str | None = None) -> stripe.StripeClient:
        """The real client, configured as the app configures it, pointed at this server."""
        return stripe.StripeClient(
            api_key or self.standin.secret_key, base_addresses={"api": self.url}, max_network_retries=0
        )
