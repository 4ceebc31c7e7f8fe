"""The device passcode on the order page. It never enters state: a reveal writes it into the page with a
script (audited), and hiding it empties the element again."""

from __future__ import annotations

import reflex as rx

from ..actions import passcode
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import toast_for
from .script import fill_text_script
from .staff_order import StaffOrderState

PASSCODE_ID = "passcode-value"
HIDE_JS = f"(function(){{const el=document.getElementById({PASSCODE_ID!r});if(el){{el.textContent='';}}}})()"


class StaffOrderPasscodeState(StaffOrderState):
    shown: bool = False

    @rx.event
    @staff_action(Action.REVEAL_PASSCODE)
    async def reveal_passcode(self):
        actor, order_id = self._actor(self._me()), self.current_order_id
        outcome, text = await rx.run_in_thread(lambda: passcode.reveal(order_id, actor))
        if not outcome.ok:
            return toast_for(outcome)
        self.shown = True
        return rx.call_script(fill_text_script(PASSCODE_ID, text))

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def hide_passcode(self):
        self.shown = False
        return rx.call_script(HIDE_JS)

    @rx.event
    @staff_action(Action.EDIT_ORDER_DETAILS)
    async def forget_passcode(self):
        actor, order_id = self._actor(self._me()), self.current_order_id
        outcome = await rx.run_in_thread(lambda: passcode.forget(order_id, actor))
        self.shown = False
        self._reload()
        return [rx.call_script(HIDE_JS), toast_for(outcome)]
