"""The quote tab: optional lines, approve with a signature, decline with a reason."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import portal
from ..db import session_scope
from ..models import Order, Quote, ShopSettings
from ..services import consents, quote_decisions, signatures
from ..services.ids import parse_id
from ..services.portal_permissions import Perm
from ..services.quote_view import QuoteLineView, document_sha256
from .guard import customer_action, form_only
from .outcomes import publish, toast_for
from .script import NO_SIGNATURE, focus_script, read_signature
from .track import TrackState


@dataclasses.dataclass
class SignedRow:
    purpose: str  # the document's name ("Repair authorisation", "Data consent")
    signer: str
    signed_at: str
    kind: str  # the signed document's kind: "quote" ones have a signed PDF


_QUOTE_TEXTS = (
    "quote_status",
    "quote_subtotal",
    "quote_tax",
    "quote_total",
    "tax_label",
    "tax_rate",
    "valid_until",
    "quote_notes",
    "terms_text",
    "consent_text",
    "decided_at",
    "decided_by",
    "decision_channel",
    "decline_reason",
    "pending_purpose",
    "pending_title",
    "pending_text",
)


class TrackQuoteState(TrackState):
    has_quote: bool = False
    quote_version: int = 0
    quote_status: str = ""
    can_decide: bool = False
    quote_lines: list[QuoteLineView] = []  # the service's own line view
    has_optional_lines: bool = False
    quote_subtotal: str = ""
    quote_tax: str = ""
    quote_total: str = ""
    tax_label: str = ""
    tax_rate: str = ""
    valid_until: str = ""
    quote_expired: bool = False
    quote_notes: str = ""
    terms_text: str = ""
    consent_text: str = ""
    decided_at: str = ""
    decided_by: str = ""
    decision_channel: str = ""
    decline_reason: str = ""
    signed: list[SignedRow] = []
    quote_error: str = ""
    deciding: str = ""  # "", "approve" or "decline": which form is open
    pending_purpose: str = ""
    pending_title: str = ""
    pending_text: str = ""
    pending_more: int = 0
    sign_error: str = ""
    _quote_sha: str = ""
    _pending_signer: str = ""
    _pending_name: str = ""
    _pending_agree: bool = False
    error_for: str = ""  # the form field the shown message is about ("agree", "name", "signer"), if any

    def _load_pending(self, session, order: Order) -> None:
        todo = consents.pending(session, order)
        first = todo[0] if todo else None
        self.pending_purpose = first.purpose if first else ""
        self.pending_title = first.title if first else ""
        self.pending_text = first.text if first else ""
        self.pending_more = max(0, len(todo) - 1)

    def _clear_quote(self) -> None:
        """Nothing of the quote tab left in this tab's state (the link stopped working, or the part went)."""
        self.has_quote, self.quote_lines, self.signed, self._quote_sha = False, [], [], ""
        self.quote_version, self.can_decide, self.has_optional_lines, self.quote_expired = 0, False, False, False
        for name in _QUOTE_TEXTS:
            setattr(self, name, "")
        self.pending_more = 0

    def _load_quote(self, session, order: Order) -> None:
        """The quote, the signatures still needed and those given: all of it belongs to "Quotes: approve and
        decline" (signing is deciding); without it none of it reaches the browser."""
        if Perm.QUOTES_DECIDE not in self._part_perms(session):
            self._clear_quote()
            return
        self._load_pending(session, order)
        shop = ShopSettings.current(session)
        view = quote_decisions.customer_view_of_quote(session, order.id) if shop.show_quote else None
        self.signed = [
            SignedRow(s.purpose_label, s.signer_name, s.signed_at_text, s.document_kind)
            for s in signatures.signatures_for_order(session, order.id)
            if shop.show_quote or s.document_kind != "quote"
        ]
        if view is None:
            self.has_quote, self.quote_lines, self._quote_sha = False, [], ""
            return
        self.has_quote = True
        self.quote_version, self.quote_status, self.can_decide = view.version, view.status, view.can_decide
        self.quote_lines = list(view.lines)
        self.has_optional_lines = view.has_optional_lines
        self.quote_subtotal, self.quote_tax, self.quote_total = view.subtotal, view.tax, view.total
        self.tax_label, self.tax_rate, self.valid_until = view.tax_label, view.tax_rate, view.valid_until_text
        self.quote_expired, self.quote_notes, self.terms_text = view.expired, view.notes, view.terms_text
        self.consent_text = view.consent_text
        self.decided_at, self.decided_by = view.decided_at_text, view.decided_by_name
        self.decision_channel, self.decline_reason = view.decision_channel, view.decline_reason
        # What the customer is looking at now is what an approval will cover.
        self._quote_sha = document_sha256(session, session.get(Quote, view.quote_id))

    def _quote_order(self, session) -> Order | None:
        """The authorised order, if the shop shows quotes on the portal (decisions follow the switch)."""
        return self._authorised_order(session) if ShopSettings.current(session).show_quote else None

    @rx.event
    @customer_action(read_only=True)
    def load_quote(self):
        with session_scope() as session:
            order = self._readable_order(session)
            if order is None:  # link revoked or rotated: drop what this tab held
                self._clear_quote()
                return
            shown, open_form = self.quote_version, self.deciding
            self._load_quote(session, order)
        if open_form and shown and self.quote_version != shown:
            # A new version arrived while the customer was filling in a form: start again from the
            # new price (the half-drawn signature goes with the closed form; it could not be used anyway).
            self.deciding = ""
            self.quote_error = quote_decisions.changed_while_deciding(self.quote_version, self.quote_total)
            self.error_for = ""

    @rx.event
    @form_only
    def clear_errors(self, field: str):
        """A message about one field goes once the customer changes that field. Any other message
        (a missing signature, a refusal) stays: a late event from a field can't wipe a newer one."""
        if field and field == self.error_for:
            self.quote_error = self.sign_error = self.error_for = ""

    @rx.event
    @form_only
    def open_form(self, which: str):
        self.deciding = which if which in ("approve", "decline") else ""
        self.quote_error = ""
        # Keyboard and screen-reader users land on the form's heading (or back on the quote's).
        heading = {"approve": "approve-heading", "decline": "decline-heading"}.get(self.deciding, "quote-heading")
        return rx.call_script(focus_script(heading))

    @rx.event
    @customer_action(read_only=False, perm=Perm.QUOTES_DECIDE)
    async def toggle_line(self, line_id: int, accepted: bool):
        order_id, client = self._quote_order_id(), self._client_of()
        if order_id is None:
            return type(self).load_tracking
        wanted, line = bool(accepted), parse_id(line_id)
        outcome = await rx.run_in_thread(lambda: portal.choose_optional_line(order_id, line, wanted, client))
        self.quote_error, self.error_for = ("" if outcome.ok else outcome.message), ""
        self._reload_quote(order_id)
        await publish(outcome)
        return None

    def _quote_order_id(self) -> int | None:
        with session_scope() as session:
            order = self._quote_order(session)
            return order.id if order is not None else None

    def _reload_quote(self, order_id: int) -> None:
        with session_scope() as session:
            self._load_quote(session, session.get(Order, order_id))

    @rx.event
    @form_only
    def prepare_approval(self, form_data: dict):
        """Check the form, then ask the browser for the drawn signature (as a PNG data URL)."""
        self._pending_name = str(form_data.get("signer_name", ""))[:1000]  # too long: the service says so
        self._pending_agree = str(form_data.get("agree", "")).lower() in {"on", "true", "1"}
        if not self._pending_agree:
            self.quote_error, self.error_for = "Please tick the box to confirm you agree to the repair terms.", "agree"
            return None
        if len(self._pending_name.strip()) < 2:
            self.quote_error, self.error_for = "Please type your full name.", "name"
            return None
        self.quote_error = ""
        return read_signature(type(self).finish_approval, form_data)

    @rx.event
    @customer_action(read_only=False, perm=Perm.QUOTES_DECIDE)
    async def finish_approval(self, data_url: str):
        if not data_url:
            self.quote_error, self.error_for = NO_SIGNATURE, ""
            return None
        order_id, client = self._quote_order_id(), self._client_of()
        if order_id is None:
            return type(self).load_tracking
        approval = portal.Approval(
            self.quote_version, self._pending_name, self._pending_agree, str(data_url), self._quote_sha
        )
        # Decoding and checking the signature image runs off the event loop.
        outcome = await rx.run_in_thread(lambda: portal.approve_quote(order_id, approval, client))
        self._reload_quote(order_id)
        if not outcome.ok:
            self.quote_error, self.error_for = outcome.message, ""
            return None
        self.deciding = ""
        await publish(outcome)
        return [type(self).reload, toast_for(outcome), rx.call_script(focus_script("quote-heading"))]

    @rx.event
    @customer_action(read_only=False, perm=Perm.QUOTES_DECIDE)
    async def handle_decline(self, form_data: dict):
        order_id, client = self._quote_order_id(), self._client_of()
        if order_id is None:
            return type(self).load_tracking
        version, reason = self.quote_version, str(form_data.get("reason", ""))
        outcome = await rx.run_in_thread(lambda: portal.decline_quote(order_id, version, reason, client))
        if not outcome.ok:
            self.quote_error, self.error_for = outcome.message, ""
            return None
        self._reload_quote(order_id)
        self.deciding = ""
        await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @form_only
    def prepare_sign(self, form_data: dict):
        self._pending_signer = str(form_data.get("signer_name", ""))[:1000]
        if len(self._pending_signer.strip()) < 2:
            self.sign_error, self.error_for = "Please type your full name.", "signer"
            return None
        self.sign_error = ""
        return read_signature(type(self).finish_sign, form_data)

    @rx.event
    @customer_action(read_only=False, perm=Perm.QUOTES_DECIDE)
    async def finish_sign(self, data_url: str):
        if not data_url:
            self.sign_error, self.error_for = NO_SIGNATURE, ""
            return None
        order_id, client = self._acting_order_id(), self._client_of()
        if order_id is None:
            return type(self).load_tracking
        purpose, signer = self.pending_purpose, self._pending_signer
        outcome = await rx.run_in_thread(lambda: portal.sign_consent(order_id, purpose, signer, str(data_url), client))
        if not outcome.ok:
            self.sign_error, self.error_for = outcome.message, ""
            return None
        self._reload_quote(order_id)
        await publish(outcome)
        return toast_for(outcome)
