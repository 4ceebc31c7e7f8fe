"""The staff order list."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..db import session_scope
from ..models import ShopSettings
from ..services import orders, timefmt
from .staff_session import StaffSessionState

PAGE_SIZE = 25


@dataclasses.dataclass
class OrderRowView:
    id: int
    reference: str
    customer: str
    device: str
    stage: str
    stage_color: str
    location: str
    updated: str
    updated_exact: str


@dataclasses.dataclass
class StageCount:
    name: str
    color: str
    count: int


class StaffOrdersState(StaffSessionState):
    rows: list[OrderRowView] = []
    stage_counts: list[StageCount] = []
    total: int = 0
    page: int = 0
    search: str = ""
    shop_name: str = ""

    @rx.var
    def page_label(self) -> str:
        if self.total == 0:
            return "No orders"
        first = self.page * PAGE_SIZE + 1
        last = min(self.total, first + PAGE_SIZE - 1)
        return f"{first}–{last} of {self.total}"

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total

    @rx.var
    def has_prev(self) -> bool:
        return self.page > 0

    def _load(self) -> None:
        with session_scope() as session:
            shop = session.get(ShopSettings, 1)
            tz = shop.timezone if shop else "Europe/London"
            self.shop_name = shop.name if shop else "Repair Portal"
            found, self.total = orders.list_orders(
                session, search=self.search, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE
            )
            self.rows = [
                OrderRowView(
                    id=row.id,
                    reference=row.reference,
                    customer=row.customer,
                    device=row.device,
                    stage=row.stage,
                    stage_color=row.stage_color,
                    location=row.location,
                    updated=timefmt.ago(row.updated_at),
                    updated_exact=timefmt.short(row.updated_at, tz),
                )
                for row in found
            ]
            self.stage_counts = [StageCount(n, c, k) for n, c, k in orders.count_by_stage(session)]

    @rx.event
    def load_orders(self):
        if self._require_staff() is None:
            return self._login_redirect()
        self.page = 0
        self._load()
        return None

    @rx.event
    def handle_search(self, value: str):
        if self._require_staff() is None:
            return self._login_redirect()
        self.search = str(value)[:100]
        self.page = 0
        self._load()
        return None

    @rx.event
    def next_page(self):
        if self._require_staff() is None:
            return self._login_redirect()
        if self.has_next:
            self.page += 1
        self._load()
        return None

    @rx.event
    def prev_page(self):
        if self._require_staff() is None:
            return self._login_redirect()
        self.page = max(0, self.page - 1)
        self._load()
        return None
