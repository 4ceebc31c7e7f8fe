"""The Alerts page's "Texts we couldn't match": inbound texts with no order. Staff add one to an order (by its
reference) or dismiss it, with the permission message handling uses (replying to customers: view orders)."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..actions import texts
from ..db import session_scope
from ..services import phones, timefmt, unmatched_texts
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.unmatched_texts import UnmatchedText
from .guard import staff_action
from .outcomes import publish, toast_for
from .staff_session import StaffSessionState


class StaffUnmatchedTextsState(StaffSessionState):
    unmatched: list[UnmatchedText] = []
    unmatched_total: int = 0  # all of them; the list shows the newest unmatched_texts.PAGE

    def _list(self) -> None:
        with session_scope() as session:
            tz, region = timefmt.shop_timezone(session), phones.shop_region(session)
            self.unmatched = unmatched_texts.list_unmatched(session, tz, region)
            self.unmatched_total = unmatched_texts.count_unmatched(session)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def load_unmatched(self):
        """On the Alerts page, and again whenever the shop's alert channel moves (a text came in, or was dealt with)."""
        self._list()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def attach_text(self, form_data: dict):
        """Add to order…: the text becomes a message in that order's thread."""
        form = form_data if isinstance(form_data, dict) else {}
        sms_id = parse_id(str(form.get("sms_id", ""))[:20])
        reference = str(form.get("reference", ""))[:40]
        actor = self._actor(self._me())
        outcome = await rx.run_in_thread(lambda: texts.attach_text(sms_id, reference, actor))
        self._list()
        if outcome.ok:
            await publish(outcome)  # the order's page and the customer's
            live.publish_alerts()  # the other staff's lists
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def dismiss_text(self, sms_id: int):
        actor = self._actor(self._me())
        outcome = await rx.run_in_thread(lambda: texts.dismiss_text(parse_id(sms_id), actor))
        self._list()
        if outcome.ok:
            live.publish_alerts()
        return toast_for(outcome)
