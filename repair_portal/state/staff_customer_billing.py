"""The customer page's money: store credit (balance, add or use with a reason, history) and the customer's
invoices with a statement download. The customer is the one in the page's URL, read for every event."""

from __future__ import annotations

from datetime import timedelta

import reflex as rx

from ..actions import invoices as actions
from ..db import session_scope
from ..models import Customer, ShopSettings
from ..services import invoice_views, invoices, store_credit
from ..services.ids import parse_id
from ..services.invoice_views import InvoiceRow
from ..services.money import format_money
from ..services.permissions import Action, can
from ..services.store_credit import CreditRow
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState

PAGE_SIZE = 10


class StaffCustomerBillingState(StaffSessionState):
    billing_found: bool = False
    credit_balance: str = ""
    credit_rows: list[CreditRow] = []
    credit_error: str = ""
    credit_key: int = 0
    can_manage_credit: bool = False
    bill_rows: list[InvoiceRow] = []
    bill_total: int = 0
    bill_page: int = 0
    bill_search: str = ""
    bill_show: str = "all"
    statement_from: str = ""
    statement_to: str = ""

    @rx.var
    def bill_has_next(self) -> bool:
        return (self.bill_page + 1) * PAGE_SIZE < self.bill_total

    @rx.var
    def bill_has_prev(self) -> bool:
        return self.bill_page > 0

    @rx.var
    def bill_page_label(self) -> str:
        if self.bill_total == 0:
            return "No invoices"
        first = self.bill_page * PAGE_SIZE + 1
        return f"{first}–{min(self.bill_total, first + PAGE_SIZE - 1)} of {self.bill_total}"

    def _customer_id(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "customers":
            return parse_id(parts[2]) or 0
        return 0

    def _reload(self) -> None:
        customer_id = self._customer_id()
        with session_scope() as session:
            found = bool(customer_id) and session.get(Customer, customer_id) is not None
            if not found:
                self.billing_found, self.credit_rows, self.bill_rows, self.bill_total = False, [], [], 0
                return
            balance = store_credit.balance(session, customer_id)
            self.credit_balance = format_money(balance, ShopSettings.current(session).currency)
            self.credit_rows = store_credit.history(session, customer_id, limit=20)
            self.bill_rows, self.bill_total = invoice_views.list_invoices(
                session,
                customer_id,
                search=self.bill_search,
                show=self.bill_show,
                include_drafts=True,
                limit=PAGE_SIZE,
                offset=self.bill_page * PAGE_SIZE,
            )
            today = invoices.shop_today(session)
        self.billing_found = True
        self.statement_to = self.statement_to or today.isoformat()
        self.statement_from = self.statement_from or (today - timedelta(days=90)).isoformat()

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_billing(self):
        self.can_manage_credit = can(self._me().role, Action.MANAGE_STORE_CREDIT)
        self.credit_error, self.bill_search, self.bill_show, self.bill_page = "", "", "all", 0
        self.statement_from = self.statement_to = ""
        self._reload()

    @rx.event
    @staff_action(Action.MANAGE_STORE_CREDIT)
    async def handle_credit(self, form_data: dict):
        actor, customer_id, form = self._actor(self._me()), self._customer_id(), dict(form_data or {})
        outcome = await rx.run_in_thread(lambda: actions.change_credit(customer_id, form, actor))
        self.credit_error = outcome.message if outcome.level == "form" else ""
        if outcome.ok:
            self.credit_key += 1
        self._reload()
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def handle_bill_search(self, value: str):
        self.bill_search, self.bill_page = str(value or "")[: invoice_views.MAX_SEARCH], 0
        self._reload()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_bill_show(self, value: str):
        self.bill_show = value if value in invoice_views.SHOW_CHOICES else "all"
        self.bill_page = 0
        self._reload()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def next_bill_page(self):
        if self.bill_has_next:
            self.bill_page += 1
        self._reload()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def prev_bill_page(self):
        self.bill_page = max(0, self.bill_page - 1)
        self._reload()

    @rx.event
    @form_only
    def set_statement_from(self, value: str):
        self.statement_from = str(value or "")[:10]

    @rx.event
    @form_only
    def set_statement_to(self, value: str):
        self.statement_to = str(value or "")[:10]
