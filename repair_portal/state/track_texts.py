"""The customer's "Text me updates" switch on their order's page: by link (/track, the customer guard and the
visitor group's "Privacy settings: manage") and in the account portal (/portal/orders/…, the user's group's).
A staff preview sees it and can't change it. The switch exists only when the customer has a mobile number on
file, shown by its last four digits."""

from __future__ import annotations

import reflex as rx

from ..actions import texts
from ..db import session_scope
from ..models import Customer, Order
from ..services.account_scope import order_for
from ..services.portal_permissions import Perm
from ..services.sms_consent_view import TextsChoice, texts_choice
from .account_order import AccountOrderState
from .guard import current_portal, customer_action, portal_action
from .outcomes import toast_for
from .track import TrackState


def _choice_of(session, order) -> TextsChoice:
    return texts_choice(session, session.get(Customer, order.customer_id)) if order is not None else TextsChoice()


async def _switch(state, on, reload_page):
    """Record the customer's choice for the order this tab may act on (re-derived here, never an argument)."""
    if not isinstance(on, bool):
        return None  # a switch sends a boolean; anything else is a forged event
    with session_scope() as session:
        order = state._authorised_order(session)
        if order is None:
            return reload_page
        order_id, actor = order.id, state._customer_actor(session, order)
    outcome = await rx.run_in_thread(lambda: texts.set_texts(order_id, on, actor))
    with session_scope() as session:
        state.texts = _choice_of(session, session.get(Order, order_id))
    return toast_for(outcome)


class TrackTextsState(TrackState):
    texts: TextsChoice = TextsChoice()

    @rx.event
    @customer_action(read_only=True)
    def load_texts(self):
        with session_scope() as session:
            if Perm.PRIVACY_MANAGE not in self._part_perms(session):
                self.texts = TextsChoice()  # the visitor group can't change it: the page doesn't offer it
                return
            self.texts = _choice_of(session, self._readable_order(session))

    @rx.event
    @customer_action(read_only=False, perm=Perm.PRIVACY_MANAGE)
    async def set_texts(self, on: bool):
        return await _switch(self, on, TrackState.load_tracking)


class AccountTextsState(AccountOrderState):
    """Declared on the account's state so the handlers run under the account's rules (see account_order.py)."""

    texts: TextsChoice = TextsChoice()

    @rx.event
    @portal_action(None, read_only=True)
    def load_texts(self):
        identity = current_portal()
        if not identity.may(Perm.PRIVACY_MANAGE):
            self.texts = TextsChoice()  # the group can't change it: the page doesn't offer it
            return
        with session_scope() as session:
            self.texts = _choice_of(session, order_for(session, identity, self._route_order_id()))

    @rx.event
    @portal_action(Perm.PRIVACY_MANAGE)
    async def set_texts(self, on: bool):
        return await _switch(self, on, AccountOrderState.load_tracking)
