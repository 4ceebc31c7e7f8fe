"""The counter signing screen: what a locked staff browser shows the customer (services/counter.py)."""

from __future__ import annotations

import reflex as rx

from .. import routes
from ..actions import counter as counter_actions
from ..db import session_scope
from ..services import counter
from .guard import form_only, staff_action
from .outcomes import publish
from .script import NO_SIGNATURE, read_signature
from .staff_session import StaffSessionState


class StaffCounterState(StaffSessionState):
    ready: bool = False
    title: str = ""
    text: str = ""
    reference: str = ""
    device: str = ""
    customer_name: str = ""
    opened_by: str = ""
    signed: bool = False
    signer_name: str = ""
    sign_error: str = ""
    unlocking: bool = False
    unlock_error: str = ""
    _pending_signer: str = ""

    def _show(self, shown: counter.CounterScreen | None) -> None:
        self.ready = shown is not None
        if shown is None:
            return
        self.title, self.text, self.reference, self.device = shown.title, shown.text, shown.reference, shown.device
        self.customer_name, self.opened_by = shown.customer_name, shown.staff_name
        self.signed, self.signer_name = shown.signed, shown.signer_name

    @rx.event
    @staff_action(None, counter=True)
    def load_counter(self):
        self.sign_error = self.unlock_error = ""
        self.unlocking = False
        with session_scope() as session:
            self._show(counter.screen(session, self._me().session_id))

    @rx.event
    @form_only
    def prepare_sign(self, form_data: dict):
        """Check the typed name, then ask the browser for the drawn signature."""
        self._pending_signer = str(form_data.get("signer_name", ""))[:1000]  # too long: the service says so
        if len(self._pending_signer.strip()) < 2:
            self.sign_error = "Please type your full name."
            return None
        self.sign_error = ""
        return read_signature(StaffCounterState.finish_sign, form_data)

    @rx.event
    @staff_action(None, counter=True)
    async def finish_sign(self, data_url: str):
        if not data_url:
            self.sign_error = NO_SIGNATURE
            return None
        session_id, signer = self._me().session_id, self._pending_signer
        ip, user_agent = self._client()
        outcome = await rx.run_in_thread(
            lambda: counter_actions.sign(session_id, signer, str(data_url), ip, user_agent)
        )
        if not outcome.ok:
            self.sign_error = outcome.message
            return None

        self.sign_error = ""
        await publish(outcome)
        with session_scope() as session:
            self._show(counter.screen(session, session_id))
        return None

    @rx.event
    @form_only
    def show_unlock(self, value: bool):
        self.unlocking, self.unlock_error = bool(value), ""

    @rx.event
    @staff_action(None, counter=True)
    async def handle_unlock(self, form_data: dict):
        identity = self._me()
        actor = self._actor(identity)
        password = str(form_data.get("password", ""))[:200]
        outcome = await rx.run_in_thread(lambda: counter_actions.unlock(identity.session_id, password, actor))
        if not outcome.ok:
            self.unlock_error = outcome.message
            return None
        self.ready = self.unlocking = False
        return rx.redirect(routes.staff_order(outcome.order_id), replace=True)
