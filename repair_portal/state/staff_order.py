"""The staff order page: stage changes, sharing the portal link, printing, email status."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import live
from ..db import session_scope, write_session
from ..models import Order, ShopSettings, Stage
from ..services import (
    attachments,
    messages,
    notifications,
    payments,
    portal_links,
    portal_view,
    quote_builder,
    quote_decisions,
    quotes,
    signatures,
    workflow,
)
from ..services.mail import NotSent
from ..services.order_detail import order_detail
from ..services.permissions import Action, can
from ..settings import get_settings
from .mail_links import links
from .staff_session import StaffSessionState


@dataclasses.dataclass
class HistoryRow:
    stage: str
    color: str
    at: str
    by: str


@dataclasses.dataclass
class EmailRow:
    id: int
    template: str
    recipient: str
    status: str
    when: str
    error: str


@dataclasses.dataclass
class ThreadRow:
    id: int
    from_customer: bool
    author: str
    body: str
    at: str
    is_feedback: bool


@dataclasses.dataclass
class QuoteFormRow:
    description: str
    quantity: str
    price: str
    optional: bool


@dataclasses.dataclass
class FileItemRow:
    id: int
    title: str
    kind: str
    visible: bool
    size_kb: int


@dataclasses.dataclass
class StageOption:
    id: str
    name: str


class StaffOrderState(StaffSessionState):
    found: bool = True
    current_order_id: int = 0
    reference: str = ""
    stage: str = ""
    stage_color: str = "gray"
    stage_id: str = ""
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    email_updates: bool = False
    device: str = ""
    serial: str = ""
    problem: str = ""
    intake_condition: str = ""
    location: str = ""
    booked_in: str = ""
    promised: str = ""
    assigned_to: str = ""
    tracking_url: str = ""
    share_text: str = ""
    history: list[HistoryRow] = []
    emails: list[EmailRow] = []
    stage_options: list[StageOption] = []
    thread: list[ThreadRow] = []
    quote_summary: str = ""
    quote_version: int = 0
    quote_rows: list[QuoteFormRow] = []
    quote_form_open: bool = False
    quote_form_error: str = ""
    can_manage_quotes: bool = False
    can_record_payments: bool = False
    payment_rows: list[str] = []
    money_summary: str = ""
    payment_error: str = ""
    files: list[FileItemRow] = []
    upload_visible: bool = True
    upload_error: str = ""
    quote_state: str = ""
    signed: list[str] = []
    has_quote: bool = False
    can_print: bool = False
    can_change_stage: bool = False
    can_send_link: bool = False
    can_manage_links: bool = False
    _version: int = 0
    _published_stage_change: bool = False

    def _order_id_from_url(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "orders" and parts[2].isdigit():
            return int(parts[2])
        return 0

    def _reload(self) -> None:
        settings = get_settings()
        with session_scope() as session:
            detail = order_detail(session, self.current_order_id, settings.secret_key)
            shop = session.get(ShopSettings, 1)
            self.stage_options = [StageOption(str(s.id), s.name) for s in workflow.active_stages(session)]
        if detail is None:
            self.found = False
            return
        self.found = True
        for field in (
            "reference",
            "stage",
            "stage_color",
            "customer_name",
            "customer_email",
            "customer_phone",
            "email_updates",
            "device",
            "serial",
            "problem",
            "intake_condition",
            "location",
            "booked_in",
            "promised",
            "assigned_to",
            "has_quote",
        ):
            setattr(self, field, getattr(detail, field))
        self.stage_id = str(detail.stage_id)
        self._version = detail.version
        self.tracking_url = settings.track_url(detail.tracking_code) if detail.tracking_code else ""
        self.share_text = (
            notifications.share_text(shop.name if shop else "", detail.reference, self.tracking_url)
            if self.tracking_url
            else ""
        )
        self.history = [HistoryRow(h.stage, h.color, h.at, h.by) for h in detail.history]
        self.emails = [EmailRow(e.id, e.template, e.to, e.status, e.when, e.error) for e in detail.emails]
        with session_scope() as session:
            view = quote_decisions.customer_view_of_quote(session, self.current_order_id)
            if view is None:
                self.quote_state, self.quote_summary = "", "No quote sent yet."
            else:
                self.quote_state, self.quote_version = view.status, view.version
                decided = (
                    f" by {view.decided_by_name} ({view.decision_channel}) on {view.decided_at_text}"
                    if view.decided_at_text
                    else ""
                )
                reason = f" Reason: {view.decline_reason}" if view.decline_reason else ""
                self.quote_summary = f"Version {view.version}, total {view.total}: {view.status}{decided}.{reason}"
            self.signed = [
                f"{s.purpose_label}: {s.signer_name}, {s.signed_at_text} (quote v{s.document_version})"
                for s in signatures.signatures_for_order(session, self.current_order_id)
            ]
            view_money = portal_view.portal_view(session, self.current_order_id)
            self.payment_rows = [
                f"{p.date} · {p.method} · {p.amount}" + (" (refund)" if p.refund else "") for p in view_money.payments
            ]
            self.money_summary = (
                f"Total {view_money.total} · paid {view_money.paid} · balance {view_money.balance}"
                if view_money.has_total
                else f"No quote yet · paid {view_money.paid}"
            )
            self.files = [
                FileItemRow(f.id, f.title, f.kind, f.visible, f.size_kb)
                for f in attachments.list_for_order(session, self.current_order_id)
            ]
            shop = session.get(ShopSettings, 1)
            self.thread = [
                ThreadRow(m.id, m.from_customer, m.author, m.body, m.at, m.is_feedback)
                for m in messages.thread(session, self.current_order_id, shop.timezone if shop else "Europe/London")
            ]

    @rx.event
    def load_order(self):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        self.current_order_id = self._order_id_from_url()
        self.can_print = can(identity.role, Action.PRINT_DOCUMENTS)
        self.can_change_stage = can(identity.role, Action.CHANGE_STAGE)
        self.can_send_link = can(identity.role, Action.SEND_PORTAL_LINK)
        self.can_manage_links = can(identity.role, Action.MANAGE_LINKS)
        self.can_manage_quotes = can(identity.role, Action.MANAGE_QUOTES)
        self.can_record_payments = can(identity.role, Action.RECORD_PAYMENTS)
        self.quote_form_open, self.quote_form_error = False, ""
        self._reload()
        return StaffOrderState.start_live if self.found else None

    @rx.event
    async def start_live(self):
        if self._require_staff() is not None and self.current_order_id:
            await live.link_to_order(self, self.current_order_id)

    @rx.event
    def refresh_emails(self):
        if self._require_staff() is None:
            return self._login_redirect()
        self._reload()
        return None

    @rx.event
    async def handle_change_stage(self, form_data: dict):
        result = self._change_stage(form_data)
        if self._published_stage_change:
            self._published_stage_change = False
            await live.publish(self.current_order_id, "stage")
        return result

    def _change_stage(self, form_data: dict):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.CHANGE_STAGE):
            return rx.toast.error("Your role can't change stages.")
        raw = str(form_data.get("stage_id", ""))
        if not raw.isdigit():
            return rx.toast.error("Choose a stage.")
        actor = self._actor(identity)
        with write_session() as session:
            order = session.get(Order, self.current_order_id)
            stage = session.get(Stage, int(raw))
            if order is None or stage is None:
                return rx.toast.error("That order or stage no longer exists.")
            if order.version != self._version:
                self._reload()
                return rx.toast.warning(
                    "Someone else changed this order a moment ago. "
                    "The page now shows their changes; check and try again."
                )
            try:
                workflow.change_stage(session, order, stage, actor)
            except workflow.StageChangeError as exc:
                return rx.toast.error(str(exc))
            emailed = notifications.stage_changed(session, links(), order, stage, actor)
        self._reload()
        self._published_stage_change = True
        return rx.toast.success(f"Moved to “{stage.name}”" + (" — customer emailed." if emailed else "."))

    @rx.event
    def handle_send_link(self):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.SEND_PORTAL_LINK):
            return rx.toast.error("Your role can't send portal links.")
        actor = self._actor(identity)
        with write_session() as session:
            order = session.get(Order, self.current_order_id)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            try:
                notifications.send_portal_link(session, links(), order, actor)
            except NotSent as exc:
                return rx.toast.error(f"Not sent: {exc}")
        self._reload()
        return rx.toast.success(f"Portal link queued for {self.customer_email}.")

    @rx.event
    def handle_copy_link(self):
        if self._require_staff() is None or not self.share_text:
            return rx.toast.error("There is no live link to copy.")
        return [rx.set_clipboard(self.share_text), rx.toast.success("Copied: paste it into SMS or WhatsApp.")]

    @rx.event
    async def handle_reply(self, form_data: dict):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        body = str(form_data.get("reply", ""))[:2000]
        actor = self._actor(identity)
        with write_session() as session:
            order = session.get(Order, self.current_order_id)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            try:
                messages.post_staff_reply(session, order.id, body, identity.name, actor)
            except messages.MessageError as exc:
                return rx.toast.error(str(exc))
            notifications.staff_reply(session, links(), order, actor, body)
        self._reload()
        await live.publish(self.current_order_id, "messages")
        return rx.toast.success("Reply sent.")

    @rx.event
    async def handle_rotate_link(self):
        """Issue a new link (new QR); the old one and every remembered device stop working."""
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.MANAGE_LINKS):
            return rx.toast.error("Your role can't change portal links.")
        with write_session() as session:
            order = session.get(Order, self.current_order_id)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            portal_links.issue_link(session, get_settings().secret_key, order, self._actor(identity))
        self._reload()
        await live.publish(self.current_order_id, "link")
        return rx.toast.success("New link issued. The old link no longer works; print a new ticket if needed.")

    # --- quotes -----------------------------------------------------------------------------

    @rx.event
    def open_quote_form(self):
        """Start from the latest quote's lines (a revision), or from one empty line."""
        if self._require_staff() is None:
            return self._login_redirect()
        with session_scope() as session:
            view = quote_decisions.customer_view_of_quote(session, self.current_order_id)
        self.quote_rows = (
            [
                QuoteFormRow(x.description, str(x.quantity), f"{x.unit_price_minor / 100:.2f}", x.optional)
                for x in view.lines
            ]
            if view
            else [QuoteFormRow("", "1", "", False)]
        )
        self.quote_form_open, self.quote_form_error = True, ""
        return None

    @rx.event
    def close_quote_form(self):
        self.quote_form_open = False

    @rx.event
    def add_quote_row(self):
        if len(self.quote_rows) < 50:
            self.quote_rows = [*self.quote_rows, QuoteFormRow("", "1", "", False)]

    @rx.event
    def remove_quote_row(self, index: int):
        if 0 <= index < len(self.quote_rows):
            self.quote_rows = [r for i, r in enumerate(self.quote_rows) if i != index]

    @rx.event
    def set_quote_cell(self, index: int, field: str, value):
        if not (0 <= index < len(self.quote_rows)) or field not in ("description", "quantity", "price", "optional"):
            return
        rows = list(self.quote_rows)
        row = rows[index]
        clean = (value is True) if field == "optional" else str(value)[:500]
        rows[index] = dataclasses.replace(row, **{field: clean})
        self.quote_rows = rows

    @rx.event
    async def handle_send_quote(self):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.MANAGE_QUOTES):
            return rx.toast.error("Your role can't send quotes.")
        actor = self._actor(identity)
        rows = [quote_builder.FormLine(r.description, r.quantity, r.price, r.optional) for r in self.quote_rows]
        try:
            with write_session() as session:
                order = session.get(Order, self.current_order_id)
                if order is None:
                    return rx.toast.error("That order no longer exists.")
                version, moved = quote_builder.send_new_quote(session, order, rows, actor)
                emailed = notifications.quote_sent(session, links(), order, actor)
        except (quote_builder.QuoteFormError, quotes.QuoteError, quote_decisions.DecisionError) as exc:
            self.quote_form_error = str(exc)
            return None
        self.quote_form_open = False
        self._reload()
        await live.publish(self.current_order_id, "quote")
        note = " Customer emailed." if emailed else ""
        return rx.toast.success(
            f"Quote v{version} sent" + (" and the order moved to Awaiting approval." if moved else ".") + note
        )

    @rx.event
    async def handle_staff_decision(self, outcome: str):
        """The customer said yes/no by phone or at the counter."""
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.MANAGE_QUOTES):
            return rx.toast.error("Your role can't record quote decisions.")
        choices = {"phone-yes": (True, "phone"), "counter-yes": (True, "in_person"), "phone-no": (False, "phone")}
        if outcome not in choices:
            return None
        approved, channel = choices[outcome]
        with write_session() as session:
            from ..models import Customer

            order = session.get(Order, self.current_order_id)
            customer = session.get(Customer, order.customer_id) if order else None
            if order is None or customer is None:
                return rx.toast.error("That order no longer exists.")
            try:
                quote_decisions.record_decision_by_staff(
                    session,
                    order.id,
                    self.quote_version,
                    approved,
                    channel,
                    customer.full_name,
                    self._actor(identity),
                    reason="Told us by phone" if not approved else "",
                )
            except quote_decisions.DecisionError as exc:
                return rx.toast.error(str(exc))
        self._reload()
        await live.publish(self.current_order_id, "quote")
        return rx.toast.success("Decision recorded.")

    @rx.event
    async def handle_payment(self, form_data: dict):
        """Record a payment, or a refund (a negative amount with a reason)."""
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.RECORD_PAYMENTS):
            return rx.toast.error("Your role can't record payments.")
        refund = str(form_data.get("refund", "")).lower() in {"on", "true", "1"}
        try:
            amount = quote_builder.parse_price(str(form_data.get("amount", ""))[:20])
            with write_session() as session:
                order = session.get(Order, self.current_order_id)
                if order is None:
                    return rx.toast.error("That order no longer exists.")
                payments.record_payment(
                    session,
                    order,
                    -amount if refund else amount,
                    str(form_data.get("method", "card")),
                    self._actor(identity),
                    reference=str(form_data.get("reference", ""))[:200],
                    note=str(form_data.get("note", ""))[:2000],
                )
        except (quote_builder.QuoteFormError, payments.PaymentError, ValueError) as exc:
            self.payment_error = str(exc) if not isinstance(exc, ValueError) or str(exc) else "Check the amount."
            return None
        self.payment_error = ""
        self._reload()
        await live.publish(self.current_order_id, "payments")
        return rx.toast.success("Refund recorded." if refund else "Payment recorded.")

    # --- photos and documents ---------------------------------------------------------------

    @rx.event
    def set_upload_visible(self, value: bool):
        self.upload_visible = value is True

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.CHANGE_STAGE):
            return rx.toast.error("Your role can't add files.")
        actor, added, errors = self._actor(identity), 0, []
        files_dir = get_settings().uploads_dir
        for upload in files[:20]:
            data = await upload.read(attachments.MAX_FILE_BYTES + 1)  # the browser's size limit isn't trusted
            try:
                with write_session() as session:
                    order = session.get(Order, self.current_order_id)
                    if order is None:
                        return rx.toast.error("That order no longer exists.")
                    attachments.add_attachment(
                        session,
                        files_dir,
                        order,
                        upload.filename or "file",
                        data,
                        visible=self.upload_visible,
                        actor=actor,
                    )
                added += 1
            except attachments.AttachmentError as exc:
                errors.append(str(exc))
        self.upload_error = " ".join(errors)
        self._reload()
        if added:
            await live.publish(self.current_order_id, "files")
        if not added:
            return rx.toast.error("Nothing was added.")
        return rx.toast.success(f"Added {added} file{'s' if added != 1 else ''}.")

    @rx.event
    async def toggle_file_visible(self, attachment_id: int, visible: bool):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.CHANGE_STAGE):
            return rx.toast.error("Your role can't change files.")
        try:
            with write_session() as session:
                attachments.set_visibility(
                    session, self.current_order_id, int(attachment_id), visible is True, self._actor(identity)
                )
        except attachments.AttachmentError as exc:
            return rx.toast.error(str(exc))
        self._reload()
        await live.publish(self.current_order_id, "files")
        return None
