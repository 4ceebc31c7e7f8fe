"""Request a job through the handlers: only a group with "orders.request", only the account's own sites
and assets, one order per form however often it is sent, and a staff preview that can look but not send."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from reflex_base.utils.format import json_dumps
from sqlmodel import func, select

from repair_portal import cookies
from repair_portal.api.middleware import _has_portal_session, portal_uploads, upload_caps
from repair_portal.db import write_session
from repair_portal.models import Attachment, AuditEvent, Order, OutboxMessage, PermissionGroup, Role, Stage
from repair_portal.services import assets, audit, portal_auth, portal_preview, sites, staff_auth
from repair_portal.services.assets import AssetForm
from repair_portal.state.portal_request import NEW_DEVICE, PortalRequestState

from .. import factories, portal_factories
from .conftest import connect, make_state, redirect_path, run

STAFF = audit.Actor("system", None, "test")
THEIR_SECRET = "HARBOUR-SECRET-SERIAL"


class Upload:
    def __init__(self, name: str, data: bytes):
        self.filename, self._data = name, data

    async def read(self, limit: int = -1) -> bytes:
        return self._data[:limit] if limit >= 0 else self._data


class Untouchable:
    filename = "x.jpg"

    async def read(self, *_):
        raise AssertionError("a refused request read the upload")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 120), "teal").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        location.email = "desk@shop.example"
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        mine = portal_factories.business(s, "Quay Works Ltd")
        theirs = portal_factories.business(s, "Harbour Ltd")
        office = sites.save_site(s, mine.id, None, "Head office", "5 Wharf Road", STAFF)
        their_site = sites.save_site(s, theirs.id, None, "Harbour depot", "1 Quay", STAFF)
        laptop = assets.save_asset(s, mine.id, None, AssetForm(asset_tag="QW-1", kind="Laptop"), STAFF)
        their_asset = assets.save_asset(
            s, theirs.id, None, AssetForm(asset_tag="HB-1", kind="Scanner", serial=THEIR_SECRET), STAFF
        )
        view_only = PermissionGroup(name="Orders only", permissions_json='["orders.view_all", "assets.view"]')
        requesters = PermissionGroup(name="Requesters", permissions_json='["orders.request"]')
        s.add_all([view_only, requesters])
        s.flush()
        users = {
            "admin": portal_factories.portal_user(s, email="pat@quay.test", customer=mine),
            "view_only": portal_factories.portal_user(s, email="olly@quay.test", customer=mine, group=view_only),
            "requester": portal_factories.portal_user(s, email="rita@quay.test", customer=mine, group=requesters),
            "their_admin": portal_factories.portal_user(s, email="hal@harbour.test", customer=theirs),
        }
        portal = {
            k: portal_auth.open_session(s, app_env, u, ip="", user_agent="", mfa_passed=True) for k, u in users.items()
        }
        admin_id = users["admin"].id
    owner = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    with write_session(engine) as s:
        preview = portal_preview.start(s, app_env, owner, admin_id, ip="", user_agent="")
    return {
        "portal": portal,
        "office": office.id,
        "their_site": their_site.id,
        "laptop": laptop.id,
        "their_asset": their_asset.id,
        "admin_id": admin_id,
        "owner": owner,
        "preview": preview,
    }


def _page(token: str | None, **jar):
    return connect(
        make_state(PortalRequestState, path="/portal/orders/new"), **{cookies.PORTAL_SESSION: token or ""}, **jar
    )


def _fill(state, **values):
    defaults = {"job_type": "Repair", "asset": "", "description": "Screen flickers after lunch"}
    for name, value in {**defaults, **values}.items():
        state.set_request_field(name, str(value))


def _counts(engine) -> tuple[int, int, int]:
    with write_session(engine) as s:
        orders = s.exec(select(func.count()).select_from(Order)).one()
        mails = s.exec(select(func.count()).select_from(OutboxMessage)).one()
        requested = s.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "order.requested")
        ).one()
    return orders, mails, requested


def test_a_good_request_makes_exactly_one_order_one_email_and_one_audit_row(world, engine):
    state = _page(world["portal"]["admin"])
    assert state.load_request() is None and state.request_loaded and state.taking_requests
    assert [o.label for o in state.site_options] == ["Head office"] and state.values["site"] == str(world["office"])
    assert [o.value for o in state.asset_options] == [str(world["laptop"])]
    assert state.job_type_options == ["Repair", "Service", "Installation"]
    sent = json_dumps(state._get_root_state().dict())
    assert THEIR_SECRET not in sent and "HB-1" not in sent and "Harbour" not in sent and state._ticket not in sent
    _fill(state, asset=str(world["laptop"]), po_number="PO-1", preferred_date="")
    result = run(state.handle_submit([Upload("site.jpg", _jpeg())]))
    assert _counts(engine) == (1, 1, 1), (state.errors, state.form_error)
    with write_session(engine) as s:
        order = s.exec(select(Order)).one()
        assert s.get(Stage, order.stage_id).kind == "requested"
        assert order.requested_by_id == world["admin_id"] and order.site_id == world["office"]
        assert order.device_id == world["laptop"] and order.po_number == "PO-1"
        assert s.exec(select(Attachment).where(Attachment.order_id == order.id)).one().visible_to_customer
        order_id = order.id
    assert redirect_path(result) == f"/portal/orders/{order_id}"
    assert state.values["description"] == "" and state.errors == {}
    # A double click (or the same upload sent again): still one order, and the browser goes to it.
    _fill(state)
    again = run(state.handle_submit([]))
    assert _counts(engine) == (1, 1, 1) and redirect_path(again) == f"/portal/orders/{order_id}"


def test_a_group_without_orders_request_gets_nothing_and_creates_nothing(world, engine):
    state = _page(world["portal"]["view_only"])
    refusal = state.load_request()
    assert redirect_path(refusal) == "/portal" and not state.request_loaded
    assert state.site_options == [] and state.asset_options == []
    _fill(state, site=str(world["office"]), asset=str(world["laptop"]))
    run(state.handle_submit([Untouchable()]))
    run(state.handle_submit([]))
    assert _counts(engine) == (0, 0, 0)
    nobody = _page(None)
    run(nobody.handle_submit([Untouchable()]))
    assert _counts(engine) == (0, 0, 0)


def test_another_accounts_site_and_asset_are_refused(world, engine):
    state = _page(world["portal"]["admin"])
    state.load_request()
    _fill(state, site=str(world["their_site"]), asset=str(world["their_asset"]))
    assert run(state.handle_submit([Upload("a.jpg", _jpeg())])) is None
    assert set(state.errors) == {"site", "device"} and "one of your sites" in state.errors["site"]
    _fill(state, site="²", asset="9" * 40)  # malformed ids: the same refusal, never a crash
    run(state.handle_submit([]))
    assert set(state.errors) == {"site", "device"}
    assert _counts(engine) == (0, 0, 0)
    # Harbour's own admin can't reach Quay's site either.
    theirs = _page(world["portal"]["their_admin"])
    theirs.load_request()
    assert [o.label for o in theirs.site_options] == ["Harbour depot"]
    _fill(theirs, site=str(world["office"]), asset=NEW_DEVICE, new_kind="Printer")
    run(theirs.handle_submit([]))
    assert "site" in theirs.errors and _counts(engine) == (0, 0, 0)


def test_a_group_without_assets_view_describes_a_new_device_and_never_sees_assets(world, engine):
    state = _page(world["portal"]["requester"])
    state.load_request()
    assert state.asset_options == [] and state.asks_new_device
    _fill(state, site=str(world["office"]), asset=str(world["laptop"]), new_kind="Printer", new_make="HP")
    run(state.handle_submit([]))  # an asset id it was never offered is ignored: the new device is used
    with write_session(engine) as s:
        order = s.exec(select(Order)).one()
        assert order.device_id != world["laptop"] and order.requested_by_id is not None


def test_a_staff_preview_opens_the_form_but_cannot_send_it(world, engine):
    state = _page(None, **{cookies.PORTAL_PREVIEW: world["preview"], cookies.STAFF_SESSION: world["owner"]})
    assert state.load_request() is None and state.request_loaded
    _fill(state, site=str(world["office"]), asset=str(world["laptop"]))
    run(state.handle_submit([Untouchable()]))
    assert _counts(engine) == (0, 0, 0)


def test_a_form_that_was_never_loaded_sends_nothing(world, engine):
    state = _page(world["portal"]["admin"])
    _fill(state, site=str(world["office"]), asset=str(world["laptop"]))
    run(state.handle_submit([]))
    assert "Reload the page" in state.form_error and _counts(engine) == (0, 0, 0)


def test_too_many_photos_are_refused_before_any_is_read(world, engine):
    state = _page(world["portal"]["admin"])
    state.load_request()
    _fill(state, asset=str(world["laptop"]))
    run(state.handle_submit([Untouchable()] * 11))
    assert "at most 10" in state.errors["photos"] and _counts(engine) == (0, 0, 0)


def test_portal_uploads_need_a_portal_session_with_the_permission(world):
    name = next(n for n in portal_uploads() if n.endswith("portal_request_state.handle_submit"))
    assert portal_uploads()[name] == "orders.request" and upload_caps()[name] >= 15 * 2**20
    for who, allowed in (("admin", True), ("requester", True), ("view_only", False)):
        assert _has_portal_session(f"{cookies.PORTAL_SESSION}={world['portal'][who]}", "orders.request") is allowed
    preview = f"{cookies.PORTAL_PREVIEW}={world['preview']}; {cookies.STAFF_SESSION}={world['owner']}"
    assert not _has_portal_session(preview, "orders.request")  # a preview uploads nothing
    assert not _has_portal_session(f"{cookies.STAFF_SESSION}={world['owner']}", "orders.request")
    assert not _has_portal_session("", "orders.request")
