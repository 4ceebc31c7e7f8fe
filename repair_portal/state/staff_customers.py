"""The staff customer list and one customer's page (with its edit form)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import reflex as rx

from ..db import session_scope, write_session
from ..services import customers, phones, sms_consent_view, timefmt
from ..services.ids import parse_id
from ..services.permissions import Action, can
from .guard import staff_action
from .staff_session import StaffSessionState

PAGE_SIZE = 25
EDIT_DENIED = "Your role can't edit customers."


@dataclasses.dataclass
class CustomerRowView:
    id: int
    name: str
    company: str
    email: str
    phone: str
    orders: int
    last_order: str
    last_order_date: str
    has_portal: bool = False


@dataclasses.dataclass
class DeviceView:
    kind: str
    label: str
    serial: str


@dataclasses.dataclass
class CustomerOrderView:
    id: int
    reference: str
    device: str
    stage: str
    stage_color: str
    booked_in: str
    updated: str
    updated_exact: str


class StaffCustomersState(StaffSessionState):
    customer_rows: list[CustomerRowView] = []
    customers_total: int = 0
    customers_page: int = 0
    customer_search: str = ""
    customers_loaded: bool = False

    @rx.var
    def customers_page_label(self) -> str:
        if self.customers_total == 0:
            return "No customers"
        first = self.customers_page * PAGE_SIZE + 1
        last = min(self.customers_total, first + PAGE_SIZE - 1)
        return f"{first}–{last} of {self.customers_total}"

    @rx.var
    def customers_has_next(self) -> bool:
        return (self.customers_page + 1) * PAGE_SIZE < self.customers_total

    @rx.var
    def customers_has_prev(self) -> bool:
        return self.customers_page > 0

    def _load(self) -> None:
        with session_scope() as session:
            tz = timefmt.shop_timezone(session)
            found, self.customers_total = customers.list_customers(
                session, search=self.customer_search, limit=PAGE_SIZE, offset=self.customers_page * PAGE_SIZE
            )
            if self.customers_page and not found and self.customers_total:
                self.customers_page = (self.customers_total - 1) // PAGE_SIZE  # the list shrank: its last page
                found, _ = customers.list_customers(
                    session, search=self.customer_search, limit=PAGE_SIZE, offset=self.customers_page * PAGE_SIZE
                )
        self.customer_rows = [
            CustomerRowView(
                id=row.id,
                name=row.name or "(no name)",
                company=row.company,
                email=row.email,
                phone=row.phone,
                orders=row.order_count,
                last_order=row.last_order_reference,
                last_order_date=timefmt.date(row.last_order_at, tz),
                has_portal=row.has_portal_access,
            )
            for row in found
        ]
        self.customers_loaded = True

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_customers(self):
        self.customers_page = 0
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def handle_search(self, value: str):
        self.customer_search = str(value)[:100]
        self.customers_page = 0
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def next_page(self):
        if self.customers_has_next:
            self.customers_page += 1
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def prev_page(self):
        self.customers_page = max(0, self.customers_page - 1)
        self._load()
        return None


class StaffCustomerState(StaffSessionState):
    """One customer. The route adds `customer_id` to rx.State; the id is read from the URL at load."""

    found: bool = True
    current_customer_id: int = 0
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    email_updates: bool = False
    sms_updates: bool = False
    texts_history: list[sms_consent_view.ConsentRow] = []  # every change of "text me", newest first
    customer_since: str = ""
    devices: list[DeviceView] = []
    customer_orders: list[CustomerOrderView] = []
    orders_more: str = ""  # "The newest 100 of 5,000 orders." when the page shows only some
    can_edit: bool = False
    editing: bool = False
    form_key: int = 0
    edit_values: dict[str, str] = {}
    edit_email_updates: bool = False
    edit_sms_updates: bool = False
    field_errors: dict[str, str] = {}
    conflict_message: str = ""
    _loaded_version: str = ""
    _original: dict = {}

    def _customer_id_from_url(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "customers":
            return parse_id(parts[2]) or 0
        return 0

    def _reload(self) -> customers.CustomerDetail | None:
        with session_scope() as session:
            detail = customers.customer_detail(session, self.current_customer_id) if self.current_customer_id else None
            tz = timefmt.shop_timezone(session)
            self.texts_history = (
                sms_consent_view.history_rows(session, detail.id, tz, detail.country) if detail is not None else []
            )
        if detail is None:
            self.found, self.editing = False, False
            self.display_name, self.devices, self.customer_orders, self.orders_more = "", [], [], ""
            return None
        self.found = True
        self.display_name = detail.title or "(no name)"
        for name in ("first_name", "last_name", "company", "email", "email_updates", "sms_updates"):
            setattr(self, name, getattr(detail, name))
        self.phone = detail.phone_display
        self.customer_since = timefmt.date(detail.created_at, tz)
        self.devices = [DeviceView(d.kind.title(), d.label, d.serial) for d in detail.devices]
        shown = len(detail.orders)
        self.orders_more = (
            f"The newest {shown} of {detail.orders_total:,} orders. Find older ones on the order board."
            if detail.orders_total > shown
            else ""
        )
        self.customer_orders = [
            CustomerOrderView(
                id=o.id,
                reference=o.reference,
                device=o.device,
                stage=o.stage,
                stage_color=o.stage_color,
                booked_in=timefmt.date(o.booked_in_at, tz),
                updated=timefmt.ago(o.updated_at),
                updated_exact=timefmt.short(o.updated_at, tz),
            )
            for o in detail.orders
        ]
        return detail

    def _start_form(
        self,
        detail: customers.CustomerDetail,
        *,
        mine: customers.CustomerForm | None = None,
        original: customers.CustomerForm | None = None,
    ) -> None:
        """Fill the edit form from the saved record; its version becomes the one a save must match."""
        theirs = customers.CustomerForm.of(detail)
        if mine is not None and original is not None:
            form = customers.rebase(original, mine, theirs, detail.country)
        else:
            form = theirs
        self._original = dataclasses.asdict(theirs)
        self._loaded_version = detail.updated_at.isoformat()
        self.edit_values = {name: getattr(form, name) for name in customers.CONTACT_FIELDS}
        self.edit_values["phone"] = phones.display(form.phone, detail.country)  # typed the way it is read
        self.edit_email_updates, self.edit_sms_updates = form.email_updates, form.sms_updates
        self.field_errors, self.conflict_message = {}, ""
        self.form_key += 1

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_customer(self):
        identity = self._me()
        self.current_customer_id = self._customer_id_from_url()
        self.can_edit = can(identity.role, Action.EDIT_CUSTOMERS)
        self.editing = False
        self.field_errors, self.conflict_message = {}, ""
        self._reload()
        return None

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def open_edit(self):
        detail = self._reload()
        if detail is None:
            return rx.toast.error("This customer doesn't exist (or was removed).")
        self._start_form(detail)
        self.editing = True
        return None

    @rx.event
    @staff_action(None)
    def cancel_edit(self):
        self.editing = False
        self.field_errors, self.conflict_message = {}, ""
        return None

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def handle_save(self, form_data: dict):
        identity = self._me()
        if not self.editing or not self._loaded_version or not self.current_customer_id:
            return rx.toast.error("Open the form again: nothing was saved.")
        data = dict(form_data or {})
        for name in customers.CONSENT_FIELDS:
            # A switch reports through its ref (id customer-email-updates -> key customer_email_updates)
            # as a boolean, and through its hidden input ('on' when checked) under its name.
            ref_key = "customer_" + name
            data[name] = data[ref_key] if ref_key in data else data.get(name)
        form = customers.CustomerForm.from_form(data)
        self.edit_values = {name: getattr(form, name) for name in customers.CONTACT_FIELDS}
        self.edit_email_updates, self.edit_sms_updates = form.email_updates, form.sms_updates
        try:
            with write_session() as session:
                changed = customers.update_customer(
                    session,
                    self.current_customer_id,
                    form,
                    expected_updated_at=datetime.fromisoformat(self._loaded_version),
                    actor=self._actor(identity),
                    original=customers.CustomerForm(**self._original),
                )
        except customers.CustomerInvalid as exc:
            self.field_errors, self.conflict_message = exc.errors, ""
            return rx.toast.error(str(exc))
        except customers.CustomerConflict as exc:
            detail = self._reload()
            if detail is not None:  # their values with this editor's own edits on top
                original = customers.CustomerForm(**self._original)
                self._start_form(detail, mine=form, original=original)
            self.field_errors, self.conflict_message = {}, str(exc)
            return rx.toast.warning(exc.toast)
        except customers.CustomerNotFound as exc:
            self._reload()
            return rx.toast.error(str(exc))
        self.editing = False
        self.field_errors, self.conflict_message = {}, ""
        self._reload()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        return rx.toast.success("Customer saved.")
