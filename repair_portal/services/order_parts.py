"""Which parts of an order's customer page a set of portal permissions shows and allows: one policy for the
tracking link (the built-in "Non-portal visitor" group, `portal_permissions.visitor_perms`) and for a signed-in
portal user (their group). Parts left out are removed from the view's data, not just hidden."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from .pay_view import PayView
from .portal_permissions import Perm
from .portal_view import PortalView

# The downloads of an order's page, and the permissions of which any one opens them. Photos, documents and
# service reports are "files"; the quote and what was signed belong to the quote as much as to the files.
DOCUMENT_PERMS: dict[str, tuple[Perm, ...]] = {
    "quote": (Perm.QUOTES_DECIDE, Perm.FILES_VIEW),
    "signed": (Perm.QUOTES_DECIDE, Perm.FILES_VIEW),
    "invoice": (Perm.INVOICES_VIEW, Perm.PAYMENTS_VIEW),
    "files": (Perm.FILES_VIEW,),
    "service_report": (Perm.FILES_VIEW,),
    "qr": (),  # the page's own address as a QR code: no order data
}


def sees_money(perms: Collection[Perm]) -> bool:
    """Totals, payments, balance and the invoice: either money permission shows them."""
    return Perm.PAYMENTS_VIEW in perms or Perm.INVOICES_VIEW in perms


def may_pay(perms: Collection[Perm]) -> bool:
    """Pay online needs the permission and a balance the page may show."""
    return Perm.INVOICES_PAY in perms and sees_money(perms)


def may_download(kind: str, perms: Collection[Perm]) -> bool:
    needed = DOCUMENT_PERMS.get(kind)
    if needed is None:
        return False
    return not needed or any(p in perms for p in needed)


def limit_view(view: PortalView, perms: Collection[Perm], pay: PayView | None = None) -> PortalView:
    """The view less what `perms` may not see; `pay` (what may be paid online) only where paying is allowed."""
    files = Perm.FILES_VIEW in perms
    money = sees_money(perms)
    messages = Perm.MESSAGES_SEND in perms
    return dataclasses.replace(
        view,
        files=view.files if files else [],
        show_photos=view.show_photos and files,
        show_documents=view.show_documents and files,
        payments=view.payments if money else [],
        show_payments=view.show_payments and money,
        total=view.total if money else "",
        paid=view.paid if money else "",
        balance=view.balance if money else "",
        has_total=view.has_total and money,
        show_quote=view.show_quote and Perm.QUOTES_DECIDE in perms,
        thread=view.thread if messages else [],
        show_messages=view.show_messages and messages,
        pay=pay if pay is not None and may_pay(perms) else PayView(),
    )
