"""/portal/orders: the account's orders (or the user's own), searched, filtered and paged on the server.
Every handler only reads, so a staff member's read-only preview may use them too."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from .. import routes
from ..db import session_scope
from ..services import account_orders
from ..services.account_orders import DATE_FIELDS, STATUSES, OrderQuery
from ..services.ids import parse_id
from ..services.orders import DateRangeError
from ..services.portal_permissions import Perm
from ..services.text_input import TextInputError
from .guard import portal_action
from .portal_session import PortalSessionState

MAX_TYPED = 1000  # a search is clipped only far above its limit: the service refuses an over-long one


@dataclasses.dataclass
class OrderRowView:
    id: int
    reference: str
    device: str
    site: str
    status: str
    booked: str
    scheduled: str
    po_number: str
    requested: bool
    done: bool
    waiting_for_you: bool
    href: str


def row_view(r: account_orders.OrderRow) -> OrderRowView:
    return OrderRowView(
        r.id,
        r.reference,
        r.device,
        r.site,
        r.status,
        r.booked,
        r.scheduled,
        r.po_number,
        r.requested,
        r.done,
        r.waiting_for_you,
        routes.portal_order(r.id),
    )


def _day(value) -> str:
    """An ISO day from a link's query ('' for anything else)."""
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


@dataclasses.dataclass
class Choice:
    value: str
    label: str


class PortalOrdersState(PortalSessionState):
    rows: list[OrderRowView] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    text: str = ""
    site: str = "all"
    status: str = "all"
    date_field: str = "booked"
    date_from: str = ""
    date_to: str = ""
    sites: list[Choice] = []
    can_request: bool = False
    error: str = ""
    loaded: bool = False
    list_hidden: bool = False  # a group that may request work but not see orders
    filters_key: int = 0

    def _query(self) -> OrderQuery:
        site_id = parse_id(self.site) if self.site != "all" else None
        return OrderQuery(
            text=self.text,
            site_id=site_id,
            status=self.status if self.status in STATUSES else "all",
            date_field=self.date_field if self.date_field in DATE_FIELDS else "booked",
            date_from=self.date_from,
            date_to=self.date_to,
            page=self.page,
        )

    def _refresh(self):
        identity = self._account()
        if not account_orders.may_list(identity):
            if identity.may(Perm.ORDERS_REQUEST):  # may ask for work without seeing the list
                self.rows, self.total, self.page, self.pages, self.loaded = [], 0, 1, 1, True
                self.list_hidden = True
                return None
            return [rx.redirect(routes.PORTAL, replace=True), rx.toast.error("Your access doesn't include orders.")]
        self.list_hidden = False
        self.error = ""
        try:
            with session_scope() as session:
                found = account_orders.list_orders(session, identity, self._query())
        except (DateRangeError, TextInputError) as exc:
            self.error = str(exc)
            return None
        self.rows = [row_view(r) for r in found.rows]
        self.total, self.page, self.pages, self.loaded = found.total, found.page, found.pages, True
        return None

    @rx.event
    @portal_action(None, read_only=True)
    def load_orders(self):
        """The list, opened with the filters the link names (the overview's cards link here with them):
        ?status=open|decision|done, ?dates=booked|scheduled, ?from= and ?to= (ISO days)."""
        identity = self._account()
        params = self.router.url.query_parameters
        self.text, self.site, self.page = "", "all", 1
        self.status = str(params.get("status", "all")) if params.get("status") in STATUSES else "all"
        self.date_field = str(params.get("dates")) if params.get("dates") in DATE_FIELDS else "booked"
        self.date_from, self.date_to = _day(params.get("from")), _day(params.get("to"))
        self.filters_key += 1  # the form shows these filters (its fields take their first values again)
        self.can_request = identity.may(Perm.ORDERS_REQUEST) and not identity.preview
        self.sites = []
        if account_orders.may_list(identity):  # the list's site filter: not for a group that can't see the list
            with session_scope() as session:
                self.sites = [
                    Choice(str(i), name) for i, name in account_orders.site_choices(session, identity.customer_id)
                ]
        return self._refresh()

    @rx.event
    @portal_action(None, read_only=True)
    def handle_search(self, form_data: dict):
        text = str(form_data.get("text", ""))[:MAX_TYPED]
        if (problem := account_orders.search_problem(text)) is not None:
            self.error = problem  # refused, never cut: the list stays as it was, the box keeps what was typed
            return None
        self.text = text
        site = str(form_data.get("site", "all"))
        self.site = site if site == "all" or any(c.value == site for c in self.sites) else "all"
        status = str(form_data.get("status", "all"))
        self.status = status if status in STATUSES else "all"
        field = str(form_data.get("date_field", "booked"))
        self.date_field = field if field in DATE_FIELDS else "booked"
        self.date_from = str(form_data.get("date_from", ""))[:10]
        self.date_to = str(form_data.get("date_to", ""))[:10]
        self.page = 1
        return self._refresh()

    @rx.event
    @portal_action(None, read_only=True)
    def clear_filters(self):
        self.filters_key += 1
        self.text, self.site, self.status, self.date_field, self.date_from, self.date_to = (
            "",
            "all",
            "all",
            "booked",
            "",
            "",
        )
        self.page = 1
        return self._refresh()

    @rx.event
    @portal_action(None, read_only=True)
    def go_to_page(self, page: int):
        number = parse_id(page)
        self.page = number if number is not None else 1
        return self._refresh()
