"""Live updates over the websocket, at a cost linear in the pages open.

A page that may see an order (or the order board, or the staff bells) registers its tab under a topic
("order12", "board", "alerts") after its own access check on the server. A change publishes to the topic:
each registered tab gets its own `LiveState` counter moved — one small delta per tab, nothing else — and the
tab's invisible live element mounts again and asks its page to re-read what changed, from the database, under
that page's own access rules. Pages never share Reflex state, so one page's events are never pushed to the
others (Reflex's linked `SharedState` pushed every event of every linked tab to all the others: the cost grew
with the square of the pages open on one order).

One process keeps the topics in memory. With REDIS_URL (several workers) they are Redis sets, and Reflex's
state manager delivers each tab's delta to whichever worker holds its socket.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

log = logging.getLogger("repair_portal.live")

ORDER, BOARD, ALERTS = "order", "board", "alerts"
BOARD_TOPIC, ALERTS_TOPIC = "board", "alerts"
TOPIC_TTL = 6 * 3600  # a Redis topic set outlives its last registration by this long (seconds)
TIMING = os.environ.get("LIVE_TIMING") == "1"  # log each update's server time (bench/live_fanout.py reads it)


class LiveState(rx.State):
    """A tab's own live counters (never shared): a page's live element is keyed on one of them."""

    revision: int = 0  # the order this tab shows changed
    read: int = 0  # the revision the order page has read up to (its live element shows while behind)
    board: int = 0  # the shop's order list changed
    alerts: int = 0  # the staff bells should re-count
    _topics: dict[str, str] = {}  # kind → the topic this tab is registered under
    _changed: list[str] = []  # parts of the order changed since the page last re-read them

    def _take_changed(self) -> list[str]:
        """The parts changed since the last call (oldest first), forgotten once taken; the page has now read
        up to this revision."""
        parts, self._changed = self._changed, []
        if self.read != self.revision:
            self.read = self.revision
        return parts


def order_topic(order_id: int) -> str:
    return f"order{int(order_id)}"


class _MemoryTopics:
    def __init__(self) -> None:
        self._tabs: dict[str, set[str]] = {}

    async def add(self, topic: str, token: str) -> None:
        self._tabs.setdefault(topic, set()).add(token)

    async def remove(self, topic: str, *tokens: str) -> None:
        tabs = self._tabs.get(topic)
        if tabs is not None:
            tabs.difference_update(tokens)
            if not tabs:
                del self._tabs[topic]

    async def members(self, topic: str) -> list[str]:
        return list(self._tabs.get(topic, ()))

    async def keep(self, topic: str) -> None:
        """Nothing to do: memory topics don't expire."""

    async def topics(self) -> list[str]:
        return list(self._tabs)


class _RedisTopics:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url)

    @staticmethod
    def _key(topic: str) -> str:
        return f"repair_portal:live:{topic}"

    async def add(self, topic: str, token: str) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            await pipe.sadd(self._key(topic), token).expire(self._key(topic), TOPIC_TTL).execute()

    async def remove(self, topic: str, *tokens: str) -> None:
        if tokens:
            await self._redis.srem(self._key(topic), *tokens)

    async def members(self, topic: str) -> list[str]:
        return [m.decode() if isinstance(m, bytes) else m for m in await self._redis.smembers(self._key(topic))]

    async def keep(self, topic: str) -> None:
        """A topic with open tabs lives on (a page left open all day keeps receiving)."""
        await self._redis.expire(self._key(topic), TOPIC_TTL)

    async def topics(self) -> list[str]:
        return []  # Redis sets expire by themselves (TOPIC_TTL after the last registration or nudge)


_topics: _MemoryTopics | _RedisTopics | None = None


def _registry() -> _MemoryTopics | _RedisTopics:
    global _topics
    if _topics is None:
        from .settings import get_settings

        url = get_settings().redis_url
        _topics = _RedisTopics(url) if url else _MemoryTopics()
    return _topics


async def watch(state: rx.State, kind: str, topic: str) -> None:
    """Register this tab under `topic` (leaving the topic of the same kind it watched before).

    Call only after the page's own access check passed: the topic is derived on the server, never from an
    argument, and a nudge carries no data — the page re-reads under its own rules."""
    token = state.router.session.client_token
    live = await state.get_state(LiveState)
    previous = live._topics.get(kind)
    if previous and previous != topic:
        await _registry().remove(previous, token)
    live._topics = {**live._topics, kind: topic}
    await _registry().add(topic, token)
    global _watches
    _watches += 1
    if _watches % SWEEP_EVERY == 0:  # tabs closed on orders that never change again
        _spawn(_sweep())


_watches = 0
SWEEP_EVERY = 500  # registrations between two sweeps of closed tabs out of the memory topics


async def _sweep() -> None:
    connected = _connections()
    if connected is None:
        return
    for topic in await _registry().topics():
        tokens = await _registry().members(topic)
        gone = [t for t in tokens if not await connected.is_token_connected(t)]
        if gone:
            await _registry().remove(topic, *gone)


def _running_app():
    """The app, when this process runs it; None in a script or test that only calls the actions (importing
    the app there would build every page outside Reflex's compile)."""
    return getattr(sys.modules.get(f"{__package__}.repair_portal"), "app", None)


def _connections():
    """Reflex's record of connected tabs (None outside the running app)."""
    app = _running_app()
    return app.event_namespace._token_manager if app is not None and app.event_namespace else None


