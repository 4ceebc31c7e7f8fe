"""The order's payments: record a payment, or a refund (a negative amount with a reason)."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..db import write_session
from ..services import payments, quote_builder
from ..services.permissions import Action
from .guard import staff_action
from .staff_order import StaffOrderState


class StaffOrderPaymentState(StaffOrderState):
    payment_error: str = ""

    @rx.event
    @staff_action(Action.RECORD_PAYMENTS)
    async def handle_payment(self, form_data: dict):
        identity, denied = self._require(Action.RECORD_PAYMENTS, "Your role can't record payments.")
        if denied:
            return denied
        refund = str(form_data.get("refund", "")).lower() in {"on", "true", "1"}
        try:
            amount = quote_builder.parse_price(str(form_data.get("amount", ""))[:20])
            with write_session() as session:
                order = self._order_for_write(session)
                if order is None:
                    return rx.toast.error("That order no longer exists.")
                payments.record_payment(
                    session,
                    order,
                    -amount if refund else amount,
                    str(form_data.get("method", "card")),
                    self._actor(identity),
                    reference=str(form_data.get("reference", ""))[:200],
                    note=str(form_data.get("note", ""))[:2000],
                )
        except (quote_builder.QuoteFormError, payments.PaymentError, ValueError) as exc:
            self.payment_error = str(exc) or "Check the amount."
            return None
        self.payment_error = ""
        self._reload()
        await live.publish(self.current_order_id, "payments")
        return rx.toast.success("Refund recorded." if refund else "Payment recorded.")
