"""/lookup: find an order by reference and last name. The page only reads the shop's public face
(name, colour, logo, phone); the check itself is the HTTP route's (api/lookup.py), which alone sets
the device cookie. The widget for the shop's website (`?embed=1`) is plain HTML: api/widget.py."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from .. import cookies, routes
from ..db import session_scope, write_session
from ..models import Location, ShopSettings
from ..services import branding, colours, order_lookup, portal_access, portal_policy, portal_view
from ..services.ids import is_digits, parse_id
from ..services.staff_auth import portal_previewer
from ..settings import get_settings
from .guard import public
from .staff_session import connection_cookie

ERRORS = {"mismatch": order_lookup.MISMATCH, "incomplete": order_lookup.INCOMPLETE}


class LookupState(rx.State):
    """Only what any visitor of the shop's website may see."""

    status: str = "loading"  # loading, form, link_off (the right name, link switched off), off (portal off)
    error: str = ""
    typed_reference: str = ""  # the reference the last try used, to type the name again only
    shop_name: str = ""
    accent_color: str = branding.DEFAULT_ACCENT
    logo_url: str = ""
    contact: portal_view.ContactView = portal_view.ContactView()
    form_action: str = ""

    @rx.var
    def accent_surface(self) -> str:
        return colours.surface(self.accent_color)

    @rx.var
    def accent_ink(self) -> str:
        return colours.text_on(colours.surface(self.accent_color))

    @rx.var
    def accent_text(self) -> str:
        return colours.as_text_on_white(self.accent_color)

    def _staff_preview(self) -> bool:
        """A signed-in staff member looking at the page while the portal is off (?preview=staff)."""
        if self.router.url.query_parameters.get("preview") != "staff":
            return False
        token = connection_cookie(self, cookies.STAFF_SESSION)
        if token is None:
            return False
        with write_session() as session:
            return portal_previewer(session, get_settings(), token) is not None

    def _error_from(self, params) -> str:
        """What the lookup route answered (it sends the browser back here with `?error=`)."""
        error = str(params.get("error", ""))
        if error == "locked":
            retry = str(params.get("retry", ""))
            return portal_access.blocked_message(int(retry) if is_digits(retry) and len(retry) < 5 else 15)
        return ERRORS.get(error, "")

    @rx.event
    @public
    def load_lookup(self):
        params = self.router.url.query_parameters
        self.error = self._error_from(params)
        self.typed_reference = order_lookup.parse_reference(str(params.get("ref", ""))) or ""
        self.form_action = routes.backend(routes.LOOKUP_POST)
        link_off = params.get("result") == "link_off"
        with session_scope() as session:
            off = portal_policy.portal_off(session)
            shop = ShopSettings.current(session)
            location_id = parse_id(params.get("at")) if link_off else None
            location = session.get(Location, location_id) if location_id else None
            if location is None or not location.active:
                location = session.exec(select(Location).where(Location.active).order_by(Location.id)).first()
            self.shop_name = shop.name
            self.accent_color = branding.accent_for(shop, None)
            self.logo_url = routes.branding_logo(0) if branding.logo_for(session, None) else ""
            self.contact = portal_view.contact_view(location, shop.country)
        if off is not None and not self._staff_preview():
            if off.url:
                return rx.redirect(off.url, replace=True)
            self.status = "off"
            return None
        self.status = "link_off" if link_off else "form"
        return None
