"""Every route that serves a stored file answers the project's plain 404 (never a 500) when the database row
is there but the file has gone from disk: order photos (/track and the account portal), asset certificates
and defect photos (staff and portal), shared resources (staff and portal) and the shop's logo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.api.common import MISSING_FILE
from repair_portal.db import write_session
from repair_portal.models import (
    AssetTest,
    Attachment,
    DefectPhoto,
    Location,
    Order,
    ResourceFile,
    Role,
    ShopSettings,
)
from repair_portal.services import (
    asset_records,
    assets,
    attachments,
    audit,
    branding,
    portal_access,
    portal_auth,
    resources,
    staff_auth,
)
from repair_portal.services.asset_records import DefectForm, TestForm
from repair_portal.services.assets import AssetForm

from .. import factories, portal_factories

DEVICE = "device-verified-for-the-missing-files-01"


def _image(fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def world(app_env, engine):
    files = app_env.uploads_dir
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        account = portal_factories.business(s)
        made = factories.order(s, location)
        order = s.get(Order, made.order.id)
        order.customer_id = account.id
        s.add(order)
        portal_access.remember(s, order.id, DEVICE, "last_name")
        photo = attachments.add_attachment(s, files, order, "p.jpg", _image(), visible=True, actor=audit.SYSTEM)
        asset = assets.save_asset(s, account.id, None, AssetForm(asset_tag="QW-1", kind="Laptop"), audit.SYSTEM)
        certificate = asset_records.prepare_certificate(files, "cert.pdf", factories.tiny_pdf("cert"))
        test = asset_records.record_test(s, asset.id, TestForm("2026-01-05", "pass", "C-1"), certificate, audit.SYSTEM)
        photos, _ = asset_records.prepare_photos(files, [("d.jpg", _image())])
        found = DefectForm("high", "Cracked", "2026-01-06")
        defect = asset_records.record_defect(s, asset.id, found, photos, audit.SYSTEM)
        defect_photo = s.exec(select(DefectPhoto).where(DefectPhoto.defect_id == defect.id)).one()
        folder = resources.add_folder(s, "Manuals", audit.SYSTEM)
        item = resources.prepare(resources.storage_dir(files), "m.pdf", factories.tiny_pdf("manual"))
        shared = resources.add_file(s, folder.id, item, shared_with_all=True, actor=audit.SYSTEM)
        branding.set_logo(s, files, _image("PNG"), audit.SYSTEM)
        user = portal_factories.portal_user(s, customer=account)
        portal_cookie = portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
        stored = {
            "order photo": files / photo.storage_name,
            "certificate": files / s.get(AssetTest, test.id).certificate_name,
            "defect photo": files / defect_photo.storage_name,
            "resource": resources.storage_dir(files) / s.get(ResourceFile, shared.id).storage_name,
            "logo": files / s.get(ShopSettings, 1).logo_path,
        }
        location_id = s.exec(select(Location.id)).first()
    staff_cookie = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD)
    as_staff = {cookies.STAFF_SESSION: staff_cookie.token}
    as_portal = {cookies.PORTAL_SESSION: portal_cookie}
    # (name, the file it serves, the path, the identity allowed to fetch it)
    cases = [
        ("track photo", "order photo", f"/api/track/{made.code}/files/{photo.id}", {cookies.DEVICE: DEVICE}),
        ("account photo", "order photo", routes.portal_order_api(order.id, f"/files/{photo.id}"), as_portal),
        ("staff certificate", "certificate", routes.asset_certificate(asset.id, test.id, portal=False), as_staff),
        ("portal certificate", "certificate", routes.asset_certificate(asset.id, test.id, portal=True), as_portal),
        ("staff defect photo", "defect photo", routes.defect_photo(asset.id, defect_photo.id, portal=False), as_staff),
        ("portal defect photo", "defect photo", routes.defect_photo(asset.id, defect_photo.id, portal=True), as_portal),
        ("staff resource", "resource", routes.staff_resource_file(shared.id), as_staff),
        ("portal resource", "resource", routes.portal_resource_file(shared.id), as_portal),
        ("logo", "logo", "/api/branding/logo/0", {}),
    ]
    return {"stored": stored, "cases": cases, "location_id": location_id}


def _get(path: str, jar: dict):
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for name, value in jar.items():
        client.cookies.set(name, value)
    return client.get(path)


def test_every_file_route_serves_the_file_and_answers_404_once_it_is_gone(world):
    stored: dict[str, Path] = world["stored"]
    served = {name: _get(path, jar) for name, _, path, jar in world["cases"]}
    assert {name: r.status_code for name, r in served.items()} == {name: 200 for name in served}
    for path in stored.values():
        path.unlink()
    for name, _, path, jar in world["cases"]:
        answer = _get(path, jar)
        assert answer.status_code == 404, f"{name}: {answer.status_code}"
        assert answer.headers["content-type"].startswith("text/plain") and answer.headers["cache-control"] == "no-store"
        assert answer.text in (MISSING_FILE, "No such file", "No logo"), f"{name}: {answer.text}"


@pytest.mark.parametrize("replacement", ["directory", "nothing"])
def test_a_file_replaced_by_a_directory_or_removed_with_its_folder_is_404_too(world, replacement):
    """What `is_file()` checks used to miss between the check and the read: any way the file is not there."""
    for path in world["stored"].values():
        path.unlink()
        if replacement == "directory":
            path.mkdir()
    for name, _, path, jar in world["cases"]:
        assert _get(path, jar).status_code == 404, name


def test_a_file_that_vanishes_just_after_a_check_is_404_not_500(world, monkeypatch):
    """The race a `path.is_file()` check leaves open (deleted between the check and the read): every route
    reads once and answers 404 for whatever is not there."""
    monkeypatch.setattr(Path, "is_file", lambda self: True)  # every check says "there"…
    for path in world["stored"].values():
        path.unlink()  # …and the files are gone
    for name, _, path, jar in world["cases"]:
        assert _get(path, jar).status_code == 404, name


def test_an_order_photo_missing_from_disk_leaves_the_row_and_other_files_alone(world, engine):
    world["stored"]["order photo"].unlink()
    _, _, path, jar = world["cases"][0]
    assert _get(path, jar).status_code == 404
    with write_session(engine) as s:
        assert len(s.exec(select(Attachment)).all()) == 1  # nothing deleted or rewritten by the 404
    certificate = next(c for c in world["cases"] if c[0] == "portal certificate")
    assert _get(certificate[2], certificate[3]).status_code == 200
