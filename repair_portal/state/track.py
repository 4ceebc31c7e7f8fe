"""The customer's tracking page (first version: resolve the link, show the order)."""

from __future__ import annotations

import reflex as rx

from ..db import session_scope, write_session
from ..services import audit, portal_links, tracking
from ..services.portal_links import LinkStatus

PUBLIC_FIELDS = (
    "reference",
    "shop_name",
    "accent_color",
    "booked_in_at",
    "promised_at",
    "stage_label",
    "stage_explanation",
    "stage_position",
    "stage_count",
    "location_name",
    "location_phone",
    "location_email",
    "location_address",
)


class TrackState(rx.State):
    """Everything here is public to whoever holds the link; nothing else is loaded."""

    status: str = "loading"  # loading, ok, not_found, revoked, expired
    reference: str = ""
    shop_name: str = ""
    accent_color: str = "#0f766e"
    booked_in_at: str = ""
    promised_at: str = ""
    stage_label: str = ""
    stage_explanation: str = ""
    stage_position: int = 0
    stage_count: int = 0
    location_name: str = ""
    location_phone: str = ""
    location_email: str = ""
    location_address: str = ""
    qr_src: str = ""

    @rx.var
    def progress_percent(self) -> int:
        if self.stage_count <= 1:
            return 100
        return round(100 * (self.stage_position - 1) / (self.stage_count - 1))

    @rx.var
    def phone_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.location_phone if ch.isdigit() or ch == "+")

    def _code_from_url(self) -> str:
        path = self.router.url.path or ""
        parts = [p for p in path.split("/") if p]
        return parts[1] if len(parts) >= 2 and parts[0] == "track" else ""

    def _fill_contact(self, session, order_id) -> None:
        location = portal_links.contact_location(session, order_id)
        self.location_name = location.name if location else ""
        self.location_phone = location.phone if location else ""
        self.location_email = location.email if location else ""
        self.location_address = location.address if location else ""

    @rx.event
    def load_tracking(self):
        code = self._code_from_url()
        ip = self.router.session.client_ip or ""
        user_agent = (self.router.headers.user_agent or "")[:400]
        with session_scope() as session:
            result = portal_links.resolve(session, code)
            self.status = result.status.value
            if result.status != LinkStatus.OK:
                self._fill_contact(session, result.order_id)
                from ..models import ShopSettings

                shop = session.get(ShopSettings, 1)
                self.shop_name = shop.name if shop else ""
                self.reference = ""
                self.qr_src = ""
                return
            view = tracking.tracking_view(session, result.order_id)
        self.qr_src = f"/api/track/{code}/qr.png"
        # Until the customer portal's access checks exist, show only what the
        # link alone may reveal: no names, device or problem description.
        for field in PUBLIC_FIELDS:
            setattr(self, field, getattr(view, field))
        with write_session() as session:
            audit.record(
                session,
                audit.Actor("customer", None, "tracking link", ip, user_agent),
                "portal.link_viewed",
                order_id=result.order_id,
            )
