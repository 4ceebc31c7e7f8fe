"""The job details on the staff order page (site, schedule, PO number, job type) through the details form's
handlers, and the account portal's overview cards opening the order list with their filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repair_portal import cookies
from repair_portal.db import session_scope, write_session
from repair_portal.models import Device, Order, PermissionGroup, Role
from repair_portal.services import audit, portal_auth, portal_permissions, quotes, sites, staff_auth
from repair_portal.services.orders import create_order
from repair_portal.services.portal_permissions import Perm
from repair_portal.state.account_order import AccountOrderState
from repair_portal.state.portal_home import PortalHomeState
from repair_portal.state.portal_orders import PortalOrdersState
from repair_portal.state.staff_order_details import NO_JOB_TYPE, UNASSIGNED, StaffOrderDetailsState

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import business, portal_user
from .conftest import as_staff, connect, make_state, run

STAFF = audit.Actor("staff", None, "desk@example.com")


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        ours, theirs = business(s, "Ours Ltd"), business(s, "Theirs Ltd")
        depot = sites.save_site(s, ours.id, None, "Depot", "Unit 3", STAFF)
        their_site = sites.save_site(s, theirs.id, None, "Their yard", "1 Quay", STAFF)
        device = Device(customer_id=ours.id, kind="laptop", make="Dell", model="Latitude")
        s.add(device)
        s.flush()
        orders = []
        for problem in ("Fan is loud", "Screen cracked"):
            orders.append(
                create_order(
                    s, TEST_SECRET_KEY, customer=ours, location=location, device=device, problem=problem, actor=STAFF
                ).order
            )
        quote = quotes.create_quote(s, orders[1], [quotes.LineSpec("Screen", 1, 9900)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        orders_only = PermissionGroup(
            name="Orders only", permissions_json=portal_permissions.dump({Perm.ORDERS_VIEW_ALL})
        )
        s.add(orders_only)
        s.flush()
        sessions = {}
        for who, group in (("admin", None), ("orders", orders_only)):
            user = portal_user(s, email=f"{who}@ours.test", customer=ours, group=group)
            sessions[who] = portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    return {
        "order": orders[0].id,
        "quoted": orders[1].id,
        "depot": depot.id,
        "their_site": their_site.id,
        "staff": token,
        "portal": sessions,
    }


def _details(world) -> StaffOrderDetailsState:
    state = as_staff(make_state(StaffOrderDetailsState, path=f"/staff/orders/{world['order']}"), world["staff"])
    state.load_order()
    state.open_edit()
    return state


def _portal(cls, path: str, token: str):
    return connect(make_state(cls, path=path), **{cookies.PORTAL_SESSION: token})


def _shop_day(days: int = 0) -> str:
    return (datetime.now(UTC).astimezone(ZoneInfo("Europe/London")) + timedelta(days=days)).date().isoformat()


def test_staff_see_and_set_the_jobs_site_schedule_po_and_type(world, engine):
    state = _details(world)
    assert state.has_sites and [o.name for o in state.site_options] == ["Depot"]  # never another account's
    assert state.job_type_options == ["Repair", "Service", "Installation"]
    assert (state.edit_values["site_id"], state.edit_values["job_type"]) == (UNASSIGNED, NO_JOB_TYPE)
    tomorrow = _shop_day(1)
    form = {
        **state.edit_values,
        "site_id": str(world["depot"]),
        "scheduled": f"{tomorrow}T10:15",
        "po_number": "PO-4471",
        "job_type": "Service",
    }
    run(state.handle_save_details(form))
    assert not state.editing and state.field_errors == {}
    summary = state.summary
    assert (summary.site, summary.po_number, summary.job_type) == ("Depot", "PO-4471", "Service")
    assert summary.scheduled.endswith(", 10:15")
    with session_scope(engine) as s:
        order = s.get(Order, world["order"])
        assert order.site_id == world["depot"] and order.scheduled_at.tzinfo is not None
    # Clearing them again goes through the selects' "nothing chosen".
    state.open_edit()
    assert state.edit_values["site_id"] == str(world["depot"]) and state.edit_values["job_type"] == "Service"
    run(state.handle_save_details({**state.edit_values, "site_id": UNASSIGNED, "job_type": NO_JOB_TYPE}))
    with session_scope(engine) as s:
        order = s.get(Order, world["order"])
        assert order.site_id is None and order.job_type == ""


def test_a_forged_site_and_an_overlong_po_are_refused_and_the_typed_values_kept(world, engine):
    state = _details(world)
    form = {**state.edit_values, "site_id": str(world["their_site"]), "po_number": "P" * 61, "scheduled": "soon"}
    run(state.handle_save_details(form))
    assert state.editing and set(state.field_errors) == {"site_id", "po_number", "scheduled"}
    assert "60 characters" in state.field_errors["po_number"]
    assert state.edit_values["po_number"] == "P" * 61  # nothing the user typed is lost
    with session_scope(engine) as s:
        order = s.get(Order, world["order"])
        assert (order.site_id, order.po_number, order.scheduled_at) == (None, "", None)


def test_the_portal_order_page_shows_the_staff_schedule(world, engine):
    with write_session(engine) as s:
        order = s.get(Order, world["order"])
        order.scheduled_at = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
        order.po_number = "PO-1"
        s.add(order)
    state = _portal(AccountOrderState, f"/portal/orders/{world['order']}", world["portal"]["admin"])
    state.load_tracking()
    assert (state.scheduled, state.po_number) == ("3 Dec 2026, 14:30", "PO-1")


def test_the_overview_links_its_scheduled_card_to_the_list_from_today(world, engine):
    with write_session(engine) as s:
        order = s.get(Order, world["order"])
        order.scheduled_at = datetime.now(UTC) + timedelta(days=2)
        s.add(order)
    home = _portal(PortalHomeState, "/portal", world["portal"]["admin"])
    home.load_overview()
    assert [r.id for r in home.upcoming] == [world["order"]]
    assert home.upcoming_href == f"/portal/orders?dates=scheduled&from={_shop_day()}"
    listed = _portal(PortalOrdersState, home.upcoming_href, world["portal"]["admin"])
    listed.load_orders()
    assert (listed.date_field, listed.date_from, listed.status) == ("scheduled", _shop_day(), "all")
    assert [r.id for r in listed.rows] == [world["order"]]  # the unscheduled one is not in it


def test_the_list_opens_with_a_links_status_and_ignores_anything_odd(world):
    waiting = _portal(PortalOrdersState, "/portal/orders?status=decision", world["portal"]["admin"])
    waiting.load_orders()
    assert waiting.status == "decision" and [r.id for r in waiting.rows] == [world["quoted"]]
    key = waiting.filters_key
    waiting.clear_filters()
    assert waiting.status == "all" and waiting.filters_key == key + 1 and len(waiting.rows) == 2
    odd = _portal(
        PortalOrdersState,
        "/portal/orders?status=x&dates=%3Cb%3E&from=2026-13-40&to=yesterday",
        world["portal"]["admin"],
    )
    odd.load_orders()
    assert (odd.status, odd.date_field, odd.date_from, odd.date_to, odd.error) == ("all", "booked", "", "", "")
    assert len(odd.rows) == 2


def test_an_over_long_search_is_refused_with_a_message_not_cut(world):
    listed = _portal(PortalOrdersState, "/portal/orders", world["portal"]["admin"])
    listed.load_orders()
    shown = [r.id for r in listed.rows]
    assert listed.handle_search({"text": "R-" + "1" * 99, "status": "done"}) is None  # no maxlength cuts it
    assert listed.error == "The search is too long: at most 100 characters (this one has 101)."
    assert [r.id for r in listed.rows] == shown and (listed.text, listed.status) == ("", "all")  # nothing applied
    listed.handle_search({"text": "", "status": "all"})
    assert listed.error == "" and [r.id for r in listed.rows] == shown
