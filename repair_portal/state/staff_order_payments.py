"""The order's payments: record a payment, or a refund (a negative amount with a reason); refund an online
payment through the card processor (recorded when it confirms). The record form carries `payment_key`
(drawn with the page, renewed after each recorded payment): a repeat of one submission records once."""

from __future__ import annotations

import reflex as rx

from ..actions import online_payments, order_page
from ..services import payments
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState


class StaffOrderPaymentState(StaffOrderState):
    payment_error: str = ""
    refund_error: str = ""

    @rx.event
    @staff_action(Action.RECORD_PAYMENTS)
    async def handle_payment(self, form_data: dict):
        identity = self._me()
        actor, order_id, form = self._actor(identity), self.current_order_id, dict(form_data)
        outcome = await rx.run_in_thread(lambda: order_page.record_payment(order_id, form, actor))
        self.payment_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self.payment_key = payments.new_payment_key()  # the next payment is a new one
            self._reload()
            await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.RECORD_PAYMENTS)
    async def handle_online_refund(self, form_data: dict):
        """Refund (part of) an online payment through the provider; the form names the payment."""
        identity = self._me()
        actor, order_id, form = self._actor(identity), self.current_order_id, dict(form_data)
        outcome = await rx.run_in_thread(lambda: online_payments.refund(order_id, form, actor))
        self.refund_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self._reload()
            await publish(outcome)
        return toast_for(outcome)
