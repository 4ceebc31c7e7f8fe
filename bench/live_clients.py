"""Light stand-ins for open browser pages: Socket.IO clients that speak to the app exactly as one real page did.

A real Chromium page is opened once and the frames it sends are recorded (its boot event, the events its
components send when they mount). Each stand-in connects with its own tab token and the page's cookies,
sends the same frames, and — as the page's live element does when the live revision moves — sends the page's
`reload`-style mount events again. It notes when a delta carrying a wanted value arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field

import socketio


@dataclass
class RecordedPage:
    """What one real page sent: the Socket.IO auth (boot event) and the events sent on mount."""

    boot_auth: dict
    mount_events: list[dict]
    remount_events: list[dict]
    cookie_header: str
    origin: str


def _events(frames: list[str]) -> list[dict]:
    out = []
    for frame in frames:
        if frame.startswith("42/_event,"):
            name, event = json.loads(frame.split(",", 1)[1])
            if name == "event":
                out.append(event)
    return out


def record_frames(on_open: list[str], on_change: list[str], cookies: list[dict], origin: str) -> RecordedPage:
    """From Playwright's sent frames (`40/_event,{…}` connect, `42/_event,["event",{…}]` events): the page's
    last connection's boot event and mount events, and the events it sent when a live change arrived."""
    last_connect = max(i for i, frame in enumerate(on_open) if frame.startswith("40/_event,"))
    boot_auth = json.loads(on_open[last_connect].split(",", 1)[1])
    cookie_header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    return RecordedPage(boot_auth, _events(on_open[last_connect + 1 :]), _events(on_change), cookie_header, origin)


def _find(delta: dict, key: str):
    """The first value under `key` anywhere in a delta (nested dicts)."""
    stack = [delta]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if key in item:
                return item[key]
            stack.extend(item.values())
    return None


@dataclass
class StandInPage:
    page: RecordedPage
    watch_key: str  # a delta key whose value is compared with `wanted`
    revision_key: str = "revision_rx_state_"  # a live element re-mounts when a value under it moves
    seen: dict = field(default_factory=dict)  # each value seen under watch_key → when it first arrived
    reply_bytes: list[int] = field(default_factory=list)
    revisions: dict = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    reconnect: bool = False  # like a browser, connect again (and re-send its mount events) when dropped
    _sio: socketio.AsyncClient | None = None
    _closing: bool = False
    _reconnecting: asyncio.Task | None = None
    _base: str = ""
    _token: str = ""

    async def open(self, base_url: str) -> None:
        self._base, self._token = base_url, str(uuid.uuid4())
        await self._connect()

    async def _connect(self) -> None:
        sio = self._sio = socketio.AsyncClient(reconnection=False)
        sio.on("event", self._on_event, namespace="/_event")
        sio.on("new_token", self._on_new_token, namespace="/_event")
        if self.reconnect:
            sio.on("disconnect", self._on_disconnect, namespace="/_event")
        await sio.connect(
            f"{self._base}?token={self._token}",
            socketio_path="_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers={"Cookie": self.page.cookie_header, "Origin": self.page.origin},
            auth=self.page.boot_auth,
            wait_timeout=30,
        )
        for event in self.page.mount_events:
            await sio.emit("event", event, namespace="/_event")

    async def _on_new_token(self, token) -> None:
        """The server gave this tab another token (its old one still looked connected): as a browser does."""
        self._token = str(token)

    async def _on_disconnect(self, *_) -> None:
        """Like a browser whose server went away: connect again and load the page's data again."""
        if not self._closing:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        for _ in range(100):
            await asyncio.sleep(0.2)  # a browser's retry delay
            with contextlib.suppress(Exception):  # the server isn't back yet: try again
                await self._connect()
                return

    async def _on_event(self, update) -> None:
        self.reply_bytes.append(len(json.dumps(update)))
        delta = update.get("delta") or {}
        remount = False
        for state_name, values in delta.items():
            if isinstance(values, dict) and self.revision_key in values:
                previous = self.revisions.get(state_name, 0)  # the page starts from the compiled default
                self.revisions[state_name] = values[self.revision_key]
                remount = remount or previous != values[self.revision_key]
        value = _find(delta, self.watch_key)
        if isinstance(value, str):
            self.seen.setdefault(value, time.perf_counter())
        if delta:
            self.ready.set()
        if remount:  # the page's live element mounts again and sends its events
            for event in self.page.remount_events:
                await self._sio.emit("event", event, namespace="/_event")

    async def close(self) -> None:
        self._closing = True
        if self._sio is not None:
            await self._sio.disconnect()
