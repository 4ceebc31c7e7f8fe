"""/pay/return: where a customer lands back from the hosted payment page. Which checkout is theirs comes
from an HttpOnly cookie the return route set (its token hashed at rest), never from the page's address
or a state var. The page waits for the provider's confirmation, live; if it is late, it asks the provider."""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from .. import cookies, live
from ..actions import online_payments
from ..db import session_scope
from ..services import pay_view
from ..settings import get_settings
from .guard import public
from .portal_brand import PortalBrandState
from .staff_session import connection_cookie

LATE_SECONDS = 6  # the webhook normally lands within a second or two
_ASKED: dict[int, float] = {}  # attempt id → when the provider was last asked (at most every LATE_SECONDS)


class PayReturnState(PortalBrandState):
    result: pay_view.ReturnView = pay_view.ReturnView(status="loading")
    live: bool = False

    def _read(self) -> pay_view.ReturnView:
        token = connection_cookie(self, cookies.PAYMENT_RETURN) or ""
        with session_scope() as session:
            return pay_view.return_view(session, token, get_settings())

    @rx.event
    @public
    async def load_return(self):
        self._load_brand()
        self.result = self._read()
        if self.result.order_id:
            await live.link_to_order(self, self.result.order_id)
            self.live = True
        return PayReturnState.ask_if_late if self.result.status == "waiting" else None

    @rx.event
    @public
    def refresh(self):
        """The order's live channel moved (the webhook recorded the payment): read the attempt again."""
        self.result = self._read()

    @rx.event(background=True)
    @public
    async def ask_if_late(self):
        """Still waiting a few seconds on: ask the provider (the reconcile step), at most once per interval."""
        await asyncio.sleep(LATE_SECONDS)
        async with self:
            token = connection_cookie(self, cookies.PAYMENT_RETURN) or ""
        with session_scope() as session:
            from ..services import online_payments as service

            attempt = service.attempt_by_token(session, token)
            attempt_id = attempt.id if attempt is not None and attempt.status == "open" else None
        if attempt_id is None or time.monotonic() - _ASKED.get(attempt_id, 0.0) < LATE_SECONDS:
            return
        if len(_ASKED) > 1000:  # the memory of who asked stays small
            _ASKED.clear()
        _ASKED[attempt_id] = time.monotonic()
        _outcome, order_ids = await rx.run_in_thread(lambda: online_payments.reconcile(attempt_id))
        for order_id in order_ids:
            await live.publish(order_id, "payments")
        async with self:
            self.result = self._read()
