from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, StaffSession
from repair_portal.services import staff_auth
from repair_portal.state.staff_login import StaffLoginState, _safe_next
from repair_portal.state.staff_orders import StaffOrdersState
from repair_portal.state.staff_session import StaffSessionState

from .. import factories
from .conftest import redirect_path


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
    state.session_token = "forged-token-value-aaaaaaaaaa"
    for handler in (state.load_orders, state.next_page, state.prev_page):
        assert redirect_path(handler()) == "/staff/login"
    assert redirect_path(state.handle_search("Nowak")) == "/staff/login"
    assert state.rows == [] and state.total == 0


def test_signed_in_staff_see_orders_and_can_page_and_search(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = state_factory(StaffOrdersState, path="/staff")
    state.session_token = token
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
    state.session_token = token
    assert redirect_path(state.load_orders()) is None
    with write_session(engine) as s:
        staff_auth.sign_out(s, token)
    assert redirect_path(state.next_page()) == "/staff/login"
    assert state.staff_name == ""


def test_logout_revokes_the_session_server_side(state_factory, engine, app_env):
    token = _signed_in_token(app_env, engine)
    state = state_factory(StaffLoginState, path="/staff")
    state.session_token = token
    assert redirect_path(state.handle_logout()) == "/staff/login"
    assert state.session_token == ""
    with write_session(engine) as s:
        assert s.exec(select(StaffSession)).one().revoked_at is not None
        assert "staff.logout" in [e.action for e in s.exec(select(AuditEvent))]
    other = state_factory(StaffSessionState)
    other.session_token = token
    assert redirect_path(other.guard()) == "/staff/login"


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
    state.session_token = token
    state.load_orders()
    for bad in ("²", "9" * 20, "-1", "1 OR 1=1"):
        state.set_stage_filter(bad)
        state.set_location_filter(bad)
        state.set_tech_filter(bad)
        state.toggle_stage_tile(bad)
        assert state.total == 30  # no filter applied, no crash
    state.refresh()
    assert len(state.rows) == 25
