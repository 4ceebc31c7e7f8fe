"""The order's message thread: staff replies (the customer is emailed and their open page updates)."""

from __future__ import annotations

import reflex as rx

from ..actions import order_page
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import publish, toast_keeping_typed
from .staff_order import StaffOrderState


class StaffOrderMessagesState(StaffOrderState):
    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def handle_reply(self, form_data: dict):
        identity = self._me()
        actor, order_id, body = self._actor(identity), self.current_order_id, str(form_data.get("reply", ""))
        outcome = await rx.run_in_thread(lambda: order_page.staff_reply(order_id, body, identity.name, actor))
        if outcome.ok:
            self._reload()
            await publish(outcome)
        return toast_keeping_typed(outcome, "staff-reply", body)
