"""The customer page's "Portal access for this customer" switch, called directly: staff who may edit customers
switch it after a confirmation; the account's signed-in portal users are out on their very next event; a
role without the permission, or a forged confirmation, changes nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from repair_portal import cookies, routes
from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Customer, PortalSession, Role
from repair_portal.services import portal_auth, staff_auth
from repair_portal.state.portal_session import PortalSessionState
from repair_portal.state.staff_portal_users import StaffPortalUsersState

from .. import factories, portal_factories
from .conftest import as_staff, connect, make_state, redirect_path


def _run(result):
    if not asyncio.iscoroutine(result):
        return result
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, result).result()


def _toast(result) -> str:
    specs = result if isinstance(result, list) else [result]
    return " ".join(str(getattr(spec, "args", spec)) for spec in specs)


def _snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(sa_select(*[c for c in t.columns if c.name != "last_seen_at"]))))
            for t in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def shop(engine, app_env):
    with write_session(engine) as s:
        factories.shop(s)
        for role in (Role.FRONT_DESK, Role.TECHNICIAN):
            factories.staff(s, email=f"{role.value}@example.com", role=role)
        account = portal_factories.business(s, "Acme Ltd")
        users = [
            portal_factories.portal_user(s, customer=account, email="pat@acme.test"),
            portal_factories.portal_user(s, customer=account, email="sam@acme.test", name="Sam"),
        ]
        sessions = [
            portal_auth.open_session(s, app_env, u, ip="", user_agent="", mfa_passed=True) for u in users + users[:1]
        ]
    tokens = {
        role: staff_auth.sign_in(
            engine, app_env, email=f"{role.value}@example.com", password=factories.STAFF_PASSWORD
        ).token
        for role in (Role.FRONT_DESK, Role.TECHNICIAN)
    }
    return {"account": account.id, "sessions": sessions, "tokens": tokens}


def _card(shop, role):
    state = as_staff(
        make_state(StaffPortalUsersState, path=f"/staff/customers/{shop['account']}"), shop["tokens"][role]
    )
    assert state.load_portal_users() is None
    return state


def _portal_page(token):
    state = connect(make_state(PortalSessionState, path=routes.PORTAL), **{cookies.PORTAL_SESSION: token})
    return redirect_path(state.portal_guard()), state


def test_switching_an_account_off_asks_first_then_signs_its_users_out_at_once(engine, shop):
    assert all(_portal_page(t)[0] is None for t in shop["sessions"])  # all three signed in
    state = _card(shop, Role.FRONT_DESK)
    assert state.portal_enabled and state.account_name == "Acme Ltd"
    assert state.ask_account_access(False) is None
    assert state.confirm_open and state.confirm_kind == "account_off" and state.confirm_name == "Acme Ltd"
    with write_session(engine) as s:
        assert s.get(Customer, shop["account"]).portal_enabled  # nothing yet: only asked
    assert "signed out of 3 sessions" in _toast(_run(state.handle_confirm()))
    assert not state.portal_enabled and not state.confirm_open
    for token in shop["sessions"]:
        where, page = _portal_page(token)
        assert where == routes.PORTAL_SIGN_IN and page.account_name == "" and "Acme" not in str(page.dict())
    with write_session(engine) as s:
        assert all(row.revoked_at for row in s.exec(select(PortalSession)))
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "customer.portal_access_disabled")).one()
        assert event.actor_type == "staff" and event.actor_label == "front_desk@example.com"
    state.ask_account_access(True)
    assert state.confirm_kind == "account_on"
    assert "switched on" in _toast(_run(state.handle_confirm()))
    assert state.portal_enabled
    with write_session(engine) as s:
        assert s.get(Customer, shop["account"]).portal_enabled


def test_a_technician_can_not_switch_it_nor_forge_the_confirmation(engine, shop):
    before = _snapshot(engine)
    state = _card(shop, Role.TECHNICIAN)
    assert not state.can_manage_portal and state.portal_enabled
    assert "can't edit customers" in _toast(state.ask_account_access(False))
    assert not state.confirm_open
    state.confirm_kind = "account_off"  # forged straight into the confirmation
    assert "can't edit customers" in _toast(_run(state.handle_confirm()))
    assert _snapshot(engine) == before and all(_portal_page(t)[0] is None for t in shop["sessions"])


def test_forged_values_open_nothing(engine, shop):
    before = _snapshot(engine)
    state = _card(shop, Role.FRONT_DESK)
    for value in ("off", 0, None):
        state.ask_account_access(value)
        assert not state.confirm_open
    assert state.ask_account_access(True) is None and not state.confirm_open  # already on: nothing to confirm
    as_staff(state, "forged-token-value-aaaaaaaaaa")
    assert redirect_path(state.ask_account_access(False)).startswith("/staff/login")
    assert _snapshot(engine) == before
