"""The order page's Invoice card: start a draft from the approved quote, add lines, issue, void with a
reason, pay from store credit. The order is the one in the page's URL; the invoice is the one the card
shows, and the service refuses it unless it belongs to that order."""

from __future__ import annotations

import reflex as rx

from ..actions import invoices as actions
from ..db import session_scope
from ..services.ids import parse_id
from ..services.invoice_views import InvoiceRow
from ..services.order_invoice_view import LineRow, order_invoices
from ..services.permissions import Action, can
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState

NO_INVOICE = InvoiceRow(0, "", 0, "", "", "", "gray", "", "", "", "", "", 0, 0, 0)


class StaffOrderInvoiceState(StaffOrderState):
    inv_has_live: bool = False
    inv_live: InvoiceRow = NO_INVOICE
    inv_lines: list[LineRow] = []
    inv_subtotal: str = ""
    inv_tax: str = ""
    inv_tax_label: str = ""
    inv_earlier: list[InvoiceRow] = []
    inv_has_quote: bool = False
    inv_credit: str = ""
    inv_credit_minor: int = 0
    inv_error: str = ""  # beside the add-line and issue forms
    credit_error: str = ""  # beside the store-credit form
    void_error: str = ""
    void_open: bool = False
    can_manage_invoices: bool = False
    inv_form_key: int = 0

    def _load_invoices(self) -> None:
        order_id = self._order_id_from_url()
        with session_scope() as session:
            view = order_invoices(session, order_id)
        self.inv_has_live = view.live is not None
        self.inv_live = view.live or NO_INVOICE
        self.inv_lines = view.lines
        self.inv_subtotal, self.inv_tax, self.inv_tax_label = view.subtotal, view.tax, view.tax_label
        self.inv_earlier = view.earlier
        self.inv_has_quote = view.has_approved_quote
        self.inv_credit, self.inv_credit_minor = view.credit, view.credit_minor

    async def _run(self, action, *args):
        actor, order_id = self._actor(self._me()), self._order_id_from_url()
        outcome = await rx.run_in_thread(lambda: action(order_id, *args, actor))
        self._load_invoices()
        if outcome.ok:
            self.inv_form_key += 1
            await publish(outcome)
        return outcome

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def load_invoice(self):
        """On the card's mount and whenever the order's live channel moves."""
        self.can_manage_invoices = can(self._me().role, Action.MANAGE_INVOICES)
        self._load_invoices()

    @rx.event
    @staff_action(Action.MANAGE_INVOICES)
    async def handle_new_draft(self):
        return toast_for(await self._run(actions.create_draft))

    @rx.event
    @staff_action(Action.MANAGE_INVOICES)
    async def handle_add_line(self, form_data: dict):
        outcome = await self._run(actions.add_line, self.inv_live.id, dict(form_data or {}))
        self.inv_error = outcome.message if outcome.level == "form" else ""
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.MANAGE_INVOICES)
    async def handle_remove_line(self, line_id: int):
        return toast_for(await self._run(actions.remove_line, self.inv_live.id, parse_id(line_id)))

    @rx.event
    @staff_action(Action.MANAGE_INVOICES)
    async def handle_issue(self, form_data: dict):
        due_days = str((form_data or {}).get("due_days", ""))[:4]
        outcome = await self._run(actions.issue, self.inv_live.id, due_days)
        self.inv_error = outcome.message if outcome.level == "form" else ""
        return toast_for(outcome)

    @rx.event
    @form_only
    def set_void_open(self, value: bool):
        self.void_open = value is True
        self.void_error = ""

    @rx.event
    @staff_action(Action.MANAGE_INVOICES)
    async def handle_void(self, form_data: dict):
        outcome = await self._run(actions.void, self.inv_live.id, str((form_data or {}).get("reason", "")))
        self.void_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self.void_open = False
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.RECORD_PAYMENTS)
    async def handle_pay_with_credit(self, form_data: dict):
        amount = str((form_data or {}).get("amount", ""))[:32]
        outcome = await self._run(actions.pay_with_credit, self.inv_live.id, amount)
        self.credit_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self._reload()  # the Payments card shows the new payment
        return toast_for(outcome)
