"""Every HTTP route × every identity that must not use it × odd and foreign ids: a 4xx answer
(never a 500), and nothing of the order in the body."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from starlette.routing import Route
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import Customer, Role, ShopSettings
from repair_portal.services import (
    attachments,
    audit,
    consents,
    counter,
    portal_access,
    portal_auth,
    quotes,
    staff_auth,
)

from .. import factories, portal_factories
from ..unit.test_consents import _png

CANARY = "Canary-Secret-Surname"
OTHER_DEVICE = "device-verified-for-another-order-000001"


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        canary = factories.order(s, location, last_name=CANARY)
        quote = quotes.create_quote(s, canary.order, [quotes.LineSpec("Screen", 1, 9900)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        photo = io.BytesIO()
        Image.new("RGB", (32, 32), "blue").save(photo, format="JPEG")
        item = attachments.add_attachment(
            s, app_env.uploads_dir, canary.order, "p.jpg", photo.getvalue(), visible=True, actor=audit.SYSTEM
        )
        other = factories.order(s, location, last_name="Other")
        portal_access.remember(s, other.order.id, OTHER_DEVICE, "last_name")
        s.get(Customer, canary.order.customer_id).email = "canary@example.com"
        report_id = _approved_report(s, canary.order.id)
        file_id = _unshared_resource(s, app_env.uploads_dir)
        signature, _ = consents.sign(
            s,
            canary.order,
            "data_consent",
            signer_name="Ada " + CANARY,
            png=_png(),
            auth_method="link_last_name",
            ip="",
            user_agent="",
            actor=audit.SYSTEM,
        )
    tokens = {
        who: staff_auth.sign_in(engine, app_env, email=f"{who}@example.com", password=factories.STAFF_PASSWORD).token
        for who in ("tech", "owner")
    }
    revoked = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    locked = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    with write_session(engine) as s:
        staff_auth.sign_out(s, revoked)
        admin = portal_factories.portal_user(s, email="admin@quay.test", password=None)  # an account's Admin
        portal = portal_auth.open_session(s, app_env, admin, ip="", user_agent="", mfa_passed=True)
        assert s.get(ShopSettings, 1).show_photos
        locked_id = staff_auth.resolve_session(s, app_env, locked).session_id
        counter.start(s, locked_id, other.order.id, "data_consent", audit.SYSTEM)
    return {
        "code": canary.code,
        "other_code": other.code,
        "order_id": canary.order.id,
        "other_order_id": other.order.id,
        "attachment_id": item.id,
        "tokens": tokens,
        "revoked": revoked,
        "locked": locked,
        "portal": portal,
        "signature_id": signature.id,
        "report_id": report_id,
        "file_id": file_id,
    }


def _approved_report(s, order_id: int) -> int:
    from repair_portal.services import service_reports

    form = service_reports.ReportForm(findings=f"Findings for {CANARY}")
    report, _ = service_reports.save_draft(s, order_id, None, service_reports.ReportForm(), form, audit.SYSTEM)
    return service_reports.approve(s, order_id, report.id, report.version, audit.SYSTEM).id


def _unshared_resource(s, uploads_dir) -> int:
    """A shared file no account has been given (every portal route must refuse it)."""
    from repair_portal.services import resources

    folder = resources.add_folder(s, "Certificates", audit.SYSTEM)
    item = resources.prepare(resources.storage_dir(uploads_dir), "c.pdf", factories.tiny_pdf(CANARY))
    return resources.add_file(s, folder.id, item, shared_with_all=False, actor=audit.SYSTEM).id


ROUTES = [r for r in api_routes().routes if isinstance(r, Route)]


def _paths(route: Route, w) -> list[str]:
    """The route with the canary's ids, another order's, and malformed ones."""
    values = {
        "order_id": [str(w["order_id"]), "²", "9" * 40, "-1"],
        "code": [w["code"], "not-a-real-code", "%00"],
        "attachment_id": [str(w["attachment_id"]), "²", "9" * 23],
        "location_id": ["1", "²", "9" * 23],
        "signature_id": [str(w["signature_id"]), "²", "9" * 23],
        "token": ["not-a-real-link-token-aaaaaaaaaaaa", "²", "x" * 300],
        "portal_user_id": ["1", "²", "9" * 23, "-1"],
        "invoice_id": ["1", "²", "9" * 23, "-1"],
        "customer_id": ["1", "²", "9" * 23, "-1"],
        "asset_id": ["1", "²", "9" * 23],
        "test_id": ["1", "²", "9" * 23],
        "photo_id": ["1", "²", "9" * 23],
        "report_id": [str(w["report_id"]), "²", "9" * 23],
        "file_id": [str(w["file_id"]), "²", "9" * 23],
    }
    paths = [route.path]
    for name in route.param_convertors:
        paths = [p.replace("{" + name + "}", v) for p in paths for v in values[name]]
    return paths


def _refused_identities(route: Route, w) -> dict[str, dict]:
    """Who must get nothing of the canary order from this route."""
    found = {
        "no one": {},
        "forged staff session": {cookies.STAFF_SESSION: "forged-session-token-aaaaaaaaaaaa"},
        "signed-out staff session": {cookies.STAFF_SESSION: w["revoked"]},
    }
    if route.path.startswith("/api/track/"):
        found["another order's customer"] = {cookies.DEVICE: OTHER_DEVICE}
    if route.path.startswith("/api/staff/orders/"):  # a browser handed to a customer at the counter
        found["owner's session locked to the counter screen"] = {cookies.STAFF_SESSION: w["locked"]}
    if not route.path.startswith("/api/portal/"):  # (their own account's routes: test_portal_route_table.py)
        found["a customer account's portal admin, signed in"] = {cookies.PORTAL_SESSION: w["portal"]}
    return found


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_every_route_refuses_strangers_and_odd_ids_without_a_server_error(world, route):
    tried = 0
    for who, jar in _refused_identities(route, world).items():
        client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
        for name, value in jar.items():
            client.cookies.set(name, value)
        for path in _paths(route, world):
            for method in sorted(route.methods - {"HEAD"}):
                response = client.request(method, path, follow_redirects=False, headers={"sec-fetch-site": "none"})
                assert response.status_code < 500, f"{method} {path} as {who}: {response.status_code}"
                assert CANARY.encode() not in response.content, f"{method} {path} as {who} leaked the order"
                is_public = path.endswith(("/qr.png", "/health")) or "/branding/logo/" in path or "/session" in path
                if response.status_code == 200 and not is_public:
                    pytest.fail(f"{method} {path} answered 200 to {who}")
                tried += 1
    assert tried


def test_a_technician_cannot_reach_past_print_permission_or_into_other_orders_by_path(world):
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    client.cookies.set(cookies.STAFF_SESSION, world["tokens"]["tech"])
    assert client.get(f"/api/staff/orders/{world['order_id']}/ticket.pdf").status_code == 200  # technicians print
    customer = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    customer.cookies.set(cookies.DEVICE, OTHER_DEVICE)
    # The other order's verified customer asks for the canary's file through their own code: 404.
    assert customer.get(f"/api/track/{world['other_code']}/files/{world['attachment_id']}").status_code == 404
    assert customer.get(f"/api/track/{world['other_code']}/files/{world['attachment_id']}").content.find(b"JFIF") < 0


LOOKUP_FORMS = [
    None,
    {},
    {"reference": "", "last_name": ""},
    {"reference": "²", "last_name": CANARY},
    {"reference": "9" * 40, "last_name": CANARY},
    {"reference": "-1", "last_name": CANARY},
    {"reference": "%00", "last_name": "\x00"},
    {"reference": "R-10001"},
    {"last_name": CANARY},
    {"reference": "R-10001", "last_name": "Not-The-Canary"},  # the canary's order, the wrong name
    {"reference": "R-10002", "last_name": CANARY},  # another order, the canary's name
    {"reference": "x" * 5000, "last_name": "y" * 5000},
]


def test_the_lookup_route_answers_odd_and_wrong_forms_with_the_form_again_and_no_order(world):
    """POST /api/lookup from every identity with missing, malformed and wrong fields: a redirect back
    to /lookup with a message (or a 4xx), never a 500, never the canary's name or tracking code."""
    tried = 0
    for who, jar in _refused_identities(Route(routes.LOOKUP_POST, lambda r: None), world).items():
        client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
        for name, value in jar.items():
            client.cookies.set(name, value)
        for form in LOOKUP_FORMS:
            for site in ("cross-site", "same-origin"):
                response = client.post(
                    routes.LOOKUP_POST, data=form, follow_redirects=False, headers={"sec-fetch-site": site}
                )
                location = response.headers.get("location", "")
                assert response.status_code < 500, f"{form} as {who}: {response.status_code}"
                assert response.status_code in (303, 400, 413), f"{form} as {who}: {response.status_code}"
                assert CANARY.encode() not in response.content and CANARY not in location, f"{form} as {who}"
                assert world["code"] not in location and world["other_code"] not in location, f"{form} as {who}"
                assert response.status_code != 303 or location.split("?")[0].endswith(routes.LOOKUP)
                tried += 1
    assert tried >= 60
