"""A provider stand-in's ASGI app on a free loopback port, in a background thread: granian's embedded
server (what `reflex run` serves with; uvicorn isn't installed) on its own event loop. `routes` are served
beside the stand-in (e.g. the app's own webhook routes), the stand-in under `prefix`."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

from granian.constants import Interfaces
from granian.server.embed import Server
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServer:
    name = "stand-in"

    def __init__(self, *, prefix: str = "", port: int | None = None):
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = self.origin + prefix
        self._prefix = prefix
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def serve(self, app, routes: list[BaseRoute] | None = None) -> None:
        """What to serve: the stand-in's app (under the prefix) and any routes beside it."""
        if self._prefix or routes:
            app = Starlette(routes=[*(routes or []), Mount(self._prefix or "/", app=app)])
        self._server = Server(
            app, address="127.0.0.1", port=self.port, interface=Interfaces.ASGINL, log_enabled=False, websockets=False
        )

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._server.serve())
        self._loop.close()

    def __enter__(self):
        self._thread.start()
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the {self.name} did not start") from None
                time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._server.stop)
        self._thread.join(30)  # a loaded machine can take a while to stop it
