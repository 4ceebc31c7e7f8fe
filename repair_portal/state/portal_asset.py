"""/portal/assets/[asset_id]: one of the account's assets, its last test, tests (certificates), defects
(photos) and orders. The asset id comes from the URL and is looked up within the signed-in account only;
another account's id shows "not found" and loads nothing."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import routes
from ..db import session_scope
from ..services import asset_portal
from ..services.ids import parse_id
from ..services.portal_permissions import Perm
from .guard import portal_action
from .portal_assets import AssetCardView, DefectView, _card, _defect
from .portal_session import PortalSessionState


@dataclasses.dataclass
class FactView:
    label: str
    value: str


@dataclasses.dataclass
class TestView:
    id: int
    tested_on: str
    result: str
    result_label: str
    number: str
    notes: str
    certificate_url: str  # '' without a certificate


@dataclasses.dataclass
class OrderView:
    id: int
    reference: str
    booked_in: str
    stage: str


EMPTY = AssetCardView(0, "", "", "", "", "", "", "", "", "", "", 0)


class PortalAssetState(PortalSessionState):
    asset_found: bool = False
    asset_loaded: bool = False
    card: AssetCardView = EMPTY
    facts: list[FactView] = []
    tests: list[TestView] = []
    open_defects: list[DefectView] = []
    fixed_defects: list[DefectView] = []
    asset_orders: list[OrderView] = []
    shows_tests: bool = False
    shows_defects: bool = False
    shows_orders: bool = False

    def _asset_id(self) -> int | None:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "portal" and parts[1] == "assets":
            return parse_id(parts[2])
        return None

    def _clear(self) -> None:
        self.card, self.facts, self.tests = EMPTY, [], []
        self.open_defects, self.fixed_defects, self.asset_orders = [], [], []
        self.shows_tests = self.shows_defects = self.shows_orders = False

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, leave=True, read_only=True)
    def load_asset(self):
        identity = self._account()
        if identity.may(Perm.ORDERS_VIEW_ALL):
            orders_of = None
        elif identity.may(Perm.ORDERS_VIEW_MINE):
            orders_of = identity.user_id
        else:
            orders_of = False
        asset_id = self._asset_id()
        with session_scope() as session:
            page = asset_portal.asset_page(session, identity.customer_id, asset_id, orders_of=orders_of)
        self.asset_loaded = True
        self.asset_found = page is not None
        self._clear()
        if page is None:
            return
        self.card = _card(page.card)
        self.facts = [FactView(f.label, f.value) for f in page.facts]
        self.tests = [
            TestView(
                t.id,
                t.tested_on,
                t.result,
                t.result_label,
                t.number,
                t.notes,
                routes.asset_certificate(page.card.id, t.id, portal=True) if t.has_certificate else "",
            )
            for t in page.tests
        ]
        defects = [_defect(d) for d in page.defects]
        self.open_defects = [d for d in defects if d.open]
        self.fixed_defects = [d for d in defects if not d.open]
        self.asset_orders = [OrderView(o.id, o.reference, o.booked_in, o.stage) for o in page.orders]
        self.shows_tests, self.shows_defects = page.shows_tests, page.shows_defects
        self.shows_orders = orders_of is not False
