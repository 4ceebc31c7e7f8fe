"""The order's quote: build and send a version (free lines or from the price list), record a decline by phone.

Approvals by phone or at the counter go through a confirmation: staff_order_approval.py."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import order_page
from ..db import session_scope
from ..services import money, price_list, quote_builder, quote_decisions
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.price_list import PriceItemView, PriceListError
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState
from .staff_order_rows import QuoteFormRow


class StaffOrderQuoteState(StaffOrderState):
    quote_rows: list[QuoteFormRow] = []
    quote_form_open: bool = False
    quote_form_error: str = ""
    # "Add from price list": the picker and the active items it lists (matching the search).
    price_picker_open: bool = False
    price_search: str = ""
    price_items: list[PriceItemView] = []

    def _fill_quote_form(self) -> None:
        """Start from the draft, else from the customer's quote's lines (a revision), else one empty line."""
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

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def open_quote_form(self):
        self._fill_quote_form()
        return None

    @rx.event
    @form_only
    def close_quote_form(self):
        self.quote_form_open = False

    @rx.event
    @form_only
    def add_quote_row(self):
        if len(self.quote_rows) < quote_builder.MAX_LINES:
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
        # clipped far above any limit (a runaway paste); saving says when a field is too long, never cuts it
        clean = (value is True) if field == "optional" else str(value)[:2000]
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

    # --- the price list ---------------------------------------------------------------------------

    def _load_price_items(self) -> None:
        with session_scope() as session:
            self.price_items = price_list.list_items(session, self.price_search)

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def set_price_picker_open(self, value: bool):
        """Opening the picker reads the price list as it is now."""
        self.price_picker_open = value is True
        if self.price_picker_open:
            self.price_search = ""
            self._load_price_items()
        return None

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def handle_price_search(self, value: str):
        self.price_search = str(value)[:100]
        self._load_price_items()
        return None

    def _add_form_row(self, item_id: int | None):
        """The open form gets the line as a row (saved with the form, like a typed one)."""
        try:
            with session_scope() as session:
                line = price_list.form_line(session, item_id)
        except PriceListError as exc:
            return rx.toast.error(str(exc))
        rows = list(self.quote_rows)
        if rows and not rows[-1].description.strip() and not rows[-1].price.strip():
            rows = rows[:-1]  # the empty line the form starts with
        if len(rows) >= quote_builder.MAX_LINES:
            return rx.toast.error(f"A quote can have at most {quote_builder.MAX_LINES} lines.")
        self.quote_rows = [*rows, QuoteFormRow(line.description, line.quantity, line.price, line.optional)]
        self.quote_form_error = ""
        return None

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_add_from_price_list(self, item_id: int):
        """One tap on an item: into the open form, or (form closed) saved into the draft, which then opens."""
        self.price_picker_open = False
        found = parse_id(item_id)
        if self.quote_form_open:
            return self._add_form_row(found)
        actor, order_id = self._actor(self._me()), self.current_order_id
        outcome = await rx.run_in_thread(lambda: order_page.add_price_list_item(order_id, found, actor))
        if outcome.ok:
            self._reload()
            self._fill_quote_form()
        return toast_for(outcome)
