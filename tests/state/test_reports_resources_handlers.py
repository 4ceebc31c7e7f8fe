"""Service report card and shared files, called the way the pages call them: who may do what, what
reaches the browser's state, and that an unshared file or a group without the permission gets nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal import cookies
from repair_portal.db import session_scope, write_session
from repair_portal.models import (
    Customer,
    PermissionGroup,
    PortalUser,
    ReportStatus,
    ResourceFile,
    ResourceShare,
    Role,
    ServiceReport,
)
from repair_portal.services import audit, portal_auth, portal_permissions, resources, staff_auth
from repair_portal.state.portal_resources import PortalResourcesState
from repair_portal.state.staff_order_report import StaffOrderReportState
from repair_portal.state.staff_resources import StaffResourcesState

from .. import factories
from .conftest import as_staff, connect, redirect_path, run
from .test_upload_handlers import Upload


@pytest.fixture
def shop(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        for role in (Role.TECHNICIAN, Role.OWNER, Role.FRONT_DESK):
            factories.staff(s, email=f"{role.value}@example.com", role=role)
        order_id = factories.order(s, location).order.id
    tokens = {
        role: staff_auth.sign_in(
            engine, app_env, email=f"{role.value}@example.com", password=factories.STAFF_PASSWORD
        ).token
        for role in (Role.TECHNICIAN, Role.OWNER, Role.FRONT_DESK)
    }
    return {"order_id": order_id, "tokens": tokens, "engine": engine, "settings": app_env}


def _card(state_factory, shop, role):
    page = state_factory(StaffOrderReportState, path=f"/staff/orders/{shop['order_id']}")
    state = as_staff(page, shop["tokens"][role])
    state.load_order()
    state.load_report()
    return state


def _reports(engine) -> list[ServiceReport]:
    with session_scope(engine) as s:
        return list(s.exec(select(ServiceReport).order_by(ServiceReport.id)))


def test_a_technician_writes_the_report_and_an_owner_approves_it(state_factory, shop):
    tech = _card(state_factory, shop, Role.TECHNICIAN)
    assert tech.can_write_reports and not tech.can_approve_reports and tech.report_status == ""
    tech.open_report_editor()
    assert tech.report_editing
    run(tech.handle_save_report({"findings": "Dust in the fan", "work_done": "Cleaned", "technician_id": "none"}))
    assert tech.report_status == "draft" and not tech.report_editing
    assert tech.report_shown.findings == "Dust in the fan"
    run(tech.handle_approve_report())  # the guard refuses: technicians don't approve
    assert _reports(shop["engine"])[0].status == ReportStatus.DRAFT.value
    owner = _card(state_factory, shop, Role.OWNER)
    run(owner.handle_approve_report())
    assert owner.report_status == "approved" and owner.report_shown.approved.startswith("Approved")
    owner.open_report_editor()  # approved: frozen
    assert not owner.report_editing
    run(owner.handle_new_revision())
    assert [(r.revision, r.status) for r in _reports(shop["engine"])] == [(1, "approved"), (2, "draft")]
    assert owner.report_live_approved


def test_the_second_editor_gets_the_conflict_and_the_first_editors_text_survives(state_factory, shop):
    first = _card(state_factory, shop, Role.TECHNICIAN)
    first.open_report_editor()
    run(first.handle_save_report({"findings": "Start"}))
    first.open_report_editor()
    second = _card(state_factory, shop, Role.OWNER)
    second.open_report_editor()
    run(first.handle_save_report({"findings": "First wins"}))
    run(second.handle_save_report({"findings": "Second loses"}))
    assert second.report_editing and "saved this service report" in second.report_conflict
    assert second.report_values["findings"] == "Second loses"  # their typing is kept on top
    assert _reports(shop["engine"])[0].findings == "First wins"
    run(second.handle_save_report({"findings": "Second, deliberately"}))
    assert _reports(shop["engine"])[0].findings == "Second, deliberately"


def test_front_desk_reads_the_report_but_cannot_write_it(state_factory, shop):
    desk = _card(state_factory, shop, Role.FRONT_DESK)
    assert not desk.can_write_reports
    desk.open_report_editor()
    run(desk.handle_save_report({"findings": "forged"}))
    assert _reports(shop["engine"]) == []


# --- shared files ------------------------------------------------------------------------------


def _settings_page(state_factory, shop, role=Role.OWNER):
    state = as_staff(state_factory(StaffResourcesState, path="/staff/settings/shared-files"), shop["tokens"][role])
    state.load_shared_files()
    return state


def test_owners_make_folders_upload_and_share_files(state_factory, shop):
    page = _settings_page(state_factory, shop)
    page.handle_add_folder({"folder_name": "Certificates"})
    assert [f.name for f in page.folders] == ["Certificates"] and page.upload_folder_id
    run(page.handle_upload([Upload("PAT.pdf", factories.tiny_pdf("PAT")), Upload("evil.html", b"<html>")]))
    assert "evil.html" in page.upload_error
    [item] = page.folders[0].files
    assert item.sharing == "Not shared yet"
    with write_session(shop["engine"]) as s:
        account = Customer(last_name="W", company="Northwind", kind="business")
        s.add(account)
        s.flush()
        account_id = account.id
    page.open_sharing(item.id)
    assert [a.name for a in page.sharing_accounts] == ["Northwind"]
    page.handle_save_sharing({f"account_{account_id}": "on", "account_999999": "on", "account_²": "on"})
    assert page.folders[0].files[0].sharing == "1 account"
    page.handle_delete_folder(page.folders[0].id)  # not empty: refused
    assert len(page.folders) == 1
    run(page.handle_delete_file(item.id))
    assert page.folders[0].files == []
    assert list(resources.storage_dir(shop["settings"].uploads_dir).glob("*.pdf")) == []


def test_technicians_and_front_desk_cannot_touch_shared_files(state_factory, shop):
    for role in (Role.TECHNICIAN, Role.FRONT_DESK):
        page = _settings_page(state_factory, shop, role)
        assert redirect_path(page.handle_add_folder({"folder_name": "Forged"})) == "/staff"
        assert page.folders == []
    with session_scope(shop["engine"]) as s:
        assert s.exec(select(ResourceFile)).all() == []


@pytest.fixture
def portal(shop):
    """Two accounts, each with a portal admin; a group without "view resources"; three files."""
    engine, settings = shop["engine"], shop["settings"]
    with write_session(engine) as s:
        ours = Customer(last_name="W", company="Northwind", kind="business")
        theirs = Customer(last_name="R", company="Rival Ltd", kind="business")
        s.add_all([ours, theirs])
        s.flush()
        folder = resources.add_folder(s, "Certificates", audit.SYSTEM)
        manuals = resources.add_folder(s, "Manuals", audit.SYSTEM)
        store = resources.storage_dir(settings.uploads_dir)

        def upload(target, name, everyone):
            item = resources.prepare(store, name, factories.tiny_pdf(name))
            return resources.add_file(s, target.id, item, shared_with_all=everyone, actor=audit.SYSTEM)

        upload(manuals, "Handbook", True)
        resources.set_sharing(s, upload(folder, "Our certificate", False).id, False, [ours.id], audit.SYSTEM)
        resources.set_sharing(s, upload(folder, "Rival certificate", False).id, False, [theirs.id], audit.SYSTEM)
        upload(folder, "Unshared draft", False)
        admin = portal_permissions.builtin_group(s, portal_permissions.ADMIN)
        no_resources = PermissionGroup(name="No resources", permissions_json='["orders.view_all", "files.view"]')
        s.add(no_resources)
        s.flush()

        def cookie(email, group, customer):
            user = PortalUser(customer_id=customer.id, group_id=group.id, email=email)
            s.add(user)
            s.flush()
            return portal_auth.open_session(s, settings, user, ip="", user_agent="", mfa_passed=True)

        return {
            "ours": cookie("dana@northwind.test", admin, ours),
            "theirs": cookie("eve@rival.test", admin, theirs),
            "no_resources": cookie("raj@northwind.test", no_resources, ours),
        }


def _portal_page(state_factory, cookie):
    state = connect(state_factory(PortalResourcesState, path="/portal/files"), **{cookies.PORTAL_SESSION: cookie})
    return state, state.load_shared_files()


def test_an_account_sees_only_what_is_shared_with_it(state_factory, portal):
    page, _ = _portal_page(state_factory, portal["ours"])
    seen = {f.name: [x.title for x in f.files] for f in page.shared_folders}
    assert seen == {"Manuals": ["Handbook"], "Certificates": ["Our certificate"]}
    rival, _ = _portal_page(state_factory, portal["theirs"])
    assert {x.title for f in rival.shared_folders for x in f.files} == {"Handbook", "Rival certificate"}


def test_a_group_without_the_permission_gets_nothing_in_its_state(state_factory, portal):
    page, result = _portal_page(state_factory, portal["no_resources"])
    assert page.shared_folders == [] and not page.shared_loaded
    assert redirect_path(result) == "/portal"
    sent = str(page._get_root_state().dict())
    # (the file titles: "certificates" is also a word of the staff asset settings' field labels)
    assert "Handbook" not in sent and "Our certificate" not in sent and "Rival certificate" not in sent


def test_nobody_signed_in_gets_nothing(state_factory, portal):
    page, result = _portal_page(state_factory, "")
    assert page.shared_folders == [] and redirect_path(result) == "/portal/sign-in"
    with session_scope() as s:
        assert len(s.exec(select(ResourceShare)).all()) == 2


def test_the_portal_card_renders_the_report_views_it_is_given():
    import reflex as rx

    from repair_portal.components.portal.service_reports import service_reports_card
    from repair_portal.services.service_reports import ServiceReportView

    views = rx.Var.create([ServiceReportView(1, "Service report", "2 Dec 2026", "Tess Tech", "/api/r/1.pdf")])
    rendered = str(service_reports_card(views).render())
    assert "Service reports" in rendered and "Download PDF" in rendered
