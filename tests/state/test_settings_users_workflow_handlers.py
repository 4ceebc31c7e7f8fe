import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, OutboxMessage, Role, StaffUser, Stage
from repair_portal.models.staff_tokens import StaffPasswordToken
from repair_portal.services import staff_auth, workflow
from repair_portal.state.staff_set_password import StaffSetPasswordState
from repair_portal.state.staff_users import StaffUsersState
from repair_portal.state.staff_workflow import StaffWorkflowState

from .. import factories
from .conftest import as_staff, redirect_path, shown_link

NEW_PASSWORD = "violet kettle under the bridge"


def _drain(gen) -> list:
    """Run an async-generator handler to the end on its own loop."""

    async def run():
        return [item async for item in gen]

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


@pytest.fixture
def team(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        users = {
            role: factories.staff(s, email=f"{role.value}@example.com", role=role, name=f"{role.value.title()} User")
            for role in (Role.OWNER, Role.MANAGER, Role.TECHNICIAN)
        }
        gone = factories.staff(s, email="gone@example.com", name="Gone User")
        gone.active = False
        order = factories.order(s, location).order
    tokens = {
        role: staff_auth.sign_in(engine, app_env, email=user.email, password=factories.STAFF_PASSWORD).token
        for role, user in users.items()
    }
    return {"users": users, "tokens": tokens, "gone": gone, "order": order}


def _as(state_factory, cls, team, role, path):
    state = state_factory(cls, path=path)
    as_staff(state, team["tokens"][role])
    return state


def _snapshot(engine) -> tuple:
    with write_session(engine) as s:
        users = sorted((u.email, u.role, u.active, u.password_hash) for u in s.exec(select(StaffUser)))
        stages = sorted((st.id, st.name, st.position, st.active, st.kind) for st in s.exec(select(Stage)))
        tokens = len(s.exec(select(StaffPasswordToken)).all())
        mails = len(s.exec(select(OutboxMessage)).all())
        actions = sorted(
            e.action for e in s.exec(select(AuditEvent)) if e.action.startswith(("staff.", "workflow.", "email."))
        )
    return users, stages, tokens, mails, actions


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN])
def test_only_the_owner_reaches_staff_handlers(state_factory, engine, team, role):
    before = _snapshot(engine)
    owner, gone = team["users"][Role.OWNER], team["gone"]
    state = _as(state_factory, StaffUsersState, team, role, "/staff/settings/staff")
    assert redirect_path(state.load_staff_users()) == "/staff"
    assert state.rows == []
    # Forged calls straight to the handlers, with arguments a UI would never offer.
    state.handle_invite({"name": "Mallory", "email": "mallory@example.com", "role": "owner"})
    state.handle_change_role(owner.id, "technician")
    state.handle_change_role(team["users"][role].id, "owner")
    state.handle_reactivate(gone.id)
    for kind, target in (("deactivate", owner.id), ("reset", owner.id)):
        state.confirm_kind, state.confirm_id = kind, target
        state.handle_confirm()
    state.open_invite()
    assert not state.invite_open and not state.issued_shown
    assert _snapshot(engine) == before


def test_technicians_cannot_change_the_workflow_but_managers_can(state_factory, engine, team):
    before = _snapshot(engine)
    diagnosing = next(s for s in _snapshot(engine)[1] if s[1] == "Diagnosing")[0]
    tech = _as(state_factory, StaffWorkflowState, team, Role.TECHNICIAN, "/staff/settings/workflow")
    assert redirect_path(tech.load_workflow()) == "/staff"
    tech.handle_move(diagnosing, 1)
    tech.handle_set_kind("ready", str(diagnosing))
    tech.handle_reactivate(diagnosing)
    tech.confirm_id = diagnosing
    tech.confirm_deactivate()
    tech.editing_id = diagnosing
    tech.handle_save_stage({"name": "Hacked"})
    assert tech.stages == [] and _snapshot(engine) == before

    manager = _as(state_factory, StaffWorkflowState, team, Role.MANAGER, "/staff/settings/workflow")
    assert manager.load_workflow() is None
    assert [s.name for s in manager.stages][2] == "Diagnosing"  # after Requested and Booked in
    manager.handle_move(diagnosing, 1)
    assert [s.name for s in manager.stages][2:4] == ["Awaiting approval", "Diagnosing"]


