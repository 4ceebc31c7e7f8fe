"""The order's message thread: staff replies (the customer is emailed and their open page updates)."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..db import write_session
from ..services import messages, notifications
from ..services.permissions import Action
from .guard import staff_action
from .mail_links import links
from .staff_order import StaffOrderState


class StaffOrderMessagesState(StaffOrderState):
    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def handle_reply(self, form_data: dict):
        identity, denied = self._require(Action.VIEW_ORDERS)
        if denied:
            return denied
        body = str(form_data.get("reply", ""))[:2000]
        actor = self._actor(identity)
        with write_session() as session:
            order = self._order_for_write(session)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            try:
                messages.post_staff_reply(session, order.id, body, identity.name, actor)
            except messages.MessageError as exc:
                return rx.toast.error(str(exc))
            notifications.staff_reply(session, links(), order, actor, body)
        self._reload()
        await live.publish(self.current_order_id, "messages")
        return rx.toast.success("Reply sent.")
