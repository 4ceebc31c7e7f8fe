"""The order page's signatures card: look at any signature, and hand the screen to the customer to sign."""

from __future__ import annotations

import reflex as rx

from .. import routes
from ..actions import counter as counter_actions
from ..db import session_scope
from ..services import signed_records
from ..services.ids import parse_id
from ..services.permissions import Action
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_order import StaffOrderState


class StaffOrderSignaturesState(StaffOrderState):
    viewing: signed_records.SignatureDetail = signed_records.SignatureDetail()
    view_open: bool = False

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def show_signature(self, signature_id: int):
        sig_id = parse_id(signature_id)
        with session_scope() as session:
            found = signed_records.detail(session, self.current_order_id, sig_id) if sig_id else None
        if found is None:
            self.view_open = False
            return rx.toast.error("That signature isn't part of this order.")
        self.viewing, self.view_open = found, True
        return None

    @rx.event
    @form_only
    def set_view_open(self, value: bool):
        self.view_open = bool(value)

    @rx.event
    @staff_action(Action.SIGN_AT_COUNTER)
    async def open_counter(self, purpose: str):
        """Lock this browser to the signing screen for the order (the purpose is checked by the service)."""
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome = await rx.run_in_thread(
            lambda: counter_actions.open_screen(identity.session_id, order_id, str(purpose)[:30], actor)
        )
        if not outcome.ok:
            self._reload()
            return toast_for(outcome)
        return rx.redirect(routes.STAFF_COUNTER)
