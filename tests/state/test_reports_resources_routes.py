"""The service report and shared-file downloads: who gets them, and that everyone else gets a 4xx."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import Customer, PermissionGroup, PortalUser, Role, ShopSettings
from repair_portal.services import (
    audit,
    portal_access,
    portal_auth,
    portal_permissions,
    resources,
    service_reports,
    staff_auth,
)
from repair_portal.services.portal_permissions import Perm

from .. import factories

DEVICE = "device-verified-for-the-report-order-01"


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK)
        account = Customer(last_name="Whitfield", company="Northwind", kind="business")
        rival = Customer(last_name="Rival", company="Rival Ltd", kind="business")
        s.add_all([account, rival])
        s.flush()
        walk_in = factories.order(s, location)
        portal_access.remember(s, walk_in.order.id, DEVICE, "last_name")
        new = factories.order(s, location, last_name="Whitfield")
        order = new.order
        order.customer_id = account.id
        s.add(order)
        form = service_reports.ReportForm(findings="Fan clogged", work_done="Cleaned")
        reports = {}
        for key, order_id in (("walk_in", walk_in.order.id), ("account", order.id)):
            draft, _ = service_reports.save_draft(s, order_id, None, service_reports.ReportForm(), form, audit.SYSTEM)
            reports[key] = service_reports.approve(s, order_id, draft.id, draft.version, audit.SYSTEM).id
        draft = service_reports.start_revision(s, order.id, audit.SYSTEM)  # a revision being drafted
        folder = resources.add_folder(s, "Certificates", audit.SYSTEM)
        store = resources.storage_dir(app_env.uploads_dir)

        def upload(name, everyone):
            item = resources.prepare(store, name, factories.tiny_pdf(name))
            return resources.add_file(s, folder.id, item, shared_with_all=everyone, actor=audit.SYSTEM).id

        files = {"all": upload("Manual.pdf", True), "ours": upload("Ours.pdf", False), "rival": upload("R.pdf", False)}
        resources.set_sharing(s, files["ours"], False, [account.id], audit.SYSTEM)
        resources.set_sharing(s, files["rival"], False, [rival.id], audit.SYSTEM)
        admin = portal_permissions.builtin_group(s, portal_permissions.ADMIN)
        bare = PermissionGroup(name="Orders only", permissions_json='["orders.view_all"]')
        mine = PermissionGroup(name="Mine", permissions_json='["orders.view_mine", "files.view"]')
        s.add_all([bare, mine])
        s.flush()

        def session_of(email, group, customer):
            user = PortalUser(customer_id=customer.id, group_id=group.id, email=email)
            s.add(user)
            s.flush()
            return user, portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)

        _, admin_cookie = session_of("dana@northwind.test", admin, account)
        _, bare_cookie = session_of("bare@northwind.test", bare, account)
        mine_user, mine_cookie = session_of("raj@northwind.test", mine, account)
        _, rival_cookie = session_of("eve@rival.test", admin, rival)
        ids = {"walk_in": walk_in.order.id, "account": order.id, "draft": draft.id, "mine_user": mine_user.id}
    staff = {
        who: staff_auth.sign_in(engine, app_env, email=f"{who}@example.com", password=factories.STAFF_PASSWORD).token
        for who in ("tech", "desk")
    }
    return {
        **ids,
        "code": walk_in.code,
        "reports": reports,
        "files": files,
        "portal": {"admin": admin_cookie, "bare": bare_cookie, "mine": mine_cookie, "rival": rival_cookie},
        "staff": staff,
        "engine": engine,
    }


def _client(**jar) -> TestClient:
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for name, value in jar.items():
        client.cookies.set(name, value)
    return client


def _portal(w, who) -> TestClient:
    return _client(**{cookies.PORTAL_SESSION: w["portal"][who]})


def test_staff_print_any_revision_of_their_orders_reports(world):
    tech = _client(**{cookies.STAFF_SESSION: world["staff"]["tech"]})
    approved = tech.get(routes.staff_service_report_pdf(world["account"], world["reports"]["account"]))
    assert approved.status_code == 200 and approved.content.startswith(b"%PDF-")
    assert approved.headers["x-content-type-options"] == "nosniff"
    draft = tech.get(routes.staff_service_report_pdf(world["account"], world["draft"]))
    assert draft.status_code == 200 and "draft" in draft.headers["content-disposition"]
    # another order's report through this order's path: nothing
    assert tech.get(routes.staff_service_report_pdf(world["walk_in"], world["draft"])).status_code == 404


def test_the_link_visitor_gets_the_approved_report_only_while_documents_are_shared(world):
    device = _client(**{cookies.DEVICE: DEVICE})
    path = routes.track_service_report_pdf(world["code"], world["reports"]["walk_in"])
    assert device.get(path).status_code == 200
    assert _client().get(path).status_code == 403  # the link alone: the last-name check first
    assert device.get(routes.track_service_report_pdf(world["code"], world["reports"]["account"])).status_code == 404
    assert device.get(routes.track_service_report_pdf(world["code"], world["draft"])).status_code == 404
    with write_session(world["engine"]) as s:
        s.get(ShopSettings, 1).show_documents = False
    assert device.get(path).status_code == 404


def test_the_account_gets_its_approved_report_within_its_group_and_its_own_orders(world):
    path = routes.portal_service_report_pdf(world["account"], world["reports"]["account"])
    response = _portal(world, "admin").get(path)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert _portal(world, "bare").get(path).status_code == 403  # no files.view
    assert _portal(world, "rival").get(path).status_code == 404  # another account's order
    assert _portal(world, "mine").get(path).status_code == 404  # not an order this user requested
    with write_session(world["engine"]) as s:
        from repair_portal.models import Order

        s.get(Order, world["account"]).requested_by_id = world["mine_user"]
    assert _portal(world, "mine").get(path).status_code == 200
    draft = routes.portal_service_report_pdf(world["account"], world["draft"])
    walk_in = routes.portal_service_report_pdf(world["walk_in"], world["reports"]["walk_in"])
    assert _portal(world, "admin").get(draft).status_code == 404
    assert _portal(world, "admin").get(walk_in).status_code == 404
    assert _client().get(path).status_code == 401


def test_shared_files_download_only_for_the_accounts_they_are_shared_with(world):
    admin = _portal(world, "admin")
    shared = admin.get(routes.portal_resource_file(world["files"]["ours"]))
    assert shared.status_code == 200 and shared.content.startswith(b"%PDF-")
    assert shared.headers["content-disposition"].startswith("attachment;")
    assert shared.headers["x-content-type-options"] == "nosniff"
    assert admin.get(routes.portal_resource_file(world["files"]["all"])).status_code == 200
    assert admin.get(routes.portal_resource_file(world["files"]["rival"])).status_code == 404
    for forged in ("²", "9" * 23, "-1", "0"):
        assert admin.get(f"/api/portal/files/{forged}").status_code == 404
    assert _portal(world, "bare").get(routes.portal_resource_file(world["files"]["all"])).status_code == 403
    assert _portal(world, "rival").get(routes.portal_resource_file(world["files"]["ours"])).status_code == 404
    assert _client().get(routes.portal_resource_file(world["files"]["all"])).status_code == 401
    with write_session(world["engine"]) as s:  # the portal switched off: no account downloads at all
        s.get(ShopSettings, 1).portal_enabled = False
    assert admin.get(routes.portal_resource_file(world["files"]["all"])).status_code == 404


def test_staff_without_the_right_to_manage_shared_files_get_none(world):
    desk = _client(**{cookies.STAFF_SESSION: world["staff"]["desk"]})
    assert desk.get(routes.staff_resource_file(world["files"]["ours"])).status_code == 403


def test_the_customer_views_list_what_the_pdf_routes_serve(world):
    with write_session(world["engine"]) as s:
        views = service_reports.for_customer(
            s, world["account"], lambda i: routes.portal_service_report_pdf(world["account"], i)
        )
    assert [v.pdf_url for v in views] == [
        routes.portal_service_report_pdf(world["account"], world["reports"]["account"])
    ]
    assert Perm.FILES_VIEW.value == "files.view"
