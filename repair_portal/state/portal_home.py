"""/portal: the account's overview. Only the parts the group may see are loaded (services/account_overview.py);
the rest stay empty and their cards absent."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import routes
from ..db import session_scope
from ..services import account_overview, invoices
from .guard import portal_action
from .portal_orders import OrderRowView, row_view
from .portal_session import PortalSessionState


@dataclasses.dataclass
class DueView:
    id: int
    number: str
    reference: str
    due_date: str
    due: str
    status: str
    colour: str
    pdf: str


@dataclasses.dataclass
class PaidView:
    id: int
    date: str
    method: str
    amount: str
    invoices: str


class PortalHomeState(PortalSessionState):
    loaded: bool = False
    show_balances: bool = False
    owed: str = ""
    credit: str = ""
    has_credit: bool = False
    show_orders: bool = False
    open_orders: list[OrderRowView] = []
    open_total: int = 0
    show_decisions: bool = False
    decisions: list[OrderRowView] = []
    upcoming: list[OrderRowView] = []
    show_invoices: bool = False
    invoices_due: list[DueView] = []
    show_payments: bool = False
    payments: list[PaidView] = []
    upcoming_href: str = routes.portal_orders(dates="scheduled")  # from today (shop time), set by the loader

    @rx.event
    @portal_action(None, read_only=True)
    def load_overview(self):
        with session_scope() as session:
            found = account_overview.overview(session, self._account())
            today = invoices.shop_today(session).isoformat()
        self.upcoming_href = routes.portal_orders(dates="scheduled", date_from=today)
        self.show_balances = found.balances is not None
        self.owed = found.balances.owed if found.balances else ""
        self.credit = found.balances.credit if found.balances else ""
        self.has_credit = bool(found.balances and found.balances.credit_minor > 0)
        self.show_orders = found.open_orders is not None
        self.open_orders = [row_view(r) for r in found.open_orders or []]
        self.open_total = found.open_total
        self.show_decisions = found.decisions is not None
        self.decisions = [row_view(r) for r in found.decisions or []]
        self.upcoming = [row_view(r) for r in found.upcoming or []]
        self.show_invoices = found.invoices_due is not None
        self.invoices_due = [
            DueView(
                i.id,
                i.number,
                i.order_reference,
                i.due_date,
                i.due,
                i.status_label,
                i.status_colour,
                routes.backend(routes.portal_invoice_pdf(i.id)),
            )
            for i in found.invoices_due or []
        ]
        self.show_payments = found.payments is not None
        self.payments = [PaidView(p.id, p.date, p.method, p.amount, p.invoices) for p in found.payments or []]
        self.loaded = True
