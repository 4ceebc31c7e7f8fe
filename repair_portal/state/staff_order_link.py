"""The order's portal link: email it, copy it, rotate or revoke it."""

from __future__ import annotations

import reflex as rx

from ..actions import order_page, texts
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState


class StaffOrderLinkState(StaffOrderState):
    @rx.event
    @staff_action(Action.SEND_PORTAL_LINK)
    async def handle_send_link(self):
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome = await rx.run_in_thread(lambda: order_page.send_portal_link(order_id, actor))
        self._reload()
        if outcome.ok:
            return rx.toast.success(f"Portal link queued for {self.summary.customer_email}.")
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def handle_copy_link(self):
        """The message with the link to the clipboard (audited); the link goes in the reply, never into state."""
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome, text = await rx.run_in_thread(lambda: texts.share_link(order_id, "copy", actor))
        if not outcome.ok:
            return toast_for(outcome)
        return [rx.set_clipboard(text), toast_for(outcome)]

    @rx.event
    @staff_action(Action.MANAGE_LINKS)
    async def handle_rotate_link(self):
        return await self._link_change(order_page.rotate_link)

    @rx.event
    @staff_action(Action.MANAGE_LINKS)
    async def handle_revoke_link(self):
        return await self._link_change(order_page.revoke_link)

    async def _link_change(self, action):
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome = await rx.run_in_thread(lambda: action(order_id, actor))
        self._reload()
        await publish(outcome)
        return [e for e in (self._link_shown(), toast_for(outcome)) if e is not None]
