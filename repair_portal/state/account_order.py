"""/portal/orders/[order_id]: one of the account's orders, shown by the same components and handlers as
the tracking link (state/track.py, state/track_quote.py). Only who may see and act changes: the portal
session from the connection's cookie, the order belonging to the account (and to the user, for a group
that sees only its own), and the group's permission for each part. Parts the group may not see are left
out of the view the browser receives, not just hidden."""

from __future__ import annotations

import asyncio

import reflex as rx

from .. import routes
from ..actions import order_page
from ..db import session_scope
from ..models import Order, Site
from ..services import account_orders, attachments, audit, order_parts, pay_view, service_reports, timefmt
from ..services.account_scope import order_for
from ..services.ids import parse_id
from ..services.portal_auth import PortalIdentity
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .guard import CURRENT_PORTAL, current_portal, form_only, portal_action
from .outcomes import publish, toast_for
from .portal_session import check_portal
from .track import TrackState
from .track_quote import TrackQuoteState
from .uploads import MB, upload_limit

MAX_FILES = 10


class AccountOrderState(TrackQuoteState):
    can_message: bool = False
    can_upload: bool = False
    po_number: str = ""
    site_name: str = ""
    scheduled: str = ""  # when the shop scheduled the job (shop time)
    upload_error: str = ""

    # --- who and which order (overrides of the link's rules) ----------------------------------

    def _require_portal(self, perm=None, *, leave: bool = False, read_only: bool = False):
        return check_portal(self, perm, leave=leave, read_only=read_only)

    def _account(self) -> PortalIdentity:
        return current_portal()

    def _route_order_id(self) -> int | None:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        return parse_id(parts[2]) if len(parts) >= 3 and parts[:2] == ["portal", "orders"] else None

    def _identity(self) -> PortalIdentity | None:
        identity, _ = check_portal(self, None, read_only=True)
        return identity

    def _readable_order(self, session) -> Order | None:
        identity = self._identity()
        return order_for(session, identity, self._route_order_id()) if identity is not None else None

    def _authorised_order(self, session) -> Order | None:
        """Acting needs a real sign-in: a staff preview only reads."""
        identity = self._identity()
        if identity is None or identity.preview:
            return None
        return order_for(session, identity, self._route_order_id())

    def _customer_actor(self, session, order: Order) -> audit.Actor:
        identity = self._identity()
        ip, user_agent = self._client()
        if identity is None:
            return audit.Actor("portal", None, "", ip, user_agent)
        return audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)

    def _part_perms(self, session) -> frozenset[Perm]:
        """This user's group's permissions (the link's rule is the visitor group's)."""
        identity = CURRENT_PORTAL.get() or self._identity()
        return identity.perms if identity is not None else frozenset()

    def _fill_view(self, session, order: Order) -> None:
        """The tracking view of the order, less what this user's group may not see."""
        identity = CURRENT_PORTAL.get() or self._identity()
        perms = identity.perms if identity is not None else frozenset()
        self._order_id = order.id
        preview = bool(identity and identity.preview)
        # A preview sees no Pay button: paying is the user's own act, and a preview can't start one.
        paying = order_parts.may_pay(perms) and not preview
        pay = pay_view.for_order(session, order, get_settings()) if paying else None
        self._show(order_parts.limit_view(self._view_of(session, order), perms, pay))
        reports = (
            service_reports.for_customer(
                session, order.id, lambda report_id: routes.portal_service_report_pdf(order.id, report_id)
            )
            if Perm.FILES_VIEW in perms
            else []
        )
        site = session.get(Site, order.site_id) if order.site_id else None
        self._put(
            preview=preview,
            reference=self.view.reference,
            accent_color=self.view.accent,
            qr_src="",
            docs_base=routes.portal_order_api(order.id),
            service_reports=reports,
            can_message=Perm.MESSAGES_SEND in perms,
            can_upload=Perm.FILES_UPLOAD in perms and not preview,
            po_number=order.po_number,
            site_name=site.name if site is not None and site.customer_id == order.customer_id else "",
            scheduled=timefmt.short(order.scheduled_at, timefmt.shop_timezone(session)),
            tab=self._allowed_tab(self.tab),
        )

    def _load_quote(self, session, order: Order) -> None:
        """The quote, what was signed and what is still to sign, only for a group that may decide quotes: the
        quote tab and the signing card are absent without it, and so is their data."""
        identity = CURRENT_PORTAL.get() or self._identity()
        if identity is not None and identity.may(Perm.QUOTES_DECIDE):
            super()._load_quote(session, order)
            return
        self.has_quote, self.quote_lines, self.signed, self._quote_sha = False, [], [], ""
        self.quote_subtotal = self.quote_tax = self.quote_total = self.quote_notes = self.terms_text = ""
        self.pending_purpose = self.pending_title = self.pending_text = ""
        self.pending_more = 0

    def _view_of(self, session, order: Order):
        from ..services import portal_view

        return portal_view.portal_view(session, order.id)

    # --- events -------------------------------------------------------------------------------

    @rx.event
    @portal_action(None, read_only=True)
    def load_tracking(self):
        """The page's loader (the link's loader name, so the shared handlers come back here)."""
        requested = self.router.url.query_parameters.get("tab", "status")
        self.tab = requested if requested in ("status", "quote", "documents", "messages") else "status"
        self.gate_error = self.notice = self.upload_error = ""
        self.live = False
        identity = self._account()
        if not account_orders.may_list(identity):
            return rx.redirect(routes.PORTAL, replace=True)
        with session_scope() as session:
            order = order_for(session, identity, self._route_order_id())
            if order is None:
                self._clear_order_data()
                self.status = "not_found"
                return None
            self._fill_contact(session, order.id)
            self._fill_view(session, order)
            self.status = "ok"
        return type(self).start_live  # which reads the quote too

    # Reflex binds an inherited handler to the parent state (the link's rules): every handler this page
    # uses is declared here, so it runs on this state, under the account's rules.

    @rx.event
    @portal_action(None, read_only=True)
    async def start_live(self):
        return await TrackState.start_live.fn(self)

    @rx.event
    @portal_action(None, read_only=True)
    async def reload(self):
        return await TrackState.reload.fn(self)

    @rx.event
    @portal_action(None, read_only=True)
    def load_quote(self):
        return TrackQuoteState.load_quote.fn(self)

    @rx.event(background=True)
    @form_only
    async def clear_highlight(self):
        await asyncio.sleep(4)
        async with self:
            self.highlight = ""

    @rx.event
    @form_only
    def open_form(self, which: str):
        return TrackQuoteState.open_form.fn(self, which)

    @rx.event
    @form_only
    def clear_errors(self, field: str):
        return TrackQuoteState.clear_errors.fn(self, field)

    @rx.event
    @form_only
    def prepare_approval(self, form_data: dict):
        return TrackQuoteState.prepare_approval.fn(self, form_data)

    @rx.event
    @form_only
    def prepare_sign(self, form_data: dict):
        return TrackQuoteState.prepare_sign.fn(self, form_data)

    @rx.event
    @portal_action(Perm.MESSAGES_SEND)
    async def handle_message(self, form_data: dict):
        return await self._post(form_data.get("body", ""), is_feedback=False, field_id="message-body")

    @rx.event
    @portal_action(Perm.MESSAGES_SEND)
    async def handle_feedback(self, form_data: dict):
        return await self._post(form_data.get("feedback", ""), is_feedback=True, field_id="feedback-body")

    @rx.event
    @portal_action(Perm.QUOTES_DECIDE)
    async def toggle_line(self, line_id: int, accepted: bool):
        return await TrackQuoteState.toggle_line.fn(self, line_id, accepted)

    @rx.event
    @portal_action(Perm.QUOTES_DECIDE)
    async def finish_approval(self, data_url: str):
        return await TrackQuoteState.finish_approval.fn(self, data_url)

    @rx.event
    @portal_action(Perm.QUOTES_DECIDE)
    async def handle_decline(self, form_data: dict):
        return await TrackQuoteState.handle_decline.fn(self, form_data)

    @rx.event
    @portal_action(Perm.QUOTES_DECIDE)
    async def finish_sign(self, data_url: str):
        return await TrackQuoteState.finish_sign.fn(self, data_url)

    @rx.event
    @portal_action(Perm.FILES_UPLOAD)
    @upload_limit(MAX_FILES * attachments.MAX_FILE_BYTES + MB, portal=True)
    async def handle_upload(self, files: list[rx.UploadFile]):
        """Photos or PDFs from the customer: the same content checks and caps as staff uploads; the shop
        sees them live on the order page."""
        identity = self._account()
        ip, user_agent = self._client()
        actor = audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)
        with session_scope() as session:
            order = order_for(session, identity, self._route_order_id())
            order_id = order.id if order is not None else None
        if order_id is None:
            return type(self).load_tracking
        received = [(u.filename or "file", await u.read(attachments.MAX_FILE_BYTES + 1)) for u in files[:MAX_FILES]]
        files_dir = get_settings().uploads_dir
        outcome = await rx.run_in_thread(lambda: order_page.add_files(files_dir, order_id, received, True, actor))
        extra = [f"Only the first {MAX_FILES} files were taken."] if len(files) > MAX_FILES else []
        self.upload_error = " ".join([outcome.detail, *extra]).strip()
        with session_scope() as session:
            self._fill_view(session, session.get(Order, order_id))
        await publish(outcome, shown_in=self)  # this page has just read its new files
        return toast_for(outcome)
