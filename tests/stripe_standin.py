"""Runs the Stripe stand-in (repair_portal/integrations/stripe_standin.py) on a local port for the real
`stripe` client, in the style of tests/sendgrid_standin.py.

The server is granian's embedded ASGI server (granian is what `reflex run` serves with and is pinned in
constraints.txt; uvicorn is not installed) on its own event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import stripe
from granian.constants import Interfaces
from granian.server.embed import Server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from repair_portal.integrations.stripe_standin import StripeStandIn

SECRET_KEY = "sk_test_standin_0123456789"
WEBHOOK_SECRET = "whsec_standin_0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class StripeStandInServer:
    """`with StripeStandInServer() as server:` -> server.url (the API base for stripe-python and the
    prefix of the hosted page), server.standin, server.client(). `prefix` mounts the stand-in under a path
    (as the demo does inside the app); `routes` are served beside it on the same server and event loop,
    e.g. WebhookInbox().route(), with webhook_url pointing at them (`server.origin + path`)."""

    def __init__(
        self,
        *,
        secret_key: str = SECRET_KEY,
        webhook_secret: str = WEBHOOK_SECRET,
        webhook_path: str | None = None,
        prefix: str = "",
        routes: list[BaseRoute] | None = None,
    ):
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = self.origin + prefix
        webhook_url = self.origin + webhook_path if webhook_path else None
        self.standin = StripeStandIn(
            secret_key=secret_key, webhook_secret=webhook_secret, webhook_url=webhook_url, public_base=self.url
        )
        app = self.standin.app
        if prefix or routes:
            app = Starlette(routes=[*(routes or []), Mount(prefix or "/", app=self.standin.app)])
        self._server = Server(
            app, address="127.0.0.1", port=self.port, interface=Interfaces.ASGINL, log_enabled=False, websockets=False
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="stripe-standin", daemon=True)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._server.serve())
        self._loop.close()

    def client(self, api_key: str | None = None) -> stripe.StripeClient:
        """The real client, configured as the app configures it, pointed at this server."""
        return stripe.StripeClient(
            api_key or self.standin.secret_key, base_addresses={"api": self.url}, max_network_retries=0
        )

    def __enter__(self) -> StripeStandInServer:
        self._thread.start()
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Stripe stand-in did not start") from None
                time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._server.stop)
        self._thread.join(5)
