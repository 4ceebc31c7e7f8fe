"""/portal/invoices: tick several unpaid invoices, adjust the amount of each, pay them in one checkout.

The handler only starts a checkout (actions/online_payments.pay_invoices checks every invoice and amount
against the database); the provider's confirmation records the payment. The ticks and typed amounts kept
here only draw the summary on the Pay button: the submitted form is what gets paid."""

from __future__ import annotations

import json

import reflex as rx

from ..actions import online_payments
from ..db import session_scope
from ..services import audit, invoice_pay
from ..services.ids import parse_id
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .guard import current_portal, form_only, portal_action
from .portal_invoices import PortalInvoicesState


class PortalInvoicePayState(PortalInvoicesState):
    pay_shown: bool = False
    pay_demo: bool = False
    pay_currency: str = "GBP"
    pay_error: str = ""
    pay_picked: list[int] = []
    pay_amounts: dict[str, str] = {}  # invoice id → the amount as typed, once it has been changed

    @rx.var
    def pay_button(self) -> str:
        count, total = invoice_pay.picked_total(self.invoice_rows, self.pay_picked, self.pay_amounts)
        return invoice_pay.button_text(count, total, self.pay_currency)

    @rx.event
    @portal_action(None, read_only=True)
    def load_pay(self):
        """The page's second loader: whether this user is offered paying online here (any signed-in user
        may ask; the answer depends on their group, the shop's settings and whether it is a preview)."""
        identity = current_portal()
        with session_scope() as session:
            offer = invoice_pay.offer(session, get_settings(), identity.perms, preview=identity.preview)
        self.pay_shown, self.pay_demo, self.pay_currency = offer.shown, offer.demo, offer.currency
        self.pay_error, self.pay_picked, self.pay_amounts = "", [], {}

    @rx.event
    @form_only
    def pick_invoice(self, invoice_id: int, checked: bool):
        invoice_id = parse_id(invoice_id)
        if invoice_id is None:
            return
        picked = [i for i in self.pay_picked if i != invoice_id]
        if checked is True and len(picked) < invoice_pay.MAX_INVOICES:
            picked.append(invoice_id)
        self.pay_picked = picked

    @rx.event
    @form_only
    def set_pay_amount(self, invoice_id: int, value: str):
        invoice_id = parse_id(invoice_id)
        if invoice_id is None:
            return
        key = str(invoice_id)
        if key in self.pay_amounts or len(self.pay_amounts) < invoice_pay.MAX_INVOICES:
            self.pay_amounts = {**self.pay_amounts, key: str(value or "")[: invoice_pay.MAX_TYPED_AMOUNT]}

    @rx.event
    @portal_action(Perm.INVOICES_PAY)
    async def handle_pay_invoices(self, form_data: dict):
        identity = current_portal()
        numbers = {row.id: row.number for row in self.invoice_rows}
        try:
            chosen = invoice_pay.chosen_from_form(form_data, numbers)
        except invoice_pay.PayFormError as exc:
            self.pay_error = str(exc)
            return None
        if not chosen:
            self.pay_error = "Choose at least one invoice to pay."
            return None
        ip, user_agent = self._client()
        actor = audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)
        started = await rx.run_in_thread(
            lambda: online_payments.pay_invoices(identity.customer_id, chosen, actor, portal_user_id=identity.user_id)
        )
        self.pay_error = "" if started.ok else started.message
        return rx.call_script(f"window.location.assign({json.dumps(started.url)})") if started.ok else None
