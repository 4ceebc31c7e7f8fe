"""The customer approved by phone or at the counter: a confirmation of how, which optional items they
want, who said yes and the shop's note, before it is recorded (services/quote_decisions)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import order_page
from ..db import session_scope
from ..services import money, quote_decisions
from ..services.permissions import Action
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState

CHANNELS = tuple(order_page.STAFF_CHANNEL_LABELS)  # phone, in_person


@dataclasses.dataclass
class ApprovalLineRow:
    """An optional line of the quote being approved, with the confirmation's tick."""

    id: int
    description: str
    price: str
    amount_minor: int
    include: bool


class StaffOrderApprovalState(StaffOrderState):
    approval_open: bool = False
    approval_channel: str = "phone"
    approval_version: int = 0  # the quote version the dialog shows; a newer one refuses the confirmation
    approval_lines: list[ApprovalLineRow] = []
    approval_name: str = ""
    approval_total: str = ""
    approval_error: str = ""
    approver_error: str = ""
    _approval_base_minor: int = 0  # the lines that aren't optional
    _approval_rate_bp: int = 0
    _approval_currency: str = "GBP"

    def _recount(self) -> None:
        amounts = [self._approval_base_minor] + [r.amount_minor for r in self.approval_lines if r.include]
        totals = money.totals(amounts, self._approval_rate_bp)
        self.approval_total = money.format_money(totals.total, self._approval_currency)

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    def open_approval(self, channel: str):
        """Start from the quote awaiting the customer, with the choices they made on the portal (if any)."""
        with session_scope() as session:
            view = quote_decisions.customer_view_of_quote(session, self.current_order_id)
        if view is None or not view.can_decide:
            self._reload()
            return rx.toast.info("No quote is waiting for the customer's answer.")
        self.approval_channel = str(channel) if str(channel) in CHANNELS else "phone"
        self.approval_version = view.version
        self.approval_lines = [
            ApprovalLineRow(x.id, x.description, x.line_total, x.line_total_minor, x.included)
            for x in view.lines
            if x.optional
        ]
        self._approval_base_minor = sum(x.line_total_minor for x in view.lines if not x.optional)
        self._approval_rate_bp, self._approval_currency = view.tax_rate_bp, view.currency
        self.approval_name = self.summary.customer_name
        self.approval_error = self.approver_error = ""
        self._recount()
        self.approval_open = True
        return None

    @rx.event
    @form_only
    def set_approval_open(self, value: bool):
        self.approval_open = value is True

    @rx.event
    @form_only
    def set_approval_channel(self, value: str):
        if str(value) in CHANNELS:
            self.approval_channel = str(value)

    @rx.event
    @form_only
    def set_approval_include(self, index: int, value: bool):
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self.approval_lines):
            return
        rows = list(self.approval_lines)
        rows[index] = dataclasses.replace(rows[index], include=value is True)
        self.approval_lines = rows
        self._recount()

    @rx.event
    @staff_action(Action.MANAGE_QUOTES)
    async def handle_confirm_approval(self, form_data: dict):
        """Record it; a second click (or a colleague's) finds the quote already approved and changes nothing."""
        self.approval_name = str(form_data.get("approver", ""))[:300]
        note = str(form_data.get("note", ""))[:4000]
        included = {row.id: row.include for row in self.approval_lines}
        order_id, version, channel, name = (
            self.current_order_id,
            self.approval_version,
            self.approval_channel,
            self.approval_name,
        )
        actor = self._actor(self._me())
        outcome = await rx.run_in_thread(
            lambda: order_page.record_staff_approval(order_id, version, channel, name, included, note, actor)
        )
        self.approval_error, self.approver_error = "", outcome.errors.get("approver", "")
        if outcome.level == "form":
            self.approval_error = outcome.message
            return None
        self.approval_open = False
        self._reload()
        await publish(outcome)
        return toast_for(outcome)