def test_owner_invites_sees_the_link_once_and_the_link_sets_a_password(state_factory, engine, team, app_env):
    state = _as(state_factory, StaffUsersState, team, Role.OWNER, "/staff/settings/staff")
    assert state.load_staff_users() is None
    assert {r.email for r in state.rows} >= {"owner@example.com", "gone@example.com"}
    assert [r.is_you for r in state.rows if r.email == "owner@example.com"] == [True]

    state.open_invite()
    state.handle_invite({"name": "Dup", "email": "Manager@example.com", "role": "technician"})
    assert "already" in state.email_error and state.invite_open and not state.issued_shown
    result = state.handle_invite(
        {"name": "Nia New", "email": "nia@example.com", "role": "front_desk", "location": "any"}
    )
    assert not state.invite_open and state.email_error == "" and state.issued_shown
    url = shown_link(result)
    assert url.startswith("http://shop.test/staff/set-password/")
    assert url.rsplit("/", 1)[1] not in str(state.dict())  # shown by a one-off script, never kept in state
    assert [r.status for r in state.rows if r.email == "nia@example.com"] == ["invited"]
    with write_session(engine) as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.to_email == "nia@example.com")).one()
        assert url in mail.text_body
    state.load_staff_users()
    assert not state.issued_shown  # shown once

    raw = url.rsplit("/", 1)[1]
    page = state_factory(StaffSetPasswordState, path=f"/staff/set-password/{raw}")
    page.load_link()
    assert page.link_state == "ok" and page.account_email == "nia@example.com"
    assert raw not in str(page.dict())  # the token isn't copied into any state var
    _drain(page.handle_set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}))
    assert page.confirm_error and page.link_state == "ok"
    _drain(page.handle_set_password({"password": "nia@example.com", "confirm": "nia@example.com"}))
    assert "email" in page.password_error and page.link_state == "ok"
    _drain(page.handle_set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert page.link_state == "done" and page.password_error == ""
    assert staff_auth.sign_in(engine, app_env, email="nia@example.com", password=NEW_PASSWORD).ok

    again = state_factory(StaffSetPasswordState, path=f"/staff/set-password/{raw}")
    again.load_link()
    assert again.link_state == "invalid" and "expired or has already been used" in again.link_error


def test_reset_and_deactivate_go_through_the_confirmation(state_factory, engine, team, app_env):
    tech = team["users"][Role.TECHNICIAN]
    state = _as(state_factory, StaffUsersState, team, Role.OWNER, "/staff/settings/staff")
    state.load_staff_users()
    state.ask_reset(tech.id)
    assert state.confirm_open and state.confirm_kind == "reset" and state.confirm_name == "Technician User"
    url = shown_link(state.handle_confirm())
    assert not state.confirm_open and url.startswith("http://shop.test/staff/set-password/")
    assert url.rsplit("/", 1)[1] not in str(state.dict())

    state.ask_deactivate(team["users"][Role.OWNER].id)
    state.handle_confirm()
    state.ask_deactivate(tech.id)
    state.handle_confirm()
    with write_session(engine) as s:
        assert s.get(StaffUser, team["users"][Role.OWNER].id).active
        assert not s.get(StaffUser, tech.id).active
        assert staff_auth.resolve_session(s, app_env, team["tokens"][Role.TECHNICIAN]) is None
    assert [r.status for r in state.rows if r.id == tech.id] == ["deactivated"]

    state.handle_change_role(team["users"][Role.MANAGER].id, "owner")
    state.handle_change_role(team["users"][Role.OWNER].id, "technician")  # your own role: refused
    with write_session(engine) as s:
        assert s.get(StaffUser, team["users"][Role.MANAGER].id).role == "owner"
        assert s.get(StaffUser, team["users"][Role.OWNER].id).role == "owner"


def test_bad_links_show_one_message_and_are_rate_limited(state_factory, engine, team):
    for _ in range(10):
        page = state_factory(StaffSetPasswordState, path="/staff/set-password/not-a-real-token-aaaaaaaaaaaa")
        page.load_link()
        assert page.link_state == "invalid" and "expired" in page.link_error
    page.link_state = "ok"  # a forged state can't get past the server-side check either
    _drain(page.handle_set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert page.link_state == "invalid" and "Too many attempts" in page.link_error


def test_workflow_editor_validates_inline_and_saves(state_factory, engine, team):
    state = _as(state_factory, StaffWorkflowState, team, Role.OWNER, "/staff/settings/workflow")
    state.load_workflow()
    diagnosing = next(s for s in state.stages if s.name == "Diagnosing")
    state.start_edit(diagnosing.id)
    assert state.editor_open and state.f_name == "Diagnosing" and not state.f_internal
    state.handle_save_stage({"name": "booked in", "customer_label": "", "explanation": "x"})
    assert "already a stage" in state.name_error and state.editor_open
    state.handle_save_stage({"name": "Diagnosis", "customer_label": "Testing", "explanation": ""})
    assert "Write what customers see" in state.explanation_error and state.name_error == ""
    state.set_internal(True)
    state.handle_save_stage({"name": "Diagnosis"})
    assert not state.editor_open
    edited = next(s for s in state.stages if s.id == diagnosing.id)
    assert edited.name == "Diagnosis" and edited.internal

    state.start_add()
    state.set_color("violet")
    state.handle_save_stage({"name": "Quality check", "customer_label": "", "explanation": "Final tests."})
    assert [s.name for s in state.stages][-2:] == ["Quality check", "Collected"]
    assert state.stages[-2].color == "violet"


def test_workflow_deactivate_and_meanings_from_the_page(state_factory, engine, team):
    state = _as(state_factory, StaffWorkflowState, team, Role.OWNER, "/staff/settings/workflow")
    state.load_workflow()
    requested, booked = state.stages[0], state.stages[1]
    assert requested.kind_label == "Customer requests" and not requested.can_up and not requested.can_down
    assert not booked.can_up and state.requested_id == str(requested.id)
    assert booked.orders == 1 and not booked.can_deactivate
    state.ask_deactivate(booked.id)
    state.confirm_deactivate()
    with write_session(engine) as s:
        assert s.get(Stage, booked.id).active  # the order there blocks it

    parts = next(s for s in state.stages if s.name == "Awaiting parts")
    state.ask_deactivate(parts.id)
    assert state.confirm_open and state.confirm_name == "Awaiting parts"
    state.confirm_deactivate()
    assert [s.name for s in state.inactive] == ["Awaiting parts"]
    repairing = next(s for s in state.stages if s.name == "Repairing")
    state.handle_set_kind("ready", str(repairing.id))
    assert state.ready_id == str(repairing.id)
    assert next(s for s in state.stages if s.id == repairing.id).kind_label == "Ready"
    with write_session(engine) as s:
        order = s.get(type(team["order"]), team["order"].id)
        workflow.change_stage(s, order, s.get(Stage, repairing.id), factories.ACTOR)
        assert s.get(Stage, parts.id).active is False
