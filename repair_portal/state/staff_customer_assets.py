"""The customer page's Sites and Assets cards (business accounts): list, add, edit, deactivate a site."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import assets as actions
from ..db import session_scope
from ..models import Customer, CustomerKind, Device, ShopSettings
from ..services import asset_fields, asset_records, assets, sites
from ..services.assets import AssetForm
from ..services.ids import parse_id
from ..services.permissions import Action, can
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState

NO_SITE = "none"  # the site select's "no site" (a select item can't have an empty value)


@dataclasses.dataclass
class SiteView:
    id: int
    name: str
    address: str
    active: bool
    assets: int
    orders: int


@dataclasses.dataclass
class SiteOption:
    value: str
    label: str


@dataclasses.dataclass
class AssetView:
    id: int
    tag: str
    label: str  # make and model, or the type
    kind: str
    serial: str
    site: str
    last_test: str
    last_result: str  # pass, fail, '' (untested)
    open_defects: int


def _asset_view(row: assets.AssetRow) -> AssetView:
    last = row.last_test
    tested = (
        f"{asset_records.RESULT_LABELS.get(last.result, last.result)} · {assets.show_date(last.tested_on)}"
        if last
        else "Not tested"
    )
    return AssetView(
        row.id,
        row.asset_tag,
        row.label,
        row.kind,
        row.serial,
        row.site,
        tested,
        last.result if last else "",
        row.open_defects,
    )


class StaffCustomerAssetsState(StaffSessionState):
    """The customer is the one in the page's URL, read again for every event (never a client argument)."""

    is_business: bool = False
    asset_label: str = "Asset ID"  # the shop's name for an asset's ID (Settings → Portal access)
    can_manage_assets: bool = False
    site_rows: list[SiteView] = []
    site_choices: list[SiteOption] = []  # active sites, for the asset form
    asset_rows: list[AssetView] = []
    # The site dialog.
    site_open: bool = False
    site_edit_id: int = 0
    site_values: dict[str, str] = {}
    site_errors: dict[str, str] = {}
    site_error: str = ""
    site_key: int = 0
    # The asset dialog.
    asset_open: bool = False
    asset_edit_id: int = 0
    asset_values: dict[str, str] = {}
    asset_site: str = NO_SITE
    asset_errors: dict[str, str] = {}
    asset_error: str = ""
    asset_key: int = 0

    def _customer_id(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "customers":
            return parse_id(parts[2]) or 0
        return 0

    def _reload(self) -> None:
        customer_id = self._customer_id()
        with session_scope() as session:
            customer = session.get(Customer, customer_id) if customer_id else None
            self.is_business = customer is not None and customer.kind == CustomerKind.BUSINESS.value
            found = sites.list_sites(session, customer_id) if self.is_business else []
            rows = assets.list_assets(session, customer_id) if self.is_business else []
            current = session.get(Device, self.asset_edit_id) if self.asset_edit_id else None
            self.asset_label = asset_fields.label(ShopSettings.current(session))
        self.site_rows = [SiteView(s.id, s.name, s.address, s.active, s.assets, s.orders) for s in found]
        keep = current.site_id if current is not None and current.customer_id == customer_id else None
        self.site_choices = [
            SiteOption(str(s.id), s.name if s.active else f"{s.name} (inactive)")
            for s in found
            if s.active or s.id == keep
        ]
        self.asset_rows = [_asset_view(r) for r in rows]

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_customer_assets(self):
        self.can_manage_assets = can(self._me().role, Action.MANAGE_ASSETS)
        self.site_open = self.asset_open = False
        self.asset_edit_id = 0
        self._reload()

    async def _run(self, action, *args):
        actor, customer_id = self._actor(self._me()), self._customer_id()
        outcome = await rx.run_in_thread(lambda: action(customer_id, *args, actor))
        self._reload()
        return outcome

    # --- sites --------------------------------------------------------------------------------------------

    def _open_site(self, site_id: int, values: dict) -> None:
        self.site_edit_id, self.site_values = site_id, values
        self.site_errors, self.site_error = {}, ""
        self.site_key += 1
        self.site_open = True

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    def open_add_site(self):
        self._reload()
        if not self.is_business:
            return rx.toast.error("Only business accounts have sites.")
        self._open_site(0, {"name": "", "address": ""})
        return None

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    def open_edit_site(self, site_id: int):
        self._reload()
        row = next((s for s in self.site_rows if s.id == parse_id(site_id)), None)
        if row is None:
            return rx.toast.error("That site no longer exists. Reload the page.")
        self._open_site(row.id, {"name": row.name, "address": row.address})
        return None

    @rx.event
    @form_only
    def set_site_open(self, value: bool):
        self.site_open = value is True

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    async def handle_save_site(self, form_data: dict):
        name = str((form_data or {}).get("name", ""))[:400]
        address = str((form_data or {}).get("address", ""))[:1000]
        self.site_values = {"name": name, "address": address}
        outcome = await self._run(actions.save_site, self.site_edit_id or None, name, address)
        self.site_errors = dict(outcome.errors)
        self.site_error = "" if outcome.ok or outcome.errors else outcome.message
        if not outcome.ok:
            return None
        self.site_open = False
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    async def handle_site_active(self, site_id: int, active: bool):
        return toast_for(await self._run(actions.set_site_active, parse_id(site_id), active is True))

    # --- assets -------------------------------------------------------------------------------------------

    def _open_asset(self, asset_id: int, form: AssetForm) -> None:
        self.asset_edit_id = asset_id
        self._reload()  # the site choices keep this asset's own (perhaps inactive) site
        values = dataclasses.asdict(form)
        site = values.pop("site_id") or ""
        self.asset_values = values
        self.asset_site = site if any(o.value == site for o in self.site_choices) else NO_SITE
        self.asset_errors, self.asset_error = {}, ""
        self.asset_key += 1
        self.asset_open = True

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    def open_add_asset(self):
        self._reload()
        if not self.is_business:
            return rx.toast.error("Only business accounts have assets.")
        self._open_asset(0, AssetForm())
        return None

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    def open_edit_asset(self, asset_id: int):
        with session_scope() as session:
            device = assets.asset_of(session, self._customer_id(), parse_id(asset_id))
            found = (device.id, AssetForm.of(device)) if device is not None else None
        if found is None:
            return rx.toast.error("That asset no longer exists. Reload the page.")
        self._open_asset(*found)
        return None

    @rx.event
    @form_only
    def set_asset_open(self, value: bool):
        self.asset_open = value is True
        if not self.asset_open:
            self.asset_edit_id = 0

    @rx.event
    @form_only
    def set_asset_site(self, value: str):
        self.asset_site = str(value)[:20]

    @rx.event
    @staff_action(Action.MANAGE_ASSETS)
    async def handle_save_asset(self, form_data: dict):
        data = {**(form_data or {}), "site_id": "" if self.asset_site == NO_SITE else self.asset_site}
        form = AssetForm.from_form(data)
        self.asset_values = {k: v for k, v in dataclasses.asdict(form).items() if k != "site_id"}
        outcome = await self._run(actions.save_asset, self.asset_edit_id or None, form)
        self.asset_errors = dict(outcome.errors)
        self.asset_error = "" if outcome.ok or outcome.errors else outcome.message
        if not outcome.ok:
            return None
        self.asset_open, self.asset_edit_id = False, 0
        self._reload()
        return toast_for(outcome)
