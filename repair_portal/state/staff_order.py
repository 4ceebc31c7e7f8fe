"""The staff order page: what it shows, loading, live refresh and stage changes.

Each card's actions live in a substate of `StaffOrderState` (staff_order_*.py); they call
`_reload()` here after a change so the whole page shows the saved truth.
"""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from .. import live
from ..actions import order_page
from ..db import session_scope, write_session
from ..models import Customer, Location, Order, Quote, StaffUser
from ..services import (
    alerts,
    attachments,
    counter,
    messages,
    order_activity,
    order_job,
    pay_view,
    payments,
    portal_links,
    portal_view,
    quote_builder,
    quote_decisions,
    signed_records,
    sms_views,
    timefmt,
    workflow,
)
from ..services.ids import parse_id
from ..services.order_detail import OrderSummary, order_detail
from ..services.permissions import Action, can
from ..settings import get_settings
from .guard import staff_action
from .outcomes import publish, toast_for
from .script import fill_text_script
from .staff_order_rows import (
    ActivityRow,
    ChoiceOption,
    EmailRow,
    FileItemRow,
    HistoryRow,
    StageOption,
    ThreadRow,
)
from .staff_session import StaffSessionState

TRACKING_URL_ID = "tracking-url"


class StaffOrderState(StaffSessionState):
    found: bool = True
    summary: OrderSummary = OrderSummary()  # the order at a glance, the service's own view
    current_order_id: int = 0
    order_customer_id: int = 0
    stage_id: str = ""
    public_note: str = ""
    internal_note: str = ""
    has_link: bool = False  # the link itself never sits in state: see _link_shown()
    live: bool = False  # joined the order's live channel (browser tests wait for it)
    history: list[HistoryRow] = []
    emails: list[EmailRow] = []
    texts: list[sms_views.TextItem] = []  # bodies with private links blanked
    can_text: bool = False  # the customer's number can take a text (E.164)
    activity: list[ActivityRow] = []
    stage_options: list[StageOption] = []
    staff_options: list[ChoiceOption] = []
    location_options: list[ChoiceOption] = []
    site_options: list[ChoiceOption] = []  # the customer's own sites only (a business account's)
    job_type_options: list[str] = []  # the shop's job types
    has_sites: bool = False  # a business account: the details form asks for the site
    thread: list[ThreadRow] = []
    quote_summary: str = ""
    quote_version: int = 0
    draft_version: int = 0
    payment_rows: list[str] = []
    money_summary: str = ""
    files: list[FileItemRow] = []
    quote_state: str = ""
    signatures: list[signed_records.SignatureRow] = []
    has_quote_signature: bool = False
    counter_choices: list[ChoiceOption] = []  # what the customer can sign at the counter now
    can_print: bool = False
    can_change_stage: bool = False
    can_send_link: bool = False
    can_manage_links: bool = False
    can_manage_quotes: bool = False
    can_record_payments: bool = False
    payment_key: str = ""  # the "Record payment" form's idempotency key (unique, not secret)
    online_payments: list[pay_view.OnlinePaymentRow] = []  # refundable through the provider
    can_edit_details: bool = False
    can_view_as_customer: bool = False
    can_sign_at_counter: bool = False

    def _order_id_from_url(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "orders":
            return parse_id(parts[2]) or 0
        return 0

    def _reload(self) -> None:
        settings = get_settings()
        with session_scope() as session:
            detail = order_detail(session, self.current_order_id, settings.secret_key)
            if detail is None:
                self.found = False
                return
            self.found = True
            tz = timefmt.shop_timezone(session)
            order = session.get(Order, self.current_order_id)
            self.order_customer_id = order.customer_id
            self.can_text = sms_views.textable(session.get(Customer, order.customer_id).phone) is not None
            self.public_note, self.internal_note = order.public_note, order.internal_note
            self.stage_options = [StageOption(str(s.id), s.name) for s in workflow.active_stages(session)]
            self.staff_options = [
                ChoiceOption(str(u.id), u.name)
                for u in session.exec(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
            ]
            self.location_options = [
                ChoiceOption(str(loc.id), loc.name)
                for loc in session.exec(select(Location).where(Location.active).order_by(Location.name))
            ]
            job = order_job.choices(session, order)
            self.site_options = [ChoiceOption(site_id, name) for site_id, name in job.sites]
            self.job_type_options, self.has_sites = job.job_types, job.has_sites
            self.summary = detail.summary
            self.stage_id = str(detail.stage_id)
            self.has_link = detail.tracking_code is not None
            self.history = [HistoryRow(h.stage, h.color, h.at, h.by) for h in detail.history]
            self.emails = [EmailRow(e.id, e.template, e.to, e.status, e.when, e.error) for e in detail.emails]
            self.texts = sms_views.text_items(session, self.current_order_id)
            self._load_quote(session)
            self._load_money(session)
            self.files = [
                FileItemRow(f.id, f.title, f.kind, f.visible, f.size_kb)
                for f in attachments.list_for_order(session, self.current_order_id)
            ]
            self.thread = [
                ThreadRow(m.id, m.from_customer, m.author, m.body, m.at, m.is_feedback, m.by_text)
                for m in messages.thread(session, self.current_order_id, tz)
            ]
            self.activity = [
                ActivityRow(a.at, a.who, a.what, a.icon)
                for a in order_activity.order_activity(session, self.current_order_id, tz)
            ]

    def _load_quote(self, session) -> None:
        draft = quote_builder.current_draft(session, self.current_order_id)
        self.draft_version = draft.version if draft else 0
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
            quote = session.get(Quote, view.quote_id)
            note = f" Note: {quote.decision_note}" if quote is not None and quote.decision_note else ""
            self.quote_summary = f"Version {view.version}, total {view.total}: {view.status}{decided}.{reason}{note}"
        self.signatures = signed_records.rows_for_order(session, self.current_order_id)
        self.has_quote_signature = any(row.quote for row in self.signatures)
        order = session.get(Order, self.current_order_id)
        self.counter_choices = [ChoiceOption(c.purpose, c.title) for c in counter.choices(session, order)]

    def _load_money(self, session) -> None:
        money = portal_view.portal_view(session, self.current_order_id, for_customer=False)
        self.payment_rows = [
            f"{p.date} · {p.method} · {p.amount}" + (" (refund)" if p.refund else "") for p in money.payments
        ]
        self.online_payments = pay_view.online_payment_rows(session, self.current_order_id)
        self.money_summary = (
            f"Total {money.total} · paid {money.paid} · balance {money.balance}"
            if money.has_total
            else f"No quote yet · paid {money.paid}"
        )

    def _order_for_write(self, session) -> Order | None:
        return session.get(Order, self.current_order_id) if self.current_order_id else None

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def load_order(self):
        identity = self._me()
        self.current_order_id = self._order_id_from_url()
        self.live = False
        for flag, action in (
            ("can_print", Action.PRINT_DOCUMENTS),
            ("can_change_stage", Action.CHANGE_STAGE),
            ("can_send_link", Action.SEND_PORTAL_LINK),
            ("can_manage_links", Action.MANAGE_LINKS),
            ("can_manage_quotes", Action.MANAGE_QUOTES),
            ("can_record_payments", Action.RECORD_PAYMENTS),
            ("can_edit_details", Action.EDIT_ORDER_DETAILS),
            ("can_view_as_customer", Action.VIEW_AS_CUSTOMER),
            ("can_sign_at_counter", Action.SIGN_AT_COUNTER),
        ):
            setattr(self, flag, can(identity.role, action))
        self.payment_key = payments.new_payment_key()
        self._reload()
        if not self.found:
            return None
        seen = [a.id for a in self.summary.open_alerts]  # this staff member has now seen what the customer did
        if seen:
            with write_session() as session:
                newly_read = alerts.mark_read(session, identity.user_id, seen)
            if newly_read:
                live.publish_alerts()
        return [StaffOrderState.start_live, self._link_shown()]

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def start_live(self):
        if self.current_order_id:
            await live.link_to_order(self, self.current_order_id)
            self.live = True

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def handle_customer_actions(self):
        """Staff dealt with what the customer did: the order leaves the board's "needs attention"."""
        with write_session() as session:
            if self._order_for_write(session) is None:
                return rx.toast.error("That order no longer exists.")
            count = alerts.handle_order(session, self.current_order_id, self._me().user_id)
        self._reload()
        live.publish_alerts()
        live.publish_board()
        return rx.toast.success("Marked as handled.") if count else None

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def refresh(self):
        """The live channel moved (or the user asked): re-read the order."""
        self._reload()
        return self._link_shown()

    def _tracking_url(self) -> str | None:
        settings = get_settings()
        with session_scope() as session:
            code = portal_links.current_code(session, settings.secret_key, self.current_order_id)
        return settings.track_url(code) if code else None

    def _link_shown(self):
        """The live tracking link, written into the page by a one-off script: a standing credential
        for the customer's order, so it is never a state var (states can sit in Redis)."""
        url = self._tracking_url() if self.has_link else None
        return rx.call_script(fill_text_script(TRACKING_URL_ID, url)) if url else None

    @rx.event
    @staff_action(Action.CHANGE_STAGE)
    async def handle_change_stage(self, form_data: dict):
        identity = self._me()
        actor, order_id, shown = self._actor(identity), self.current_order_id, self.stage_id
        stage_id = parse_id(form_data.get("stage_id"))
        outcome = await rx.run_in_thread(lambda: order_page.change_stage(order_id, stage_id, shown, actor))
        await publish(outcome)  # open pages first: their update runs while this page re-reads in a thread
        if outcome.ok or outcome.stale:
            await rx.run_in_thread(self._reload)
        return toast_for(outcome)
