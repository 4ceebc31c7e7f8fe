"""The order's quote: build and send a version, record a decision taken by phone or at the counter."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import live
from ..db import session_scope, write_session
from ..models import Customer
from ..services import notifications, quote_builder, quote_decisions, quotes
from ..services.permissions import Action
from .guard import form_only, staff_action
from .mail_links import links
from .staff_order import StaffOrderState
from .staff_order_rows import QuoteFormRow

STAFF_DECISIONS = {"phone-yes": (True, "phone"), "counter-yes": (True, "in_person"), "phone-no": (False, "phone")}


class StaffOrderQuoteState(StaffOrderState):
    quote_rows: list[QuoteFormRow] = []
    quote_form_open: bool = False
    quote_form_error: str = ""

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def open_quote_form(self):
        """Start from the latest quote's lines (a revision), or from one empty line."""
        _, denied = self._require(Action.MANAGE_QUOTES, "Your role can't build quotes.")
        if denied:
            return denied
        with session_scope() as session:
            draft = quote_builder.current_draft(session, self.current_order_id)
            view = None if draft else quote_decisions.customer_view_of_quote(session, self.current_order_id)
        if draft:
            self.quote_rows = [QuoteFormRow(x.description, x.quantity, x.price, x.optional) for x in draft.lines]
        elif view:
            self.quote_rows = [
                QuoteFormRow(x.description, str(x.quantity), f"{x.unit_price_minor / 100:.2f}", x.optional)
                for x in view.lines
            ]
        else:
            self.quote_rows = [QuoteFormRow("", "1", "", False)]
        self.quote_form_open, self.quote_form_error = True, ""
        return None

    @rx.event
    @form_only
    def close_quote_form(self):
        self.quote_form_open = False

    @rx.event
    @form_only
    def add_quote_row(self):
        if len(self.quote_rows) < 50:
            self.quote_rows = [*self.quote_rows, QuoteFormRow("", "1", "", False)]

    @rx.event
    @form_only
    def remove_quote_row(self, index: int):
        if isinstance(index, int) and 0 <= index < len(self.quote_rows):
            self.quote_rows = [r for i, r in enumerate(self.quote_rows) if i != index]

    @rx.event
    @form_only
    def set_quote_cell(self, index: int, field: str, value):
        if not isinstance(index, int) or not (0 <= index < len(self.quote_rows)):
            return
        if field not in ("description", "quantity", "price", "optional"):
            return
        rows = list(self.quote_rows)
        clean = (value is True) if field == "optional" else str(value)[:500]
        rows[index] = dataclasses.replace(rows[index], **{field: clean})
        self.quote_rows = rows

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_send_quote(self):
        identity, denied = self._require(Action.MANAGE_QUOTES, "Your role can't send quotes.")
        if denied:
            return denied
        actor = self._actor(identity)
        rows = [quote_builder.FormLine(r.description, r.quantity, r.price, r.optional) for r in self.quote_rows]
        try:
            with write_session() as session:
                order = self._order_for_write(session)
                if order is None:
                    return rx.toast.error("That order no longer exists.")
                version, moved = quote_builder.send_new_quote(session, order, rows, actor)
                emailed = notifications.quote_sent(session, links(), order, actor)
        except (quote_builder.QuoteFormError, quotes.QuoteError, quote_decisions.DecisionError) as exc:
            self.quote_form_error = str(exc)
            return None
        self.quote_form_open = False
        self._reload()
        await live.publish(self.current_order_id, "quote")
        note = " Customer emailed." if emailed else ""
        return rx.toast.success(
            f"Quote v{version} sent" + (" and the order moved to Awaiting approval." if moved else ".") + note
        )

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def handle_save_draft(self):
        identity, denied = self._require(Action.MANAGE_QUOTES, "Your role can't build quotes.")
        if denied:
            return denied
        rows = [quote_builder.FormLine(r.description, r.quantity, r.price, r.optional) for r in self.quote_rows]
        try:
            with write_session() as session:
                order = self._order_for_write(session)
                if order is None:
                    return rx.toast.error("That order no longer exists.")
                version = quote_builder.save_draft(session, order, rows, self._actor(identity))
        except (quote_builder.QuoteFormError, quotes.QuoteError, quote_decisions.DecisionError) as exc:
            self.quote_form_error = str(exc)
            return None
        self.quote_form_open, self.quote_form_error = False, ""
        self._reload()
        return rx.toast.success(f"Draft v{version} saved. The customer sees nothing until you send it.")

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_staff_decision(self, outcome: str):
        """The customer said yes/no by phone or at the counter; the channel and staff member are recorded."""
        identity, denied = self._require(Action.MANAGE_QUOTES, "Your role can't record quote decisions.")
        if denied:
            return denied
        if outcome not in STAFF_DECISIONS:
            return None
        approved, channel = STAFF_DECISIONS[outcome]
        with write_session() as session:
            order = self._order_for_write(session)
            customer = session.get(Customer, order.customer_id) if order else None
            if order is None or customer is None:
                return rx.toast.error("That order no longer exists.")
            try:
                quote_decisions.record_decision_by_staff(
                    session,
                    order.id,
                    self.quote_version,
                    approved,
                    channel,
                    customer.full_name,
                    self._actor(identity),
                    reason="Told us by phone" if not approved else "",
                )
            except quote_decisions.DecisionError as exc:
                return rx.toast.error(str(exc))
        self._reload()
        await live.publish(self.current_order_id, "quote")
        return rx.toast.success("Decision recorded.")
