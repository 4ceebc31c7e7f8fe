"""Settings → Locations: the list, one editor (new or existing), logos, deactivate/reactivate."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import routes
from ..db import session_scope, write_session
from ..integrations.images import ImageRejected
from ..models import Location, ShopSettings
from ..services import branding, colours, deposits, locations, phones
from ..services.hours import DAYS
from ..services.ids import parse_id
from ..services.locations import INHERIT, LocationForm
from ..services.permissions import Action, can
from ..services.shop_settings import ACCESS_MODES
from ..settings import get_settings
from .guard import form_only, staff_action
from .staff_session import StaffSessionState
from .uploads import MB, upload_limit

DENIED = "Only owners and managers can change settings."
# The deposit override's fields are saved only for owners (Action.MANAGE_PAYMENTS), like Settings → Payments.
TEXT_FIELDS = ("name", "phone", "email", "address", "accent_color", "welcome_message", "access_mode")
TEXT_FIELDS += (*locations.DEPOSIT_FIELDS, "timezone")
INHERIT_CHOICE = "inherit"  # what the access-mode select sends for "same as the shop" (Radix needs a value)
CHOICES = ("access_mode", "deposit_rule", "deposit_required", "timezone")  # selects: INHERIT_CHOICE is the shop's
DEFAULT_OPEN, DEFAULT_CLOSE = "09:00", "17:30"


def _as_id(value) -> int:
    """A location id from the browser (any client can send anything): a positive int, or 0."""
    return parse_id(value) or 0


@dataclasses.dataclass
class LocationCard:
    id: int
    name: str
    phone: str
    email: str
    address: str
    active: bool
    open_orders: int
    has_logo: bool
    accent_color: str
    own_accent: bool
    hours: str  # "Monday 09:00–17:30 · Tuesday …" or ""
    logo_url: str


class StaffLocationsState(StaffSessionState):
    rows: list[LocationCard] = []
    shop_accent: str = branding.DEFAULT_ACCENT
    shop_access_label: str = ""
    shop_deposit_label: str = ""  # "25 % deposit, optional": what "Use the shop's rule" means
    shop_has_logo: bool = False
    shop_timezone: str = ""  # what "Use the shop's" means in the time zone select
    timezone_choices: list[str] = list(locations.COMMON_TIMEZONES)
    editing: bool = False
    editing_id: int = 0  # 0: a new location
    values: dict[str, str] = dict.fromkeys(TEXT_FIELDS, "")
    own_accent: bool = False
    hours_closed: dict[str, bool] = dict.fromkeys(DAYS, True)
    hours_open: dict[str, str] = dict.fromkeys(DAYS, "")
    hours_close: dict[str, str] = dict.fromkeys(DAYS, "")
    errors: dict[str, str] = {}
    conflict: str = ""
    edit_has_logo: bool = False
    logo_version: str = ""
    logo_error: str = ""
    _original: dict = {}
    _may_edit: bool = False
    _country: str = phones.DEFAULT_REGION  # the shop's: reads the phone number typed into the editor

    @rx.var
    def accent_preview(self) -> str:
        if not self.own_accent:
            return self.shop_accent
        return colours.normalise(self.values.get("accent_color", "")) or self.shop_accent

    @rx.var
    def accent_warning(self) -> str:
        error, warning = colours.accent_problem(self.accent_preview)
        return error or warning

    @rx.var
    def edit_logo_url(self) -> str:
        """The logo the portal shows for this location: its own, else the shop's."""
        if self.edit_has_logo:
            return routes.branding_logo(self.editing_id, self.logo_version)
        return routes.branding_logo(0) if self.shop_has_logo else ""

    # --- helpers (not events) ---------------------------------------------------------------

    def _reload_list(self) -> None:
        with session_scope() as session:
            rows = locations.list_locations(session)
            shop = ShopSettings.current(session)
            shop_logo = branding.logo_for(session, None)
        self._country = phones.region_or_default(shop.country)
        self.shop_accent = branding.accent_for(shop, None)
        self.shop_access_label = ACCESS_MODES.get(shop.access_mode, shop.access_mode)
        self.shop_deposit_label = deposits.describe(deposits.deposit_rule_for(shop), shop.currency)
        self.shop_has_logo = shop_logo is not None
        self.shop_timezone = shop.timezone
        self.rows = [
            LocationCard(
                id=r.id,
                name=r.name,
                phone=r.phone,
                email=r.email,
                address=r.address,
                active=r.active,
                open_orders=r.open_orders,
                has_logo=r.has_logo,
                accent_color=r.accent_color,
                own_accent=r.own_accent,
                hours=" · ".join(f"{day[:3]} {span}" for day, span in r.hours),
                logo_url=routes.branding_logo(r.id) if r.has_logo or shop_logo else "",
            )
            for r in rows
        ]

    def _show(self, form: LocationForm) -> None:
        self.values = {
            "name": form.name,
            "phone": phones.display(form.phone, self._country),  # typed the way it is read
            "email": form.email,
            "address": form.address,
            "accent_color": form.accent_color or self.shop_accent,
            "welcome_message": form.welcome_message,
            **{name: getattr(form, name) or INHERIT_CHOICE for name in CHOICES},
            "deposit_value": form.deposit_value,
        }
        self.own_accent = form.accent_color != INHERIT
        self.hours_closed = {day: form.hours.get(day) is None for day in DAYS}
        self.hours_open = {day: (form.hours.get(day) or (DEFAULT_OPEN, ""))[0] for day in DAYS}
        self.hours_close = {day: (form.hours.get(day) or ("", DEFAULT_CLOSE))[1] for day in DAYS}

    def _draft(self) -> LocationForm:
        choice = {name: self.values.get(name, INHERIT_CHOICE) for name in CHOICES}
        return LocationForm(
            name=self.values.get("name", ""),
            phone=self.values.get("phone", ""),
            email=self.values.get("email", ""),
            address=self.values.get("address", ""),
            hours={
                day: None if self.hours_closed.get(day, True) else (self.hours_open[day], self.hours_close[day])
                for day in DAYS
            },
            accent_color=self.values.get("accent_color", "") if self.own_accent else INHERIT,
            welcome_message=self.values.get("welcome_message", ""),
            **{name: INHERIT if value == INHERIT_CHOICE else value for name, value in choice.items()},
            deposit_value=self.values.get("deposit_value", ""),
        )

    def _open_editor(self, location_id: int, form: LocationForm, logo_path: str | None) -> None:
        self.editing_id = location_id
        self.timezone_choices = locations.timezone_choices(form.timezone)
        self._show(form)
        self._original = dataclasses.asdict(form)
        self.edit_has_logo, self.logo_version = bool(logo_path), (logo_path or "")[5:13]
        self.errors, self.conflict, self.logo_error = {}, "", ""
        self.editing = True

    # --- events -----------------------------------------------------------------------------

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_locations(self):
        self._may_edit = True
        self.editing = False
        self._reload_list()
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def open_new(self):
        with session_scope() as session:
            form = locations.new_form(session)
            self._country = phones.shop_region(session)
        self._open_editor(0, form, None)
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def open_edit(self, location_id: int):
        with session_scope() as session:
            location = session.get(Location, _as_id(location_id))
            if location is None:
                self._reload_list()
                return rx.toast.error("That location no longer exists.")
            form, logo_path = locations.form_for(location), location.logo_path
            self._country = phones.shop_region(session)
        self._open_editor(location.id, form, logo_path)
        return None

    @rx.event
    @form_only
    def set_editor_open(self, is_open: bool):
        if is_open is not True:
            self.editing = False

    @rx.event
    @form_only
    def set_value(self, name: str, value: str):
        if self._may_edit and self.editing and isinstance(name, str) and name in TEXT_FIELDS:
            self.values[name] = str(value)[:2500]
            self.errors.pop(name, None)

    @rx.event
    @form_only
    def set_own_accent(self, value: bool):
        if self._may_edit and self.editing:
            self.own_accent = value is True
            self.errors.pop("accent_color", None)

    @rx.event
    @form_only
    def set_closed(self, day: str, closed: bool):
        if self._may_edit and self.editing and day in DAYS:
            self.hours_closed[day] = closed is True
            if closed is not True:
                self.hours_open[day] = self.hours_open.get(day) or DEFAULT_OPEN
                self.hours_close[day] = self.hours_close.get(day) or DEFAULT_CLOSE
            self.errors.pop(f"hours_{day}", None)

    @rx.event
    @form_only
    def set_time(self, day: str, which: str, value: str):
        if self._may_edit and self.editing and day in DAYS and which in ("open", "close"):
            target = self.hours_open if which == "open" else self.hours_close
            target[day] = str(value)[:5]
            self.errors.pop(f"hours_{day}", None)

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save(self):
        identity = self._me()
        if not self.editing:
            return rx.toast.error("Open the location again: nothing was saved.")
        mine, actor, created_name = self._draft(), self._actor(identity), ""
        if not can(identity.role, Action.MANAGE_PAYMENTS):  # deposits are the owner's (Settings → Payments)
            mine = locations.keep_deposit(mine, LocationForm(**self._original) if self.editing_id else LocationForm())
        try:
            with write_session() as session:
                if self.editing_id:
                    original = LocationForm(**self._original)
                    changed = locations.update_location(session, self.editing_id, mine, original=original, actor=actor)
                else:
                    created_name = locations.create_location(session, mine, actor).name
                    changed = ["created"]
        except locations.LocationInvalid as exc:
            self.errors = exc.errors
            return rx.toast.error("Not saved: " + str(exc))
        except locations.LocationConflict as exc:
            with session_scope() as session:
                theirs = locations.form_for(session.get(Location, self.editing_id))
                self._country = phones.shop_region(session)
            self._show(locations.rebase(LocationForm(**self._original), mine, theirs, self._country))
            self._original = dataclasses.asdict(theirs)
            self.conflict, self.errors = str(exc), {}
            self._reload_list()
            return rx.toast.warning(exc.toast)
        except locations.LocationError as exc:
            self.editing = False
            self._reload_list()
            return rx.toast.error(str(exc))
        self.editing = False
        self._reload_list()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        if created_name:
            return rx.toast.success(f"Added {created_name}.")
        return rx.toast.success("Saved. The portal uses the new details now.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_deactivate(self, location_id: int):
        identity = self._me()
        try:
            with write_session() as session:
                open_orders = locations.deactivate_location(session, _as_id(location_id), self._actor(identity))
        except locations.LocationError as exc:
            self._reload_list()
            return rx.toast.error(str(exc))
        self._reload_list()
        if open_orders:
            return rx.toast.success(
                f"Deactivated. Its {open_orders} open order{'s stay' if open_orders != 1 else ' stays'} "
                "there until finished; new orders can't be booked into it."
            )
        return rx.toast.success("Deactivated. New orders can't be booked into it.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_reactivate(self, location_id: int):
        identity = self._me()
        try:
            with write_session() as session:
                locations.reactivate_location(session, _as_id(location_id), self._actor(identity))
        except locations.LocationError as exc:
            self._reload_list()
            return rx.toast.error(str(exc))
        self._reload_list()
        return rx.toast.success("Reactivated.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    @upload_limit(branding.MAX_LOGO_BYTES + MB)
    async def handle_logo_upload(self, files: list[rx.UploadFile]):
        identity = self._me()
        if not self.editing or not self.editing_id:
            return rx.toast.error("Save the location first, then add its logo.")
        if not files:
            return rx.toast.error("Choose a PNG, JPEG or WebP file under 5 MB.")
        data = await files[0].read(branding.MAX_LOGO_BYTES + 1)  # the browser's size limit isn't trusted
        actor, files_dir, location_id = self._actor(identity), get_settings().uploads_dir, self.editing_id

        def store() -> str:
            with write_session() as session:
                return locations.set_location_logo(session, files_dir, location_id, data, actor)

        try:
            stored = await rx.run_in_thread(store)
        except (ImageRejected, locations.LocationError) as exc:
            self.logo_error = str(exc)
            return rx.toast.error(str(exc))
        self.edit_has_logo, self.logo_version, self.logo_error = True, stored[5:13], ""
        self._reload_list()
        return rx.toast.success("Logo updated for this location.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_remove_logo(self):
        identity = self._me()
        if not self.editing or not self.editing_id:
            return None
        try:
            with write_session() as session:
                removed = locations.remove_location_logo(session, self.editing_id, self._actor(identity))
        except locations.LocationError as exc:
            return rx.toast.error(str(exc))
        self.edit_has_logo, self.logo_error = False, ""
        self._reload_list()
        return rx.toast.success("Logo removed: the shop's logo shows instead.") if removed else None