async def link_to_order(state: rx.State, order_id: int) -> None:
    await watch(state, ORDER, order_topic(order_id))


async def link_to_board(state: rx.State) -> None:
    await watch(state, BOARD, BOARD_TOPIC)


async def link_to_alerts(state: rx.State) -> None:
    await watch(state, ALERTS, ALERTS_TOPIC)


_PENDING: set[asyncio.Task] = set()


def _spawn(coro) -> None:
    """Run a nudge in its own task on the server's loop (outside it, e.g. a direct handler call in a test,
    no page can be listening: the nudge is dropped)."""
    try:
        task = asyncio.get_running_loop().create_task(coro)
    except RuntimeError:
        coro.close()
        return
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


async def publish(order_id: int, part: str, *, skip: str | None = None) -> None:
    """Tell every open page of this order that `part` changed (and the order boards). Never fails the caller.

    `skip`: the acting tab's token, when its own event has already shown it the change (it gets no nudge, so
    no second read). The nudges run in their own task: the calling event holds its own tab's lock, and that
    tab may be one of the order's pages."""
    _spawn(_publish(order_id, part, skip))


def publish_board() -> None:
    """Tell open order boards that the list changed (an order was booked in)."""
    _spawn(_nudge(BOARD_TOPIC, "board"))


def publish_alerts() -> None:
    """Tell every open staff page to re-count its bell (each reads its own person's unread count)."""
    _spawn(_nudge(ALERTS_TOPIC, "alerts"))


# part → an async function (app, order id) that reads what changed once and returns an async function
# (tab token) → whether it filled the change straight into that tab (else the tab gets the ordinary
# nudge), or None when it can serve no tab. See state/track_live.py.
_FILLERS: dict = {}


def fill_with(part: str, filler) -> None:
    """Register `filler` for changes of `part` (one per part)."""
    _FILLERS[part] = filler


async def _publish(order_id: int, part: str, skip: str | None = None) -> None:
    await asyncio.gather(
        _nudge(order_topic(order_id), "revision", part, order_id, skip), _nudge(BOARD_TOPIC, "board", skip=skip)
    )


async def _nudge(
    topic: str, counter: str, part: str | None = None, order_id: int | None = None, skip: str | None = None
) -> None:
    """Move `counter` on every connected tab registered under `topic`; forget tabs that have gone.

    A part with a filler (a stage change) is first filled straight into the tabs that filler serves."""
    app = _running_app()
    connected = _connections()
    if connected is None:  # not inside the running app: no tab can be listening (and none is forgotten)
        return
    started = time.perf_counter()
    try:
        tokens = await _registry().members(topic)
        gone = [t for t in tokens if not await connected.is_token_connected(t)]
        if gone:
            await _registry().remove(topic, *gone)
        if len(gone) < len(tokens):
            await _registry().keep(topic)
        tokens = [t for t in tokens if t not in gone and t != skip]
        filler = _FILLERS.get(part) if order_id is not None and tokens else None
        fill = await filler(app, order_id) if filler is not None else None
        filled = await asyncio.gather(*(_update_tab(app, t, counter, part, fill) for t in tokens))
    except Exception:  # the change is saved; open pages catch up on their next load
        log.exception("live update of %s failed", topic)
        tokens, filled = [], []
    took = time.perf_counter() - started
    if TIMING:
        log.info("live update of %s: %d tabs (%d filled) in %.1f ms", topic, len(tokens), sum(filled), took * 1e3)
    if took > 0.5:
        log.warning("live update of %s took %.0f ms", topic, took * 1000)


async def _update_tab(app, token: str, counter: str, part: str | None, fill) -> bool:
    """Fill the change straight into this tab when the filler can, else nudge it (each tab on its own: one
    slow tab holds up no other). Whether it was filled."""
    if fill is not None and await fill(token):
        return True
    await _nudge_tab(app, token, counter, part)
    return False


async def _nudge_tab(app, token: str, counter: str, part: str | None) -> None:
    try:
        async with app.modify_state(BaseStateToken(ident=token, cls=LiveState)) as root:
            live = await root.get_state(LiveState)
            setattr(live, counter, getattr(live, counter) + 1)
            if part is not None and part not in live._changed:
                live._changed = [*live._changed, part]
    except Exception:
        log.exception("live update of tab %s failed", token)


def live_refresh(handler, counter: str = ORDER, *, on_first_mount: bool = True) -> rx.Component:
    """An invisible element mounted again whenever this tab's counter moves, which asks the page to re-read.

    `counter`: ORDER (the order on the page), BOARD or ALERTS. `on_first_mount=False` (ORDER only): no read
    when the page first shows (its loader has just read everything and takes the changed parts, see
    `LiveState._take_changed`); only once a change arrives that the page hasn't read."""
    value = {ORDER: LiveState.revision, BOARD: LiveState.board, ALERTS: LiveState.alerts}[counter]
    # The key sits on the parent: Reflex wraps a component's on_mount in its own memo
    # wrapper, so only a child of the keyed element mounts again when the key changes.
    refresher = rx.box(rx.box(on_mount=handler, display="none"), key=value.to(str), display="none")
    if on_first_mount:
        return refresher
    assert counter == ORDER, "only an order page keeps track of what it has read"
    return rx.cond(LiveState.revision != LiveState.read, refresher)
