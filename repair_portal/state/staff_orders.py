"""The staff order board: stage tiles, filters, search, paging, live updates."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import reflex as rx
from sqlmodel import select

from .. import live, routes
from ..db import session_scope
from ..models import Location, ShopSettings, StaffUser
from ..services import orders, scan, timefmt, workflow
from ..services.ids import parse_id
from ..services.permissions import Action
from .guard import staff_action
from .staff_order_rows import ChoiceOption
from .staff_session import StaffSessionState

PAGE_SIZE = 25
ALL = "all"
UNASSIGNED = "none"
DATE_RANGES = {
    ALL: "Any time",
    "today": "Booked today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "custom": "Between dates…",
}


@dataclasses.dataclass
class OrderRowView:
    id: int
    reference: str
    customer: str
    device: str
    stage: str
    stage_color: str
    location: str
    technician: str
    booked: str
    updated: str
    updated_exact: str
    overdue: bool = False
    attention: int = 0
    customer_request: bool = False


@dataclasses.dataclass
class StageCount:
    id: str
    name: str
    color: str
    count: int


class StaffOrdersState(StaffSessionState):
    rows: list[OrderRowView] = []
    stage_counts: list[StageCount] = []
    stage_options: list[ChoiceOption] = []
    location_options: list[ChoiceOption] = []
    staff_options: list[ChoiceOption] = []
    total: int = 0
    page: int = 0
    search: str = ""
    stage_filter: str = ALL
    location_filter: str = ALL
    tech_filter: str = ALL
    date_filter: str = ALL
    date_from: str = ""
    date_to: str = ""
    date_error: str = ""
    open_only: bool = False
    attention_only: bool = False  # orders with a customer action nobody has handled
    shop_name: str = ""

    @rx.var
    def page_label(self) -> str:
        if self.total == 0:
            return "No orders"
        first = self.page * PAGE_SIZE + 1
        last = min(self.total, first + PAGE_SIZE - 1)
        return f"{first}–{last} of {self.total:,}"

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total

    @rx.var
    def has_prev(self) -> bool:
        return self.page > 0

    @rx.var
    def filtered(self) -> bool:
        return bool(
            self.search
            or self.open_only
            or self.attention_only
            or self.stage_filter != ALL
            or self.location_filter != ALL
            or self.tech_filter != ALL
            or self.date_filter != ALL
        )

    def _booked_range(self, tz: str) -> tuple[datetime | None, datetime | None]:
        try:
            found = orders.booked_range(self.date_filter, tz, self.date_from, self.date_to)
        except orders.DateRangeError as exc:
            self.date_error = str(exc)
            return None, None
        self.date_error = ""
        return found

    def _filter(self, tz: str) -> orders.OrderFilter:
        booked_from, booked_before = self._booked_range(tz)
        return orders.OrderFilter(
            search=self.search,
            stage_id=parse_id(self.stage_filter),
            location_id=parse_id(self.location_filter),
            assigned_to_id=0 if self.tech_filter == UNASSIGNED else parse_id(self.tech_filter),
            booked_from=booked_from,
            booked_before=booked_before,
            open_only=self.open_only,
            needs_attention=self.attention_only,
        )

    def _load(self) -> None:
        with session_scope() as session:
            tz = timefmt.shop_timezone(session)
            self.shop_name = ShopSettings.current(session).name
            found, self.total = orders.list_orders(
                session, self._filter(tz), limit=PAGE_SIZE, offset=self.page * PAGE_SIZE
            )
            if self.page and not found and self.total:
                self.page = (self.total - 1) // PAGE_SIZE  # the list shrank under us: show its last page
                found, _ = orders.list_orders(session, self._filter(tz), limit=PAGE_SIZE, offset=self.page * PAGE_SIZE)
            self.rows = [
                OrderRowView(
                    id=row.id,
                    reference=row.reference,
                    customer=row.customer,
                    device=row.device,
                    stage=row.stage,
                    stage_color=row.stage_color,
                    location=row.location,
                    technician=row.technician or "—",
                    booked=timefmt.date(row.booked_in_at, tz),
                    updated=timefmt.ago(row.updated_at),
                    updated_exact=timefmt.short(row.updated_at, tz),
                    overdue=row.overdue,
                    attention=row.attention,
                    customer_request=row.customer_request,
                )
                for row in found
            ]
            stages = workflow.active_stages(session)
            counts = {name: count for name, _, count in orders.count_by_stage(session)}
            self.stage_counts = [StageCount(str(s.id), s.name, s.color, counts.get(s.name, 0)) for s in stages]
            self.stage_options = [ChoiceOption(str(s.id), s.name) for s in stages]
            self.location_options = [
                ChoiceOption(str(loc.id), loc.name)
                for loc in session.exec(select(Location).where(Location.active).order_by(Location.name))
            ]
            self.staff_options = [
                ChoiceOption(str(u.id), u.name)
                for u in session.exec(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
            ]

    def _apply(self):
        """Every filter change (the handler's guard checked the session): back to page one, reload."""
        self.page = 0
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def load_orders(self):
        result = self._apply()
        return result if result is not None else StaffOrdersState.start_live

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def start_live(self):
        await live.link_to_board(self)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def refresh(self):
        """Another tab changed an order: re-read the current page, keeping filters and page."""
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def handle_search(self, value: str):
        if scan.looks_scanned(str(value)):
            return None  # a scanner is typing a URL: Enter (handle_search_submit) opens its order
        self.search = str(value)[:100]
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def handle_search_submit(self, form_data: dict):
        """Enter in the search box: a scanned label or ticket URL opens its order; anything else searches."""
        text = str((form_data or {}).get("q", ""))[:500]
        if scan.looks_scanned(text):
            with session_scope() as session:
                order_id = scan.order_from_scan(session, text)
            if order_id is None:
                self.search = ""
                return [rx.toast.error("That code doesn't match an order of this shop."), self._apply()]
            return rx.redirect(routes.staff_order(order_id))
        self.search = text[:100]
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_stage_filter(self, value: str):
        self.stage_filter = str(parse_id(value) or ALL)
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def toggle_stage_tile(self, stage_id: str):
        wanted = str(parse_id(stage_id) or ALL)
        self.stage_filter = ALL if self.stage_filter == wanted else wanted
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_location_filter(self, value: str):
        self.location_filter = str(parse_id(value) or ALL)
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_tech_filter(self, value: str):
        value = str(value)
        self.tech_filter = UNASSIGNED if value == UNASSIGNED else str(parse_id(value) or ALL)
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_date_filter(self, value: str):
        self.date_filter = str(value) if str(value) in DATE_RANGES else ALL
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_date_from(self, value: str):
        self.date_from = str(value)[:10]
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_date_to(self, value: str):
        self.date_to = str(value)[:10]
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_open_only(self, value: bool):
        self.open_only = value is True
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_attention_only(self, value: bool):
        self.attention_only = value is True
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def clear_filters(self):
        self.search, self.open_only, self.attention_only = "", False, False
        self.stage_filter = self.location_filter = self.tech_filter = self.date_filter = ALL
        self.date_from = self.date_to = self.date_error = ""
        return self._apply()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def next_page(self):
        if self.has_next:
            self.page += 1
        self._load()
        return None

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def prev_page(self):
        self.page = max(0, self.page - 1)
        self._load()
        return None
