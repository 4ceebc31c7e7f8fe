"""The order's portal link: email it, copy it, rotate or revoke it."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..db import session_scope, write_session
from ..services import notifications, portal_links
from ..services.mail import NotSent
from ..services.permissions import Action
from ..services.shop_settings import current_shop
from ..settings import get_settings
from .guard import staff_action
from .mail_links import links
from .staff_order import StaffOrderState


class StaffOrderLinkState(StaffOrderState):
    @rx.event
    @staff_action(Action.SEND_PORTAL_LINK)
    def handle_send_link(self):
        identity, denied = self._require(Action.SEND_PORTAL_LINK, "Your role can't send portal links.")
        if denied:
            return denied
        with write_session() as session:
            order = self._order_for_write(session)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            try:
                notifications.send_portal_link(session, links(), order, self._actor(identity))
            except NotSent as exc:
                return rx.toast.error(f"Not sent: {exc}")
        self._reload()
        return rx.toast.success(f"Portal link queued for {self.customer_email}.")

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def handle_copy_link(self):
        _, denied = self._require(Action.VIEW_ORDERS)
        if denied:
            return denied
        url = self._tracking_url()
        if url is None:
            return rx.toast.error("There is no live link to copy.")
        with session_scope() as session:
            shop_name = current_shop(session).name
        text = notifications.share_text(shop_name, self.reference, url)
        return [rx.set_clipboard(text), rx.toast.success("Copied: paste it into SMS or WhatsApp.")]

    @rx.event
    @staff_action(Action.MANAGE_LINKS)
    async def handle_rotate_link(self):
        """Issue a new link (new QR); the old one and every remembered device stop working."""
        identity, denied = self._require(Action.MANAGE_LINKS, "Your role can't change portal links.")
        if denied:
            return denied
        with write_session() as session:
            order = self._order_for_write(session)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            portal_links.issue_link(session, get_settings().secret_key, order, self._actor(identity))
        self._reload()
        await live.publish(self.current_order_id, "link")
        return [
            self._link_shown(),
            rx.toast.success("New link issued. The old link no longer works; print a new ticket if needed."),
        ]

    @rx.event
    @staff_action(Action.MANAGE_LINKS)
    async def handle_revoke_link(self):
        """Switch the portal off for this order (e.g. a link sent to the wrong person)."""
        identity, denied = self._require(Action.MANAGE_LINKS, "Your role can't change portal links.")
        if denied:
            return denied
        with write_session() as session:
            order = self._order_for_write(session)
            if order is None:
                return rx.toast.error("That order no longer exists.")
            count = portal_links.revoke(session, order.id, self._actor(identity))
        self._reload()
        await live.publish(self.current_order_id, "link")
        if not count:
            return rx.toast.info("There was no live link to revoke.")
        return rx.toast.success("Link revoked. The customer can't open the portal until you issue a new link.")
