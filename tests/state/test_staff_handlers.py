from sqlmodel import select

from repair_portal.api.staff import safe_next as _safe_next
from repair_portal.db import write_session
from repair_portal.models import Location
from repair_portal.services import staff_auth
from repair_portal.state.staff_orders import StaffOrdersState

from .. import factories
from .conftest import as_staff, redirect_path


def _signed_in_token(app_env, engine) -> str:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com")
        for _ in range(30):
            factories.order(s, location)
    return staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token


def test_staff_pages_redirect_without_a_session(state_factory, engine):
    state = state_factory(StaffOrdersState, path="/staff")
    assert redirect_path(state.guard()) == "/staff/login"
    assert redirect_path(state.load_orders()) == "/staff/login"
    assert state.rows == [] and state.staff_name == ""


def test_forged_session_cookie_is_denied_everywhere(state_factory, engine, app_env):
    _signed_in_token(app_env, engine)
    state = state_factory(StaffOrdersState, path="/staff")
    as_staff(state, "forged-token-value-aaaaaaaaaa")
    for handler in (state.load_orders, state.next_page, state.prev_page):
        assert redirect_path(handler()) == "/staff/login"
    assert redirect_path(state.handle_search("Nowak")) == "/staff/login"
    assert state.rows == [] and state.total == 0


def test_signed_in_staff_see_orders_and_can_page_and_search(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = state_factory(StaffOrdersState, path="/staff")
    as_staff(state, token)
    assert redirect_path(state.load_orders()) is None
    assert state.staff_name == "Tess Tech" and state.staff_role == "technician"
    assert state.total == 30 and len(state.rows) == 25
    assert state.page_label == "1–25 of 30"
    state.next_page()
    assert len(state.rows) == 5 and not state.has_next
    state.handle_search("R-10007")
    assert [r.reference for r in state.rows] == ["R-10007"]


def test_a_revoked_session_stops_working_at_the_next_event(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = state_factory(StaffOrdersState, path="/staff")
    as_staff(state, token)
    assert redirect_path(state.load_orders()) is None
    with write_session(engine) as s:
        staff_auth.sign_out(s, token)
    assert redirect_path(state.next_page()) == "/staff/login"
    assert state.staff_name == ""


def test_a_dead_session_cookie_is_dropped_through_the_sign_out_route(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = as_staff(state_factory(StaffOrdersState, path="/staff/orders/5"), token)
    with write_session(engine) as s:
        staff_auth.sign_out(s, token)
    result = state.guard()
    script = str(dict((str(k), v) for k, v in result.args)["javascript_code"])
    assert "/api/staff/session/end?next=/staff/orders/5" in script  # a full page load, the cookie dropped
    assert redirect_path(result) == "/staff/login?next=/staff/orders/5"
    nobody = state_factory(StaffOrdersState, path="/staff")
    assert redirect_path(nobody.guard()) == "/staff/login"  # no cookie at all: straight to the sign-in page


def test_after_login_redirect_only_goes_to_staff_pages():
    assert _safe_next("/staff/orders/5") == "/staff/orders/5"
    for evil in (
        "https://evil.example/",
        "//evil.example/staff",
        "/track/abc",
        "/staff\\..\\x",
        "javascript:x",
        "/staffX",
        "/staff/../track/abc",
        "/staff/x?y=https://evil",
    ):
        assert _safe_next(evil) == "/staff"


def test_board_filters_ignore_ids_that_are_not_ids(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = state_factory(StaffOrdersState, path="/staff")
    as_staff(state, token)
    state.load_orders()
    for bad in ("²", "9" * 20, "-1", "1 OR 1=1"):
        state.set_stage_filter(bad)
        state.set_location_filter(bad)
        state.set_tech_filter(bad)
        state.toggle_stage_tile(bad)
        assert state.total == 30  # no filter applied, no crash
    state.refresh()
    assert len(state.rows) == 25


def test_a_scanned_label_or_ticket_opens_its_order(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    with write_session(engine) as s:
        new = factories.order(s, s.exec(select(Location)).first(), last_name="Scanned")
        order_id, code = new.order.id, new.code
    state = state_factory(StaffOrdersState, path="/staff")
    as_staff(state, token)
    state.load_orders()
    assert state.handle_search(f"https://shop.example/track/{code}") is None  # typing: no search yet
    assert redirect_path(state.handle_search_submit({"q": f"https://shop.example/track/{code}"})) == (
        f"/staff/orders/{order_id}"
    )
    assert redirect_path(state.handle_search_submit({"q": f"https://shop.example/staff/orders/{order_id}"})) == (
        f"/staff/orders/{order_id}"
    )
    assert redirect_path(state.handle_search_submit({"q": "https://shop.example/track/unknown-code-xyz"})) is None
    state.handle_search_submit({"q": "Scanned"})  # anything else is a search
    assert state.search == "Scanned" and state.total == 1
