"""The order's payments: record a payment, or a refund (a negative amount with a reason)."""

from __future__ import annotations

import reflex as rx

from ..actions import order_page
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState


class StaffOrderPaymentState(StaffOrderState):
    payment_error: str = ""

    @rx.event
    @staff_action(Action.RECORD_PAYMENTS)
    async def handle_payment(self, form_data: dict):
        identity = self._me()
        actor, order_id, form = self._actor(identity), self.current_order_id, dict(form_data)
        outcome = await rx.run_in_thread(lambda: order_page.record_payment(order_id, form, actor))
        self.payment_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self._reload()
            await publish(outcome)
        return toast_for(outcome)
