"""Portal access, staff side, called directly: Settings → Portal access, the customer page's Portal
access card, and bulk invitations on the customer list. Roles, forged ids, links shown once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

from repair_portal.db import write_session
from repair_portal.models import (
    AuditEvent,
    Customer,
    OutboxMessage,
    PermissionGroup,
    PortalSession,
    PortalToken,
    PortalUser,
    Role,
    ShopSettings,
)
from repair_portal.services import portal_auth, portal_permissions, staff_auth
from repair_portal.state.staff_bulk_invite import StaffBulkInviteState
from repair_portal.state.staff_portal_settings import StaffPortalSettingsState
from repair_portal.state.staff_portal_users import StaffPortalUsersState

from .. import factories
from .conftest import as_staff, redirect_path, shown_link


def _run(result):
    if not asyncio.iscoroutine(result):
        return result
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, result).result()


def _toast(result) -> str:
    specs = result if isinstance(result, list) else [result]
    return " ".join(str(getattr(spec, "args", spec)) for spec in specs)


@pytest.fixture
def shop(engine, app_env):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        for role in Role:
            factories.staff(s, email=f"{role.value}@example.com", role=role, name=role.value.title())
        ids = []
        for i, email in enumerate(["ada@acme.test", "bo@example.com", ""]):
            customer = s.get(Customer, factories.order(s, location, last_name=f"Kowal{i}").order.customer_id)
            customer.email = email
            ids.append(customer.id)
        acme = s.get(Customer, ids[0])
        acme.company = "Acme Ltd"
        admin = portal_permissions.builtin_group(s, portal_permissions.ADMIN).id
    tokens = {
        role: staff_auth.sign_in(
            engine, app_env, email=f"{role.value}@example.com", password=factories.STAFF_PASSWORD
        ).token
        for role in Role
    }
    return {"tokens": tokens, "customers": ids, "admin": admin}


def _as(state_factory, cls, shop, role: Role, path: str):
    return as_staff(state_factory(cls, path=path), shop["tokens"][role])


def _snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(sa_select(*[c for c in t.columns if c.name != "last_seen_at"]))))
            for t in SQLModel.metadata.sorted_tables
        }


def _rows(engine, model, *where):
    with write_session(engine) as s:
        return s.exec(select(model).where(*where)).all()


# --- Settings → Portal access --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FRONT_DESK])
def test_settings_are_for_owners_and_managers_only(state_factory, engine, shop, role):
    before = _snapshot(engine)
    state = _as(state_factory, StaffPortalSettingsState, shop, role, "/staff/settings/portal")
    assert redirect_path(state.load_portal_settings()) == "/staff"
    assert state.groups == []
    state.group_name, state.group_checked = "Forged", {"orders.view_all": True}
    state.handle_save_group({"name": "Forged"})
    state.delete_id = shop["admin"]
    state.handle_delete_group()
    state.portal_enabled, state._loaded = False, {"portal_enabled": True}
    state.handle_save_switches()
    state.open_edit_group(shop["admin"])
    assert not state.group_open and _snapshot(engine) == before


def test_a_manager_creates_edits_and_deletes_a_group(state_factory, engine, shop):
    state = _as(state_factory, StaffPortalSettingsState, shop, Role.MANAGER, "/staff/settings/portal")
    assert state.load_portal_settings() is None
    assert [g.name for g in state.groups] == ["Admin", "Non-portal visitor"]
    admin = state.groups[0]
    assert admin.members == 0 and not admin.deletable and "Quotes: approve and decline" in admin.labels

    state.open_new_group()
    assert state.group_open and state.group_id == 0 and not any(state.group_checked.values())
    state.set_group_perm("orders.view_mine", True)
    state.set_group_perm("quotes.decide", True)
    state.set_group_perm("bogus.perm", True)
    state.set_group_mfa(True)
    state.handle_save_group({"name": "  "})
    assert state.group_open and "name" in state.group_name_error
    state.handle_save_group({"name": "admin"})
    assert "already a group" in state.group_name_error
    assert "saved" in _toast(state.handle_save_group({"name": "Site managers"}))
    assert not state.group_open
    group = next(g for g in state.groups if g.name == "Site managers")
    assert group.labels == ["Orders: see their own", "Quotes: approve and decline"] and group.require_mfa

    # The Admin group keeps every permission whatever the boxes say.
    state.open_edit_group(admin.id)
    assert state.group_is_admin and all(state.group_checked.values())
    state.set_group_perm("orders.view_all", False)
    assert state.group_checked["orders.view_all"] is True
    state.handle_save_group({"name": "Administrators"})
    admin_row = _rows(engine, PermissionGroup, PermissionGroup.id == admin.id)[0]
    assert admin_row.name == "Administrators" and len(portal_permissions.parse(admin_row.permissions_json)) == 14

    # A built-in group, and a group with members, can't be deleted (even by a forged event).
    state.delete_id, state.delete_name = admin.id, "Administrators"
    assert "built in" in _toast(state.handle_delete_group())
    with write_session(engine) as s:
        s.add(PortalUser(customer_id=shop["customers"][0], group_id=group.id, email="x@acme.test"))
    state.load_portal_settings()
    assert next(g for g in state.groups if g.id == group.id).members == 1
    state.delete_id, state.delete_name = group.id, group.name
    assert "still has 1 portal user" in _toast(state.handle_delete_group())
    with write_session(engine) as s:
        s.delete(s.exec(select(PortalUser)).one())
    state.load_portal_settings()
    state.ask_delete_group(group.id)
    assert state.delete_open and state.delete_name == "Site managers"
    assert "deleted" in _toast(state.handle_delete_group())
    assert [g.name for g in state.groups] == ["Administrators", "Non-portal visitor"]
    actions = {e.action for e in _rows(engine, AuditEvent)}
    assert {"portal_group.saved", "portal_group.deleted"} <= actions


def test_the_portal_switches_are_validated_saved_and_conflicts_caught(state_factory, engine, shop):
    state = _as(state_factory, StaffPortalSettingsState, shop, Role.OWNER, "/staff/settings/portal")
    other = _as(state_factory, StaffPortalSettingsState, shop, Role.MANAGER, "/staff/settings/portal")
    state.load_portal_settings()
    other.load_portal_settings()
    assert state.portal_enabled and state.mfa_roles == {r.value: False for r in Role}
    state.set_switch("portal_enabled", False)
    state.set_switch("not_a_switch", True)
    state.set_off_url("javascript:alert(1)")
    state.set_mfa_role("owner", True)
    state.set_mfa_role("root", True)
    assert state.switches_dirty and "root" not in state.mfa_roles
    assert "Not saved" in _toast(state.handle_save_switches())
    assert "https://" in state.switch_errors["portal_off_url"]
    state.set_off_url(" https://www.example.com/contact ")
    assert "saved" in _toast(state.handle_save_switches())
    assert not state.switches_dirty and state.portal_off_url == "https://www.example.com/contact"
    shop_row = _rows(engine, ShopSettings)[0]
    assert (shop_row.portal_enabled, shop_row.portal_off_url, shop_row.staff_mfa_roles) == (
        False,
        "https://www.example.com/contact",
        "owner",
    )
    # The other editor's page still shows the old address: changing it too is refused...
    other.set_off_url("https://b.example/")
    assert "someone else changed" in _toast(other.handle_save_switches())
    assert "redirect address" in other.switch_conflict
    assert other.portal_off_url == "https://b.example/" and other.portal_enabled is False  # theirs, mine on top
    # ...and saving again is a deliberate choice that goes through.
    assert "saved" in _toast(other.handle_save_switches())
    assert _rows(engine, ShopSettings)[0].portal_off_url == "https://b.example/"
    assert _rows(engine, ShopSettings)[0].portal_enabled is False


# --- the customer page's Portal access card -----------------------------------------------------------


def _card(state_factory, shop, role, customer_id):
    state = _as(state_factory, StaffPortalUsersState, shop, role, f"/staff/customers/{customer_id}")
    assert state.load_portal_users() is None
    return state


def test_a_technician_sees_portal_users_but_changes_nothing(state_factory, engine, shop):
    acme = shop["customers"][0]
    with write_session(engine) as s:
        s.add(PortalUser(customer_id=acme, group_id=shop["admin"], email="pat@acme.test", name="Pat"))
    before = _snapshot(engine)
    state = _card(state_factory, shop, Role.TECHNICIAN, acme)
    assert not state.can_manage_portal and [r.email for r in state.portal_rows] == ["pat@acme.test"]
    user_id = state.portal_rows[0].id
    for result in (
        state.handle_set_kind("business"),
        state.open_add_user(),
        state.handle_save_user({"name": "Eve", "email": "eve@example.com"}),
        state.handle_invite(user_id),
        state.handle_enable(user_id),
        state.ask_confirm("disable", user_id),
    ):
        assert "can't edit customers" in _toast(_run(result))
    state.confirm_kind, state.confirm_id = "disable", user_id
    _run(state.handle_confirm())
    assert not state.user_open and not state.link_shown and _snapshot(engine) == before


def test_no_session_gets_nothing(state_factory, engine, shop):
    state = state_factory(StaffPortalUsersState, path=f"/staff/customers/{shop['customers'][0]}")
    as_staff(state, "forged-token-value-aaaaaaaaaa")
    assert redirect_path(state.load_portal_users()).startswith("/staff/login")
    assert redirect_path(_run(state.handle_invite(1))).startswith("/staff/login")
    assert state.portal_rows == [] and state.group_options == []


def test_front_desk_runs_a_business_account_s_portal_access(state_factory, engine, shop, app_env):
    acme = shop["customers"][0]
    state = _card(state_factory, shop, Role.FRONT_DESK, acme)
    assert state.can_manage_portal and state.account_kind == "person" and state.portal_rows == []
    assert "business account" in _toast(_run(state.handle_set_kind("business")))
    assert state.account_kind == "business"

    state.open_add_user()  # the first user starts from the customer's own details
    assert (
        state.user_open and state.user_values["email"] == "ada@acme.test" and state.user_values["name"] == "Ada Kowal0"
    )
    assert state.user_group == str(shop["admin"])
    _run(state.handle_save_user({"name": "Ada Kowal", "email": "not-an-email", "phone": ""}))
    assert state.user_open and "doesn't look right" in state.user_errors["email"]
    state.set_user_mfa(True)
    assert "added" in _toast(_run(state.handle_save_user({"name": "Ada Kowal", "email": "ada@acme.test"})))
    assert not state.user_open
    row = state.portal_rows[0]
    assert (row.name, row.group, row.mfa, row.status, row.invited, row.last_sign_in) == (
        "Ada Kowal",
        "Admin",
        "Required",
        "not_invited",
        "Not yet",
        "Never",
    )
    # A second person, whose email is someone else's portal login: refused beside the field.
    state.open_add_user()
    _run(state.handle_save_user({"name": "Bo", "email": "ADA@acme.test"}))
    assert "already signs in" in state.user_errors["email"]

    # The invitation: emailed, and its link shown once by a script, never kept in state.
    result = _run(state.handle_invite(row.id))
    url = shown_link(result)
    assert url.startswith("http://shop.test/portal/set-password/") and "Invitation sent" in _toast(result)
    assert url.rsplit("/", 1)[1] not in str(state.dict()) and state.link_shown
    assert state.portal_rows[0].status == "invited"
    mail = _rows(engine, OutboxMessage, OutboxMessage.template == "portal_invite")[0]
    assert mail.to_email == "ada@acme.test" and url in mail.text_body

    # Edit: group and MFA flag.
    state.open_edit_user(row.id)
    assert state.user_values == {"name": "Ada Kowal", "email": "ada@acme.test", "phone": ""} and state.user_mfa
    state.set_user_mfa(False)
    _run(state.handle_save_user({"name": "Ada K.", "email": "ada@acme.test", "phone": ""}))
    assert state.portal_rows[0].name == "Ada K." and state.portal_rows[0].mfa == "Optional"

    # Sign out everywhere, then disable (confirmed first): sessions end, links die.
    with write_session(engine) as s:
        user = s.get(PortalUser, row.id)
        user.password_hash = "$2b$12$" + "x" * 53
        portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
    state.ask_confirm("sign_out", row.id)
    assert state.confirm_open and state.confirm_name == "Ada K."
    assert "Signed out of 1 session" in _toast(_run(state.handle_confirm()))
    state.ask_confirm("reset", row.id)
    url = shown_link(_run(state.handle_confirm()))
    assert url.startswith("http://shop.test/portal/set-password/") and "Password reset link" in state.link_for
    state.ask_confirm("disable", row.id)
    assert "Disabled" in _toast(_run(state.handle_confirm()))
    assert state.portal_rows[0].status == "disabled"
    with write_session(engine) as s:
        assert portal_auth.peek_token(s, url.rsplit("/", 1)[1], "reset") is None
        assert all(x.revoked_at for x in s.exec(select(PortalSession)))
    assert "Enabled again" in _toast(_run(state.handle_enable(row.id)))
    state.dismiss_portal_link()
    assert not state.link_shown


def test_forged_ids_of_another_customer_s_users_are_refused(state_factory, engine, shop):
    acme, other = shop["customers"][0], shop["customers"][1]
    with write_session(engine) as s:
        theirs = PortalUser(customer_id=other, group_id=shop["admin"], email="bo@example.com", name="Bo")
        s.add(theirs)
        s.flush()
        theirs_id = theirs.id
    before = _snapshot(engine)
    state = _card(state_factory, shop, Role.OWNER, acme)
    assert "no longer exists" in _toast(state.open_edit_user(theirs_id))
    assert "no longer exists" in _toast(_run(state.handle_invite(theirs_id)))
    assert "no longer exists" in _toast(_run(state.handle_enable(theirs_id)))
    assert "no longer exists" in _toast(state.ask_confirm("disable", theirs_id))
    state.confirm_kind, state.confirm_id = "disable", theirs_id  # forged straight into the confirmation
    assert "no longer exists" in _toast(_run(state.handle_confirm()))
    state.user_edit_id = theirs_id
    _run(state.handle_save_user({"name": "Hijack", "email": "evil@example.com"}))
    assert _snapshot(engine) == before and _rows(engine, PortalToken) == []


# --- bulk invitations ---------------------------------------------------------------------------------


def _list(state_factory, shop, role):
    state = _as(state_factory, StaffBulkInviteState, shop, role, "/staff/customers")
    assert state.load_customers() is None
    return state


def test_bulk_invite_two_ticked_customers_and_report_the_skipped(state_factory, engine, shop):
    state = _list(state_factory, shop, Role.FRONT_DESK)
    acme, bo, nobody = shop["customers"]
    state.toggle_customer(acme, True)
    state.toggle_customer(nobody, True)
    state.toggle_customer(bo, True)
    state.toggle_customer("²", True)
    assert state.selected_count == 3
    assert state.open_bulk_invite() is None and state.bulk_open
    assert state.bulk_group == str(shop["admin"]) and state.bulk_groups[0].label == "Admin"
    state.set_bulk_mfa(True)
    result = _run(state.handle_bulk_invite({}))
    assert "Invited 2 customers. Skipped 1 — no email address: 1." in _toast(result)
    assert state.bulk_result.startswith("Invited 2") and state.selected_ids == [] and not state.bulk_open
    assert {r.id for r in state.customer_rows if r.has_portal} == {acme, bo}  # the list shows who has access
    users = _rows(engine, PortalUser)
    assert sorted(u.email for u in users) == ["ada@acme.test", "bo@example.com"] and all(u.require_mfa for u in users)
    assert len(_rows(engine, OutboxMessage, OutboxMessage.template == "portal_invite")) == 2


def test_bulk_invite_all_matching_the_search(state_factory, engine, shop):
    state = _list(state_factory, shop, Role.MANAGER)
    state.handle_search("kowal")
    state.toggle_page(True)
    assert state.page_all_selected and state.selected_count == 3
    state.select_all_matching()
    assert state.all_matching and state.selected_count == 3
    state.toggle_customer(shop["customers"][2], False)  # unticking one turns "all" into a list
    assert not state.all_matching and state.selected_count == 2
    state.select_all_matching()
    state.open_bulk_invite()
    _run(state.handle_bulk_invite({}))
    assert "Invited 2" in state.bulk_result and "no email address: 1" in state.bulk_result
    state.clear_selection()
    assert state.selected_count == 0
    assert "Tick the customers" in _toast(state.open_bulk_invite())


def test_a_technician_cannot_bulk_invite(state_factory, engine, shop):
    before = _snapshot(engine)
    state = _list(state_factory, shop, Role.TECHNICIAN)
    state.toggle_customer(shop["customers"][0], True)
    assert "can't edit customers" in _toast(state.open_bulk_invite())
    state.bulk_group = str(shop["admin"])
    assert "can't edit customers" in _toast(_run(state.handle_bulk_invite({})))
    assert _snapshot(engine) == before
