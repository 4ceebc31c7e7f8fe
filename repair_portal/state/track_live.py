"""A stage change filled straight into the order's open tracking pages.

The ordinary live nudge makes each page send an event back and re-read under its own access check: one
round trip and a few queries per page. For the commonest change, a stage move, the server instead reads
once for the whole order — who may see it (`order_viewers`, the same answers as each page's own check) and
the new stage and timeline — and fills them into each page whose link and device cookie still pass. Pages
it can't serve this way (a staff preview, an account's order page, a page whose access has gone, one still
loading) get the ordinary nudge and re-read as before.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.istate.manager.token import BaseStateToken
from reflex.state import StateUpdate
from reflex_base.event import Event

from .. import live
from ..db import session_scope
from ..models import Order
from ..services import order_viewers, portal_view
from .track import TrackState

log = logging.getLogger("repair_portal.live")


def _read(order_id: int) -> tuple[order_viewers.OrderViewers, dict | None, int]:
    with session_scope() as session:
        order = session.get(Order, order_id)
        if order is None:
            return order_viewers.NOBODY, None, 0
        return order_viewers.read(session, order_id), portal_view.stage_part(session, order), order.version


async def fill_stage(app, order_id: int):
    """Read the order once for all its open pages; an async function (tab token) → whether the new stage
    was filled into that tab, or None when no tab can be served this way."""
    try:
        viewers, fields, version = await asyncio.to_thread(_read, order_id)  # the database off the event loop
    except Exception:
        log.exception("reading order %s for its open pages failed", order_id)
        return None
    if fields is None or viewers.order_id != order_id:  # nobody may see it now: each page finds out itself
        return None
    told: dict[str, list[Event]] = {}  # notice → its events, built once (every page gets the same one)

    async def fill(token: str) -> bool:
        return await _fill(app, token, order_id, viewers, (fields, version), told)

    return fill


def _on_tracking_page(state) -> bool:
    return (state.router.url.path or "").startswith("/track/")


def fill_tab(track: TrackState, order_id: int, viewers: order_viewers.OrderViewers, stage: tuple) -> str | None:
    """Put the new stage (`stage`: its fields and the order version they were read at) into this tab if it
    shows `order_id` on its tracking page and may still see it.

    None: not served (the tab gets the ordinary nudge). Else the notice to announce ("" when nothing shown
    changed, or the tab already shows a later reading)."""
    fields, version = stage
    if not _on_tracking_page(track):
        return None
    if track.status != "ok" or track.preview or track._order_id != order_id:
        return None
    if not viewers.may_view(track._code(), track._device()):
        return None
    if track._view_version > version:  # a later change reached this tab first: keep it
        return ""
    before, stage = track._value("stage"), portal_view.StageView(**fields)
    track._view_version = version
    if stage == before:
        return ""
    track.stage = stage  # only the stage part is sent
    if stage.stage_label == before.stage_label:  # the timeline moved, the stage shown didn't: nothing to say
        return ""
    track.highlight = "stage"
    return portal_view.change_notice("stage", stage)


async def _fill(app, token: str, order_id: int, viewers, stage: tuple, told: dict) -> bool:
    try:
        async with app.modify_state(BaseStateToken(ident=token, cls=TrackState)) as root:
            if not _on_tracking_page(root):  # another page: no TrackState to load
                return False
            notice = fill_tab(await root.get_state(TrackState), order_id, viewers, stage)
        if notice:  # told in the page's polite live region; the highlight fades as after a re-read
            if notice not in told:
                told[notice] = Event.from_event_type([rx.toast.info(notice), TrackState.clear_highlight])
            await app.event_namespace.emit_update(StateUpdate(events=told[notice]), token)
    except Exception:
        log.exception("filling the stage into tab %s failed", token)
        return False
    return notice is not None


live.fill_with("stage", fill_stage)
