"""The order's quote: build and send a version, record a decision taken by phone or at the counter."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import order_page
from ..db import session_scope
from ..services import money, quote_builder, quote_decisions
from ..services.permissions import Action
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState
from .staff_order_rows import QuoteFormRow


class StaffOrderQuoteState(StaffOrderState):
    quote_rows: list[QuoteFormRow] = []
    quote_form_open: bool = False
    quote_form_error: str = ""

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def open_quote_form(self):
        """Start from the latest quote's lines (a revision), or from one empty line."""
        with session_scope() as session:
            draft = quote_builder.current_draft(session, self.current_order_id)
            view = None if draft else quote_decisions.customer_view_of_quote(session, self.current_order_id)
        if draft:
            self.quote_rows = [QuoteFormRow(x.description, x.quantity, x.price, x.optional) for x in draft.lines]
        elif view:
            self.quote_rows = [
                QuoteFormRow(x.description, str(x.quantity), money.input_text(x.unit_price_minor), x.optional)
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

    def _form_lines(self) -> list[quote_builder.FormLine]:
        return [quote_builder.FormLine(r.description, r.quantity, r.price, r.optional) for r in self.quote_rows]

    async def _quote_action(self, run):
        identity = self._me()
        actor = self._actor(identity)
        outcome = await rx.run_in_thread(lambda: run(actor))
        if outcome.level == "form":
            self.quote_form_error = outcome.message
            return None
        if outcome.ok:
            self.quote_form_open, self.quote_form_error = False, ""
        self._reload()
        await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_send_quote(self):
        order_id, rows = self.current_order_id, self._form_lines()
        return await self._quote_action(lambda actor: order_page.send_quote(order_id, rows, actor))

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_save_draft(self):
        order_id, rows = self.current_order_id, self._form_lines()
        return await self._quote_action(lambda actor: order_page.save_quote_draft(order_id, rows, actor))

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_staff_decision(self, outcome: str):
        """The customer said yes/no by phone or at the counter."""
        order_id, version, decision = self.current_order_id, self.quote_version, str(outcome)
        return await self._quote_action(
            lambda actor: order_page.record_staff_decision(order_id, version, decision, actor)
        )
