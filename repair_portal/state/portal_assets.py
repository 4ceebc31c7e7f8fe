"""/portal/assets (the account's assets and defects) and /portal/assets/[asset_id] (one asset).

Every handler needs "Assets: see" (`@portal_action(Perm.ASSETS_VIEW)`) and reads only the signed-in
account's assets (`self._account().customer_id`); the services read only the fields the shop shows, so
nothing else reaches these vars."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import routes
from ..db import session_scope
from ..services import asset_portal
from ..services.ids import parse_id
from ..services.portal_permissions import Perm
from .guard import form_only, portal_action
from .portal_session import PortalSessionState

ALL = "all"  # a filter's "any" (a select item can't have an empty value)
MAX_TYPED_SEARCH = 1000  # a search is clipped only far above its limit: the service refuses an over-long one


@dataclasses.dataclass
class Option:
    value: str
    label: str


@dataclasses.dataclass
class AssetCardView:
    id: int
    href: str
    title: str
    kind: str
    make_model: str
    serial: str
    customer_ref: str
    site: str
    warranty_until: str
    last_test: str
    last_result: str
    open_defects: int


@dataclasses.dataclass
class PhotoLink:
    id: int
    url: str


@dataclasses.dataclass
class DefectView:
    id: int
    asset_href: str
    asset_title: str
    severity: str
    severity_label: str
    description: str
    found_on: str
    open: bool
    fixed_on: str
    photos: list[PhotoLink]


def _card(card: asset_portal.AssetCard) -> AssetCardView:
    return AssetCardView(
        id=card.id,
        href=routes.portal_asset(card.id),
        **{f.name: getattr(card, f.name) for f in dataclasses.fields(card) if f.name != "id"},
    )


def _defect(line: asset_portal.DefectLine) -> DefectView:
    return DefectView(
        id=line.id,
        asset_href=routes.portal_asset(line.asset_id),
        asset_title=line.asset_title,
        severity=line.severity,
        severity_label=line.severity_label,
        description=line.description,
        found_on=line.found_on,
        open=line.status == "open",
        fixed_on=line.fixed_on,
        photos=[PhotoLink(p, routes.defect_photo(line.asset_id, p, portal=True)) for p in line.photo_ids],
    )


def _options(choices) -> list[Option]:
    return [Option(c.value, c.label) for c in choices]


class PortalAssetsState(PortalSessionState):
    asset_label: str = "Asset ID"
    shows_site: bool = False
    shows_kind: bool = False
    shows_tests: bool = False
    shows_defects: bool = False
    cards: list[AssetCardView] = []
    assets_total: int = 0
    asset_search: str = ""  # the search the list was read with (a refused one is never run)
    asset_search_error: str = ""
    search_key: int = 0  # a new key redraws the (uncontrolled) search box empty after "Clear filters"
    site_filter: str = ALL
    kind_filter: str = ALL
    status_filter: str = ALL
    site_options: list[Option] = []
    kind_options: list[Option] = []
    status_options: list[Option] = []
    assets_tab: str = "assets"  # assets, defects
    defect_rows: list[DefectView] = []
    defect_search: str = ""
    defect_search_error: str = ""
    defect_status: str = "open"  # open, fixed, all
    assets_loaded: bool = False

    @rx.var
    def assets_summary(self) -> str:
        if self.assets_total == 0:
            return "No assets match."
        shown = len(self.cards)
        many = "asset" if self.assets_total == 1 else "assets"
        return f"{self.assets_total} {many}" + (f" (first {shown} shown)" if shown < self.assets_total else "")

    def _reload(self) -> None:
        customer_id = self._account().customer_id
        with session_scope() as session:
            view = asset_portal.view_of(session)
            found = asset_portal.asset_list(
                session,
                customer_id,
                search=self.asset_search,
                site_id=parse_id(self.site_filter) if self.site_filter != ALL else None,
                kind="" if self.kind_filter == ALL else self.kind_filter,
                status="" if self.status_filter == ALL else self.status_filter,
                view=view,
            )
            defects = asset_portal.defect_list(
                session,
                customer_id,
                search=self.defect_search,
                status="" if self.defect_status == ALL else self.defect_status,
                view=view,
            )
        self.asset_label = view.label
        self.shows_site, self.shows_kind = view.shows("site"), view.shows("kind")
        self.shows_tests, self.shows_defects = view.shows("tests"), view.shows("defects")
        self.cards, self.assets_total = [_card(c) for c in found.cards], found.total
        self.site_options, self.kind_options = _options(found.sites), _options(found.kinds)
        self.status_options = _options(found.statuses)
        self.defect_rows = [_defect(d) for d in defects]
        if not self.shows_defects:
            self.assets_tab = "assets"
        self.assets_loaded = True

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, leave=True, read_only=True)
    def load_assets(self):
        self.asset_search, self.defect_search = "", ""
        self.asset_search_error = self.defect_search_error = ""
        self.site_filter = self.kind_filter = self.status_filter = ALL
        self.defect_status = "open"
        wanted = self.router.url.query_parameters.get("tab", "")  # ?tab=defects: the defects list first
        self.assets_tab = "defects" if wanted == "defects" else "assets"
        self._reload()

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, read_only=True)
    def handle_asset_search(self, value: str):
        text = str(value)[:MAX_TYPED_SEARCH]
        self.asset_search_error = asset_portal.search_problem(text) or ""
        if self.asset_search_error:
            return  # refused, never cut: the list stays as it was, the box keeps what was typed
        self.asset_search = text
        self._reload()

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, read_only=True)
    def set_asset_filter(self, name: str, value: str):
        text = str(value)[:60]
        if name == "site":
            self.site_filter = text if text == ALL or parse_id(text) else ALL
        elif name == "kind":
            self.kind_filter = text
        elif name == "status":
            self.status_filter = text
        self._reload()

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, read_only=True)
    def clear_asset_filters(self):
        self.asset_search = self.asset_search_error = ""
        self.search_key += 1
        self.site_filter = self.kind_filter = self.status_filter = ALL
        self._reload()

    @rx.event
    @form_only
    def set_assets_tab(self, value: str):
        self.assets_tab = "defects" if value == "defects" else "assets"

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, read_only=True)
    def handle_defect_search(self, value: str):
        text = str(value)[:MAX_TYPED_SEARCH]
        self.defect_search_error = asset_portal.search_problem(text) or ""
        if self.defect_search_error:
            return  # refused, never cut: the list stays as it was, the box keeps what was typed
        self.defect_search = text
        self._reload()

    @rx.event
    @portal_action(Perm.ASSETS_VIEW, read_only=True)
    def set_defect_status(self, value: str):
        self.defect_status = value if value in ("open", "fixed", ALL) else "open"
        self._reload()
