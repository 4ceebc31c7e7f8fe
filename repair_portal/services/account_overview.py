"""The account portal's overview: what needs the customer's attention, in cards that each link to their
list. A part the user's group may not see is None, so neither the page nor the browser ever gets it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from . import account_orders, invoice_views
from .account_orders import OrderQuery, OrderRow
from .invoice_views import InvoiceRow, PaymentRow
from .portal_auth import PortalIdentity
from .portal_permissions import Perm

SHOWN = 5


@dataclass(frozen=True)
class Balances:
    owed: str
    owed_minor: int
    credit: str
    credit_minor: int


@dataclass(frozen=True)
class Overview:
    balances: Balances | None = None
    open_orders: list[OrderRow] | None = None
    open_total: int = 0
    decisions: list[OrderRow] | None = None
    upcoming: list[OrderRow] | None = None
    invoices_due: list[InvoiceRow] | None = None
    payments: list[PaymentRow] | None = None


def overview(session: Session, identity: PortalIdentity) -> Overview:
    sees_orders = account_orders.may_list(identity)
    opened = account_orders.list_orders(session, identity, OrderQuery(status="open"), SHOWN) if sees_orders else None
    decisions = None
    if sees_orders and identity.may(Perm.QUOTES_DECIDE):
        decisions = account_orders.list_orders(session, identity, OrderQuery(status="decision"), SHOWN).rows
    money = None
    if identity.may(Perm.OVERVIEW_VIEW) or identity.may(Perm.INVOICES_VIEW) or identity.may(Perm.PAYMENTS_VIEW):
        money = invoice_views.account_summary(session, identity.customer_id)
    balances = None
    if money is not None and identity.may(Perm.OVERVIEW_VIEW):
        balances = Balances(
            money.invoice_balance, money.invoice_balance_minor, money.credit_balance, money.credit_balance_minor
        )
    return Overview(
        balances=balances,
        open_orders=opened.rows if opened is not None else None,
        open_total=opened.total if opened is not None else 0,
        decisions=decisions,
        upcoming=account_orders.upcoming(session, identity, SHOWN) if sees_orders else None,
        invoices_due=money.invoices_due if money is not None and identity.may(Perm.INVOICES_VIEW) else None,
        payments=money.recent_payments if money is not None and identity.may(Perm.PAYMENTS_VIEW) else None,
    )
