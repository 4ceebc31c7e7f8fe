"""The shop's look on the portal's sign-in pages (sign in, second step, choose a password): its name,
logo and accent, read from the database by each page's loader. Public facts only."""

from __future__ import annotations

import reflex as rx

from .. import routes
from ..db import session_scope
from ..models import ShopSettings
from ..services import branding, colours
from .guard import public
from .portal_session import PortalSessionState


class PortalBrandState(PortalSessionState):
    shop_name: str = ""
    accent_color: str = branding.DEFAULT_ACCENT
    logo_url: str = ""

    @rx.var
    def accent_surface(self) -> str:
        """The accent where text sits on it (header, buttons): darkened if no text colour reads on it."""
        return colours.surface(self.accent_color)

    @rx.var
    def accent_ink(self) -> str:
        return colours.text_on(colours.surface(self.accent_color))

    @rx.var
    def accent_text(self) -> str:
        return colours.as_text_on_white(self.accent_color)

    def _load_brand(self) -> None:
        with session_scope() as session:
            shop = ShopSettings.current(session)
            self.shop_name = shop.name
            self.accent_color = branding.accent_for(shop, None)
            self.logo_url = routes.branding_logo(0) if branding.logo_for(session, None) else ""

    @rx.event
    @public
    def load_account_brand(self):
        """The shop's public look for the account pages (their guard runs first)."""
        self._load_brand()
