"""Texting the customer from the order page: "Text link" (through the shop's text provider, or its SMS
outbox), and "Open in Messages" / "Open in WhatsApp" (the staff member's own phone apps, filled in)."""

from __future__ import annotations

import json

import reflex as rx

from ..actions import texts
from ..services.permissions import Action
from .guard import staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState


def open_script(url: str, *, new_tab: bool) -> str:
    """JavaScript that opens `url`: an app link (sms:) in place, a web link (wa.me) in a new tab, or in
    place when the browser blocks the new tab."""
    if not new_tab:
        return f"window.location.href={json.dumps(url)}"
    return (
        f"(function(u){{const w=window.open(u,'_blank');if(w){{w.opener=null;}}else{{window.location.href=u;}}}})"
        f"({json.dumps(url)})"
    )


class StaffOrderTextsState(StaffOrderState):
    @rx.event
    @staff_action(Action.SEND_PORTAL_LINK)
    async def handle_text_link(self):
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome = await rx.run_in_thread(lambda: texts.text_portal_link(order_id, actor))
        self._reload()
        await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.SEND_PORTAL_LINK)
    async def handle_open_sms(self):
        return await self._open_in("sms")

    @rx.event
    @staff_action(Action.SEND_PORTAL_LINK)
    async def handle_open_whatsapp(self):
        return await self._open_in("whatsapp")

    async def _open_in(self, way: str):
        """The link with the tracking URL goes to the browser in the reply only (the URL is a credential)."""
        identity = self._me()
        actor, order_id = self._actor(identity), self.current_order_id
        outcome, href = await rx.run_in_thread(lambda: texts.share_link(order_id, way, actor))
        if not outcome.ok:
            return toast_for(outcome)
        return [rx.call_script(open_script(href, new_tab=way == "whatsapp")), toast_for(outcome)]
