"""The staff alert bell (every staff page) and inbox (/staff/alerts): what customers did."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from .. import live, routes
from ..db import session_scope, write_session
from ..models import Location
from ..services import alerts
from ..services.alerts import AlertView
from ..services.ids import parse_id
from ..services.permissions import Action
from .guard import staff_action
from .staff_order_rows import ChoiceOption
from .staff_session import StaffSessionState

ALL = "all"


class StaffAlertsState(StaffSessionState):
    unread: int = 0  # this staff member's unread customer actions (the bell)
    items: list[AlertView] = []
    location_filter: str = ALL
    unread_only: bool = False
    location_options: list[ChoiceOption] = []

    def _count(self) -> None:
        with session_scope() as session:
            self.unread = alerts.unread_count(session, self._me().user_id)

    def _list(self) -> None:
        location_id = parse_id(self.location_filter) if self.location_filter != ALL else None
        with session_scope() as session:
            me = self._me().user_id
            self.items = alerts.list_alerts(session, me, location_id=location_id, unread_only=self.unread_only)
            self.unread = alerts.unread_count(session, me)
            self.location_options = [
                ChoiceOption(str(loc.id), loc.name)
                for loc in session.exec(select(Location).where(Location.active).order_by(Location.name))
            ]

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    async def load_bell(self):
        """Every staff page (after the guard): count, and follow the shop's alert channel."""
        self._count()
        await live.link_to_alerts(self)

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def refresh_bell(self):
        self._count()
        if self.router.url.path == routes.STAFF_ALERTS:
            self._list()

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_alerts(self):
        self._list()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_location_filter(self, value: str):
        self.location_filter = str(parse_id(value) or ALL)
        self._list()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def set_unread_only(self, value: bool):
        self.unread_only = value is True
        self._list()

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def mark_read(self, alert_id: int):
        """Read for this staff member only (the others keep their own unread count)."""
        with write_session() as session:
            alerts.mark_read(session, self._me().user_id, [parse_id(alert_id) or 0])
        self._list()
        live.publish_alerts()  # this person's other tabs

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def mark_all_read(self):
        with write_session() as session:
            count = alerts.mark_read(session, self._me().user_id)
        self._list()
        live.publish_alerts()
        return rx.toast.info(f"Marked {count} as read." if count else "Nothing unread.")
