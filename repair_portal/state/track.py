"""The customer's tracking page. Every handler re-derives the order from the URL and the device's
verification (server-side); nothing a browser sends can choose another order."""

from __future__ import annotations

import asyncio

import reflex as rx

from .. import cookies, live, routes
from ..actions import portal
from ..db import session_scope, write_session
from ..live import LiveState
from ..models import Customer, Order, ShopSettings
from ..services import (
    audit,
    branding,
    colours,
    order_parts,
    pay_view,
    portal_access,
    portal_links,
    portal_permissions,
    portal_policy,
    portal_view,
    service_reports,
)
from ..services.ids import is_digits
from ..services.messages import ThreadItem
from ..services.portal_links import LinkStatus
from ..services.portal_permissions import Perm
from ..services.service_reports import ServiceReportView
from ..services.staff_auth import StaffIdentity, portal_previewer
from ..settings import get_settings
from .guard import CURRENT_ORDER, customer_action, form_only, public
from .outcomes import publish, toast_keeping_typed
from .script import focus_script
from .staff_session import client_of, connection_cookie

TABS = ("status", "quote", "documents", "messages")


class TrackState(rx.State):
    """What the customer's browser holds: only this order's public-facing data, after the access check."""

    status: str = "loading"  # loading, gate, ok, not_found, revoked, expired, portal_off
    tab: str = "status"
    gate_error: str = ""
    notice: str = ""
    reference: str = ""  # shown on the gate too, before the order's view
    # The order as its customer may see it, in three vars so that a change sends only its part:
    view: portal_view.PortalView = portal_view.PortalView()  # the rest (its stage and messages left empty)
    stage: portal_view.StageView = portal_view.StageView()  # the stage and timeline (a live stage change)
    thread: list[ThreadItem] = []  # the messages (a new message)
    # The shop and the location to contact: on every page, a broken link's included.
    shop_name: str = ""
    accent_color: str = "#0f766e"

    @rx.var
    def accent_surface(self) -> str:
        """The accent where text sits on it (header, buttons): darkened if no text colour reads on it."""
        return colours.surface(self.accent_color)

    @rx.var
    def accent_ink(self) -> str:
        """Text on the accent: white or near-black, whichever reads."""
        return colours.text_on(colours.surface(self.accent_color))

    @rx.var
    def accent_text(self) -> str:
        """The accent darkened enough to be read as text on white."""
        return colours.as_text_on_white(self.accent_color)

    contact: portal_view.ContactView = portal_view.ContactView()
    logo_url: str = ""
    preview: bool = False  # a staff member viewing as the customer: read-only, verification untouched
    qr_src: str = ""
    docs_base: str = ""
    highlight: str = ""  # the part that just changed live: stage, files, payments, messages
    live: bool = False  # joined the order's live channel (browser tests wait for it)
    service_reports: list[ServiceReportView] = []
    _order_id: int = 0
    _view_version: int = 0  # the order's version when `view` was read (a live fill never goes back in time)

    # --- helpers (not events) ---------------------------------------------------------------

    def _code(self) -> str:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        return parts[1] if len(parts) >= 2 and parts[0] == "track" else ""

    def _client(self) -> tuple[str, str]:
        return client_of(self)

    def _staff_previewer(self) -> StaffIdentity | None:
        """A signed-in staff member allowed to view the portal as the customer, asking for ?preview=staff.

        The staff session cookie arrives with the websocket handshake; it is checked against the
        database like on any staff page."""
        if self.router.url.query_parameters.get("preview") != "staff":
            return None
        token = connection_cookie(self, cookies.STAFF_SESSION)
        if token is None:
            return None
        with write_session() as session:
            return portal_previewer(session, get_settings(), token)

    def _readable_order(self, session) -> Order | None:
        """The order this tab may read: the customer's authorised order, or the previewed one."""
        if not self.preview:
            return self._authorised_order(session)
        result = portal_links.resolve(session, self._code())
        if result.status != LinkStatus.OK or self._staff_previewer() is None:
            return None
        return session.get(Order, result.order_id)

    def _authorised_order(self, session) -> Order | None:
        """The order this tab may act on: live link from the URL and, unless link-only, this device verified.

        Never in a staff preview: a preview only reads; never while the shop has the portal switched off."""
        if self.preview or portal_policy.portal_off(session) is not None:
            return None
        result = portal_links.resolve(session, self._code())
        if result.status != LinkStatus.OK:
            return None
        order = session.get(Order, result.order_id)
        if order is None or not portal_access.can_view(session, order, self._device()):
            return None
        return order

    def _part_perms(self, session) -> frozenset[Perm]:
        """What this page's parts may show and do: for an order's link (and a staff preview of it, which
        shows what the customer sees), the built-in "Non-portal visitor" group as stored right now."""
        return portal_permissions.visitor_perms(session)

    def _customer_actor(self, session, order: Order) -> audit.Actor:
        """The customer of an authorised order, as the audit trail records them."""
        customer = session.get(Customer, order.customer_id)
        ip, user_agent = self._client()
        return audit.Actor("customer", customer.id, customer.full_name, ip, user_agent)

    def _fill_contact(self, session, order_id) -> None:
        location = portal_links.contact_location(session, order_id)
        location_id = location.id if location else 0
        self.logo_url = routes.branding_logo(location_id) if branding.logo_for(session, location_id) else ""
        shop = ShopSettings.current(session)
        self.shop_name = shop.name
        self.accent_color = branding.accent_for(shop, location)
        self.contact = portal_view.contact_view(location, shop.country)

    def _clear_order_data(self) -> None:
        self._show(portal_view.PortalView())
        self._put(reference="", qr_src="", docs_base="", service_reports=[])
        self._order_id, self._view_version = 0, 0

    def _put(self, **values) -> None:
        """Set these vars, each only if its value differs: Reflex sends every var set, changed or not."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _show(self, view: portal_view.PortalView) -> None:
        """Put the order's view on the page, in its three parts, each sent only if it changed."""
        rest, stage, thread = portal_view.split(view)
        self._put(view=rest, stage=stage, thread=thread)

    def _value(self, name: str):
        """A var's value itself (Reflex hands out lists and dataclasses wrapped, to track changes in place)."""
        value = getattr(self, name)
        return getattr(value, "__wrapped__", value)

    def _shown(self) -> portal_view.PortalView:
        """The whole view the page shows."""
        return portal_view.join(self._value("view"), self._value("stage"), self._value("thread"))

    def _fill_view(self, session, order: Order) -> None:
        """The order as its customer sees it, less the parts the visitor group may not see (left out of
        the data itself)."""
        code = self._code()
        perms = self._part_perms(session)
        self._order_id, self._view_version = order.id, order.version
        pay = pay_view.for_order(session, order, get_settings()) if order_parts.may_pay(perms) else None
        self._show(order_parts.limit_view(portal_view.portal_view(session, order.id), perms, pay))
        reports = (
            service_reports.for_customer(
                session, order.id, lambda report_id: routes.track_service_report_pdf(code, report_id)
            )
            if Perm.FILES_VIEW in perms
            else []
        )
        self._put(
            reference=self.view.reference,
            accent_color=self.view.accent,
            qr_src=routes.track_api(code, "/qr.png"),
            docs_base=routes.track_api(code),
            service_reports=reports,
            tab=self._allowed_tab(self.tab),
        )

    def _allowed_tab(self, tab: str) -> str:
        """Tabs of parts the shop switched off can't be opened, even with ?tab=."""
        enabled = {
            "status": True,
            "quote": self.view.show_quote,
            "documents": self.view.show_photos or self.view.show_documents,
            "messages": self.view.show_messages,
        }
        return tab if enabled.get(tab, False) else "status"

    def _device(self) -> str | None:
        """This browser's remembered-device cookie, as the current connection carries it."""
        return connection_cookie(self, cookies.DEVICE)

    def _gate_message(self) -> str:
        """What the last-name route answered (it sends the browser back here with `?gate=`)."""
        params = self.router.url.query_parameters
        if params.get("gate") == "locked":
            retry = str(params.get("retry", ""))
            return portal_access.blocked_message(int(retry) if is_digits(retry) and len(retry) < 5 else 15)
        return portal_access.GENERIC_MISMATCH if params.get("gate") == "mismatch" else ""

    @rx.var
    def verify_action(self) -> str:
        """Where the gate's form posts (an HTTP route: it alone writes the HttpOnly device cookie)."""
        return routes.backend(routes.track_verify_post(self.code)) if self.code else ""

    # --- events -----------------------------------------------------------------------------

    @rx.event
    @public
    def load_tracking(self):
        """Opening a link changes nothing (mail scanners open links): it only reads, and audits the view."""
        requested = self.router.url.query_parameters.get("tab", "status")
        self.tab = requested if requested in TABS else "status"
        self.gate_error = self.notice = ""
        self.live = False
        ip, user_agent = self._client()
        previewer = self._staff_previewer()
        self.preview = previewer is not None
        with session_scope() as session:
            off = portal_policy.portal_off(session) if previewer is None else None
            if off is not None:  # the shop switched the portal off: its address, or "call us"
                self._clear_order_data()
                self._fill_contact(session, None)
                self.status = "portal_off"
                return rx.redirect(off.url, replace=True) if off.url else None
            result = portal_links.resolve(session, self._code())
            self._fill_contact(session, result.order_id)
            if result.status != LinkStatus.OK:
                self.status = result.status.value
                self._clear_order_data()
                return
            order = session.get(Order, result.order_id)
            if previewer is None and not portal_access.can_view(session, order, self._device()):
                self._clear_order_data()
                self.reference = order.reference
                self.gate_error = self._gate_message()
                self.status = "gate"
                return
            self._fill_view(session, order)
            self.status = "ok"
        if previewer is not None:
            actor = audit.Actor("staff", previewer.user_id, previewer.email, ip, user_agent)
            viewed = "order.viewed_as_customer"
        else:
            actor = audit.Actor("customer", None, "tracking link", ip, user_agent)
            viewed = "portal.link_viewed"
        with session_scope() as session:
            seen = audit.viewed_recently(session, actor, viewed, result.order_id)
        if not seen:
            with write_session() as session:
                audit.record(session, actor, viewed, order_id=result.order_id)
        if self.router.url.query_parameters.get("verified") == "1":
            # Just through the last-name check: the focus goes to the order's heading, the URL loses the flag.
            forget = (
                "(function(){const u=new URL(location.href);u.searchParams.delete('verified');"
                "history.replaceState(history.state,'',u.toString());})();"
            )
            return [type(self).start_live, rx.call_script(forget + focus_script("stage-label"))]
        return type(self).start_live

    @rx.event
    @customer_action(read_only=True)
    async def start_live(self):
        """Join the order's live channel, only after the access check passed on the server."""
        with session_scope() as session:
            order = self._readable_order(session)
        if order is None:
            return None
        await live.link_to_order(self, order.id)
        self.live = True
        # Read again now that changes reach this tab: one made since the page's first read isn't missed
        # (only what differs is sent), and the quote is read. Whatever this tab was nudged about is read now.
        (await self.get_state(LiveState))._take_changed()
        return self._reread([])

    @rx.event
    @customer_action(read_only=True)
    async def reload(self):
        """Re-read from the database what the live update says changed (everything when it doesn't say):
        a stage change re-reads only the stage and timeline."""
        parts = (await self.get_state(LiveState))._take_changed()
        return self._reread(parts)

    def _reread(self, parts: list[str]):
        before = self._shown()
        with session_scope() as session:
            checked = CURRENT_ORDER.get()  # this event's guard has just checked the access
            order = session.get(Order, checked) if checked else self._readable_order(session)
            if order is None:
                return type(self).load_tracking
            if parts == ["stage"] and self.status == "ok" and self._order_id == order.id:
                self._show(portal_view.with_new_stage(session, self._shown(), order))
                self._view_version = order.version
            else:
                self._fill_view(session, order)
        followers = [] if parts == ["stage"] else [self._quote_loader()]
        part = portal_view.what_changed(before, self._shown()) if self.status == "ok" else None
        if part is None:
            return followers or None
        self.highlight = part
        message = portal_view.change_notice(part, self._shown())
        return [rx.toast.info(message), type(self).clear_highlight, *followers]

    def _quote_loader(self):
        from .track_quote import TrackQuoteState

        return getattr(type(self), "load_quote", None) or TrackQuoteState.load_quote

    @rx.event(background=True)
    @form_only
    async def clear_highlight(self):
        await asyncio.sleep(4)
        async with self:
            self.highlight = ""

    @rx.event
    @customer_action(read_only=False, perm=Perm.MESSAGES_SEND)
    async def handle_message(self, form_data: dict):
        return await self._post(form_data.get("body", ""), is_feedback=False, field_id="message-body")

    @rx.event
    @customer_action(read_only=False, perm=Perm.MESSAGES_SEND)
    async def handle_feedback(self, form_data: dict):
        return await self._post(form_data.get("feedback", ""), is_feedback=True, field_id="feedback-body")

    def _client_of(self) -> portal.Client:
        return portal.Client(*self._client())

    def _acting_order_id(self) -> int | None:
        """The order this browser may act on now (the guard checked it a moment ago; re-read, not kept)."""
        with session_scope() as session:
            order = self._authorised_order(session)
            return order.id if order is not None else None

    async def _post(self, body, *, is_feedback: bool, field_id: str):
        order_id, client = self._acting_order_id(), self._client_of()
        if order_id is None:
            return type(self).load_tracking
        outcome = await rx.run_in_thread(
            lambda: portal.post_message(order_id, str(body), client, is_feedback=is_feedback)
        )
        if outcome.ok:  # the guard allowed sending, which is what shows the thread: only the thread is re-read
            with session_scope() as session:
                self._put(thread=portal_view.customer_thread(session, order_id))
        await publish(outcome, shown_in=self)  # this page has just read its new message
        return toast_keeping_typed(outcome, field_id, str(body))
