"""Live updates over the websocket: one small shared channel per order.

The channel holds only a revision counter and the name of the part that
changed, never order data: every tab linked to it re-reads what it is allowed
to see from the database (the source of truth) when the revision moves.
Tabs are linked by their own handlers after authorisation, with a token
derived server-side from the order id.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

log = logging.getLogger("repair_portal.live")


class OrderChannel(rx.SharedState):
    revision: int = 0
    changed: str = ""


class BoardChannel(rx.SharedState):
    """One channel for the whole shop's order board: any order change moves it."""

    revision: int = 0


BOARD_CHANNEL_ID = "board"


class AlertChannel(rx.SharedState):
    """One channel for the staff's alert bells: a customer acted, or someone read or handled alerts."""

    revision: int = 0


ALERT_CHANNEL_ID = "alerts"


async def link_to_alerts(state: rx.State) -> None:
    channel = await state.get_state(AlertChannel)
    await channel._link_to(ALERT_CHANNEL_ID)


def publish_alerts() -> None:
    """Tell every open staff page to re-count its bell (each reads its own person's unread count)."""
    _spawn(_bump(ALERT_CHANNEL_ID, AlertChannel))


async def link_to_board(state: rx.State) -> None:
    channel = await state.get_state(BoardChannel)
    await channel._link_to(BOARD_CHANNEL_ID)


def order_token(order_id: int) -> str:
    return f"order{int(order_id)}"  # no underscores: Reflex reserves them in link tokens


async def link_to_order(state: rx.State, order_id: int) -> None:
    channel = await state.get_state(OrderChannel)
    await channel._link_to(order_token(order_id))


_PENDING: set[asyncio.Task] = set()


def _spawn(coro) -> None:
    """Run a channel update in its own task on the server's loop (outside it, e.g. a direct handler
    call in a test, no page can be listening: the update is dropped)."""
    try:
        task = asyncio.get_running_loop().create_task(coro)
    except RuntimeError:
        coro.close()
        return
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


async def publish(order_id: int, part: str) -> None:
    """Tell every open page for this order that `part` changed. Never fails the caller's action.

    The update runs in its own task: the calling event may itself hold the channel's
    lock (its tab is linked to the same order), so waiting here would deadlock.
    """
    _spawn(_publish(order_id, part))


def publish_board() -> None:
    """Tell open order boards that the list changed (an order was booked in)."""
    _spawn(_bump_board())


async def _publish(order_id: int | None, part: str) -> None:
    from .repair_portal import app

    if order_id is not None:
        try:
            async with app.modify_state(BaseStateToken(ident=order_token(order_id), cls=OrderChannel)) as root:
                channel = await root.get_state(OrderChannel)
                channel.revision += 1
                channel.changed = part
        except Exception:  # the change is saved; open pages catch up on their next load
            log.exception("live update for order %s failed", order_id)
    await _bump_board()


async def _bump_board() -> None:
    await _bump(BOARD_CHANNEL_ID, BoardChannel)


async def _bump(ident: str, cls: type[rx.SharedState]) -> None:
    from .repair_portal import app

    try:
        async with app.modify_state(BaseStateToken(ident=ident, cls=cls)) as root:
            channel = await root.get_state(cls)
            channel.revision += 1
    except Exception:
        log.exception("live update of %s failed", ident)


def live_refresh(handler, channel: type[rx.SharedState] = OrderChannel) -> rx.Component:
    """An invisible element re-mounted whenever the channel moves, which asks the page to reload."""
    # The key sits on the parent: Reflex wraps a component's on_mount in its own memo
    # wrapper, so only a child of the keyed element mounts again when the key changes.
    return rx.box(rx.box(on_mount=handler, display="none"), key=channel.revision.to(str), display="none")
