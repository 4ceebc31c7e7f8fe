"""Pay online from an order's page: by link (/track) and from the account (/portal/orders/…). The handlers
only start a checkout; the provider's confirmation records the payment (actions/online_payments.py)."""

from __future__ import annotations

import json

import reflex as rx

from .. import routes
from ..actions import online_payments
from ..db import session_scope
from ..services import order_parts
from ..services.portal_permissions import Perm
from .account_order import AccountOrderState
from .guard import NOT_OFFERED, current_portal, customer_action, form_only, portal_action
from .track import TrackState
from .track_quote import TrackQuoteState

# Where "Back to your repair" goes from the return page: this tab remembers its own page (a link's address
# stays in the browser; it never reaches our state or the provider).
GO_PAY = "sessionStorage.setItem('rp_pay_back', window.location.pathname); window.location.assign(%s)"
# A typed amount is clipped only far above what an amount may be (money.MAX_AMOUNT_TEXT): an over-long one is
# refused with a message, never cut to something that reads as another amount.
MAX_TYPED_AMOUNT = 200


def _go(url: str):
    return rx.call_script(GO_PAY % json.dumps(url))


class TrackPayState(TrackQuoteState):
    pay_error: str = ""
    deposit_skipped: bool = False

    @rx.event
    @customer_action(read_only=False, perm=Perm.INVOICES_PAY)
    async def handle_pay(self, form_data: dict):
        return await self._start("balance", str(form_data.get("amount", ""))[:MAX_TYPED_AMOUNT])

    @rx.event
    @customer_action(read_only=False, perm=Perm.INVOICES_PAY)
    async def pay_deposit(self):
        return await self._start("deposit", "")

    @rx.event
    @form_only
    def skip_deposit(self):
        self.deposit_skipped = True

    async def _start(self, kind: str, amount_text: str):
        with session_scope() as session:
            order = self._authorised_order(session)
            if order is None:
                return TrackState.load_tracking
            if not order_parts.may_pay(self._part_perms(session)):  # paying needs a balance the link may see
                return rx.toast.error(NOT_OFFERED)
            order_id, actor = order.id, self._customer_actor(session, order)
        started = await rx.run_in_thread(lambda: online_payments.pay_order(order_id, kind, amount_text, actor))
        self.pay_error = "" if started.ok else started.message
        return _go(started.url) if started.ok else None


class AccountPayState(AccountOrderState):
    pay_error: str = ""
    deposit_skipped: bool = False

    @rx.event
    @portal_action(Perm.INVOICES_PAY)
    async def handle_pay(self, form_data: dict):
        return await self._start("balance", str(form_data.get("amount", ""))[:MAX_TYPED_AMOUNT])

    @rx.event
    @portal_action(Perm.INVOICES_PAY)
    async def pay_deposit(self):
        return await self._start("deposit", "")

    @rx.event
    @form_only
    def skip_deposit(self):
        self.deposit_skipped = True

    async def _start(self, kind: str, amount_text: str):
        identity = current_portal()
        if not order_parts.sees_money(identity.perms):
            return rx.toast.error("Your account's access doesn't include payments.")  # what the page shows
        with session_scope() as session:
            order = self._authorised_order(session)
            if order is None:
                return AccountOrderState.load_tracking
            order_id, actor = order.id, self._customer_actor(session, order)
        back = routes.portal_order(order_id)
        started = await rx.run_in_thread(
            lambda: online_payments.pay_order(
                order_id, kind, amount_text, actor, portal_user_id=identity.user_id, back_path=back
            )
        )
        self.pay_error = "" if started.ok else started.message
        return _go(started.url) if started.ok else None
