"""/portal/invoices: the signed-in account's invoices ("Invoices: see") and payments ("Payments: see").

Everything is read for `self._account().customer_id`; a part the group may not see is never loaded, so
its data is not in the state either. The page loader runs for any signed-in portal user and loads only
the parts their group has; every other handler needs the part's own permission.
"""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from .. import routes
from ..db import session_scope
from ..models import ShopSettings
from ..services import invoice_views, invoices, statements, store_credit
from ..services.invoice_views import InvoiceRow, PaymentRow
from ..services.money import format_money
from ..services.portal_permissions import Perm
from .guard import form_only, portal_action
from .portal_session import NO_PERMISSION, PortalSessionState
from .script import scroll_script

PAGE_SIZE = 20
MAX_TYPED_SEARCH = 1000  # what the search box keeps; the service refuses more than its limit, never cuts


class PortalInvoicesState(PortalSessionState):
    show_invoices: bool = False
    show_payments: bool = False
    show_balances: bool = False  # "Account overview and balances: see" (else owed and credit stay empty)
    owed: str = ""
    credit: str = ""
    invoice_rows: list[InvoiceRow] = []
    invoice_total: int = 0
    invoice_page: int = 0
    invoice_search: str = ""  # what the search box shows
    invoice_search_error: str = ""
    _invoice_query: str = ""  # the search the list was read with (a refused one is never run)
    invoice_show: str = "all"
    payment_rows: list[PaymentRow] = []
    payment_total: int = 0
    payment_page: int = 0
    statement_from: str = ""
    statement_to: str = ""

    @rx.var
    def invoice_page_label(self) -> str:
        return _page_label(self.invoice_page, self.invoice_total, "invoices")

    @rx.var
    def invoice_has_next(self) -> bool:
        return (self.invoice_page + 1) * PAGE_SIZE < self.invoice_total

    @rx.var
    def payment_page_label(self) -> str:
        return _page_label(self.payment_page, self.payment_total, "payments")

    @rx.var
    def payment_has_next(self) -> bool:
        return (self.payment_page + 1) * PAGE_SIZE < self.payment_total

    @rx.var
    def statement_problem(self) -> str:
        """Why the chosen period can't make a statement ('' when it can): said beside the dates instead of
        the download opening a bare error page."""
        try:
            start, end = date.fromisoformat(self.statement_from), date.fromisoformat(self.statement_to)
            statements.check_range(start, end)
        except ValueError as exc:  # (StatementError is a ValueError)
            return str(exc) if isinstance(exc, statements.StatementError) else "Choose the first and the last day."
        return ""

    @rx.var
    def statement_url(self) -> str:
        return f"{routes.PORTAL_STATEMENT_PDF}?from={self.statement_from}&to={self.statement_to}"

    def _load_invoices(self) -> None:
        identity = self._account()
        customer_id = identity.customer_id
        self.show_balances = identity.may(Perm.OVERVIEW_VIEW)
        with session_scope() as session:
            if self.show_balances:
                currency = ShopSettings.current(session).currency
                self.owed = format_money(invoice_views.invoice_balance(session, customer_id), currency)
                self.credit = format_money(store_credit.balance(session, customer_id), currency)
            else:
                self.owed = self.credit = ""
            self.invoice_rows, self.invoice_total = invoice_views.list_invoices(
                session,
                customer_id,
                search=self._invoice_query,
                show=self.invoice_show,
                limit=PAGE_SIZE,
                offset=self.invoice_page * PAGE_SIZE,
            )
            today = invoices.shop_today(session)
        self.statement_to = self.statement_to or today.isoformat()
        self.statement_from = self.statement_from or (today - timedelta(days=90)).isoformat()

    def _load_payments(self) -> None:
        with session_scope() as session:
            self.payment_rows, self.payment_total = invoice_views.account_payments(
                session, self._account().customer_id, limit=PAGE_SIZE, offset=self.payment_page * PAGE_SIZE
            )

    @rx.event
    @portal_action(None, read_only=True)
    def load_money(self):
        """The page's loader: the invoices part and the payments part, each only with its permission."""
        identity = self._account()
        self.show_invoices = identity.may(Perm.INVOICES_VIEW)
        self.show_payments = identity.may(Perm.PAYMENTS_VIEW)
        self.invoice_rows, self.payment_rows, self.invoice_total, self.payment_total = [], [], 0, 0
        self.owed = self.credit = self.statement_from = self.statement_to = self.invoice_search = ""
        self.invoice_search_error = self._invoice_query = ""
        self.invoice_show, self.invoice_page, self.payment_page, self.show_balances = "all", 0, 0, False
        if not (self.show_invoices or self.show_payments):
            return [rx.redirect(routes.PORTAL, replace=True), rx.toast.error(NO_PERMISSION)]
        if self.show_invoices:
            self._load_invoices()
        if self.show_payments:
            self._load_payments()
            if self.router.url.query_parameters.get("part") == "payments":  # the overview's "All payments"
                return rx.call_script(scroll_script(routes.PAYMENTS_PART))
        return None

    @rx.event
    @portal_action(Perm.INVOICES_VIEW, read_only=True)
    def handle_invoice_search(self, value: str):
        self.invoice_search = str(value or "")[:MAX_TYPED_SEARCH]
        self.invoice_search_error = invoice_views.search_problem(self.invoice_search) or ""
        if self.invoice_search_error:
            return  # refused, never cut: the list stays as it was, the box keeps what was typed
        self._invoice_query, self.invoice_page = self.invoice_search, 0
        self._load_invoices()

    @rx.event
    @portal_action(Perm.INVOICES_VIEW, read_only=True)
    def set_invoice_show(self, value: str):
        self.invoice_show = value if value in invoice_views.SHOW_CHOICES else "all"
        self.invoice_page = 0
        self._load_invoices()

    @rx.event
    @portal_action(Perm.INVOICES_VIEW, read_only=True)
    def next_invoice_page(self):
        if self.invoice_has_next:
            self.invoice_page += 1
        self._load_invoices()

    @rx.event
    @portal_action(Perm.INVOICES_VIEW, read_only=True)
    def prev_invoice_page(self):
        self.invoice_page = max(0, self.invoice_page - 1)
        self._load_invoices()

    @rx.event
    @portal_action(Perm.PAYMENTS_VIEW, read_only=True)
    def next_payment_page(self):
        if self.payment_has_next:
            self.payment_page += 1
        self._load_payments()

    @rx.event
    @portal_action(Perm.PAYMENTS_VIEW, read_only=True)
    def prev_payment_page(self):
        self.payment_page = max(0, self.payment_page - 1)
        self._load_payments()

    @rx.event
    @form_only
    def set_statement_from(self, value: str):
        self.statement_from = str(value or "")[:10]

    @rx.event
    @form_only
    def set_statement_to(self, value: str):
        self.statement_to = str(value or "")[:10]


def _page_label(page: int, total: int, noun: str) -> str:
    if total == 0:
        return f"No {noun}"
    first = page * PAGE_SIZE + 1
    return f"{first}–{min(total, first + PAGE_SIZE - 1)} of {total}"
