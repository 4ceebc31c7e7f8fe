"""/lookup and POST /api/lookup: the page's loader, the route's answers and cookie, the widget's framing
headers, and the portal's off-switch on every customer page, route and handler."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from reflex.istate.data import RouterData
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.api.portal_switch import OFF_TEXT
from repair_portal.db import write_session
from repair_portal.models import Customer, Message, PortalVerification, Role, ShopSettings
from repair_portal.services import audit, order_lookup, portal_links, staff_auth
from repair_portal.state.lookup import LookupState
from repair_portal.state.portal_session import PortalSessionState
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import make_state, redirect_path

SECRET_PROBLEM = "Secret problem only the customer may read"
OFF_URL = "https://myshop.example/online-tracking-is-off"


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def shop(app_env, engine):
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        location.phone = "+442079460123"
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        new = factories.order(s, location, last_name="Kowalski", problem=SECRET_PROBLEM)
        s.get(Customer, new.order.customer_id).email = "jan.kowalski@example.com"
    token = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    return {
        "code": new.code,
        "order_id": new.order.id,
        "reference": new.order.reference,
        "location_id": location.id,
        "staff": token,
    }


def _client(**cookie_values) -> TestClient:
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for name, value in cookie_values.items():
        client.cookies.set(name, value)
    return client


def _post(data, *, client=None, **headers):
    """The form as the shop's own website posts it (another site: the browser says cross-site)."""
    client = client or _client()
    return client.post(
        "/api/lookup", data=data, headers={"sec-fetch-site": "cross-site", **headers}, follow_redirects=False
    )


def _at(state, path_and_query: str, cookie: str = ""):
    """The same client state, now at this address (as the browser is after a redirect)."""
    root = state._get_root_state()
    pathname = urlsplit(path_and_query).path
    data = {
        "pathname": pathname,
        "asPath": path_and_query,
        "headers": {"user-agent": "pytest-browser", "origin": "", **({"cookie": cookie} if cookie else {})},
        "ip": "203.0.113.9",
    }
    root.router_data = data
    root.router = RouterData.from_router_data(data)
    return state


def _lookup_page(query: str = "", cookie: str = ""):
    state = _at(make_state(LookupState, path="/lookup"), "/lookup" + query, cookie)
    return state, state.load_lookup()


def _location_of(response) -> str:
    parts = urlsplit(response.headers["location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _switch_off(engine, url: str = "") -> None:
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        shop.portal_enabled, shop.portal_off_url = False, url


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_form_with_the_shops_face_and_nothing_else(shop):
    state, result = _lookup_page()
    assert result is None and state.status == "form" and state.error == ""
    assert state.shop_name == "Test Repairs" and state.contact.phone == "020 7946 0123"
    assert state.form_action.endswith("/api/lookup")


def test_the_route_answers_come_back_as_messages_without_the_order(shop):
    state, _ = _lookup_page("?error=mismatch&ref=r10001")
    assert state.error == order_lookup.MISMATCH and state.typed_reference == "R-10001"
    locked, _ = _lookup_page("?error=locked&retry=7")
    assert "try again in 7 minutes" in locked.error
    odd, _ = _lookup_page("?error=<b>&retry=²&ref=<script>")
    assert odd.error == "" and odd.typed_reference == ""
    for page in (state, locked, odd):
        assert "Kowalski" not in str(page.dict()) and SECRET_PROBLEM not in str(page.dict())


def test_the_link_off_answer_shows_the_orders_location_to_call(shop, engine):
    with write_session(engine) as s:
        from repair_portal.models import Location

        other = Location(name="Upper Street", phone="+442079460456")
        s.add(other)
        s.flush()
        other_id = other.id
    state, _ = _lookup_page(f"?result=link_off&at={other_id}")
    assert state.status == "link_off" and state.contact.name == "Upper Street"
    forged, _ = _lookup_page("?result=link_off&at=²")
    assert forged.status == "link_off" and forged.contact.name == "High Street"  # the main location


# --- the route -----------------------------------------------------------------------------------


def test_the_right_name_opens_the_tracking_page_without_asking_again(shop):
    response = _post({"reference": shop["reference"].removeprefix("R-"), "last_name": " kowalski "})
    assert response.status_code == 303
    assert _location_of(response) == f"/track/{shop['code']}?verified=1"
    set_cookie = response.headers["set-cookie"].lower()
    assert set_cookie.startswith(cookies.DEVICE) and "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert response.headers["cache-control"] == "no-store"
    device = response.cookies[cookies.DEVICE]
    track = _at(make_state(TrackState, path="/track/x"), _location_of(response), f"{cookies.DEVICE}={device}")
    track.load_tracking()
    assert track.status == "ok" and track.view.problem == SECRET_PROBLEM  # no gate on this device


def test_an_existing_device_cookie_is_kept_and_remembered(shop, engine):
    device = "an-existing-device-token-0000000001"
    response = _post({"reference": shop["reference"], "last_name": "Kowalski"}, client=_client(rp_device=device))
    assert response.cookies[cookies.DEVICE] == device
    with write_session(engine) as s:
        assert [v.method for v in s.exec(select(PortalVerification))] == ["lookup"]


def test_a_wrong_name_and_an_unknown_order_get_the_same_answer(shop):
    wrong = _post({"reference": shop["reference"], "last_name": "Smith"})
    missing = _post({"reference": "R-99999", "last_name": "Smith"})
    for response, ref in ((wrong, shop["reference"]), (missing, "R-99999")):
        assert response.status_code == 303 and shop["code"] not in response.headers["location"]
        assert parse_qs(urlsplit(response.headers["location"]).query) == {"error": ["mismatch"], "ref": [ref]}
    assert wrong.content == missing.content
    assert set(wrong.headers) == set(missing.headers)
    state, _ = _lookup_page(_location_of(wrong).removeprefix("/lookup"))
    assert state.error == order_lookup.MISMATCH and state.status == "form"


def test_five_wrong_names_lock_the_lookup_of_that_order(shop):
    for i in range(5):
        _post({"reference": shop["reference"], "last_name": f"Wrong{i}"})
    locked = _post({"reference": shop["reference"], "last_name": "Kowalski"})
    query = parse_qs(urlsplit(locked.headers["location"]).query)
    assert query["error"] == ["locked"] and query["retry"] == ["15"] and shop["code"] not in locked.headers["location"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"data": {"reference": "", "last_name": ""}},
        {"data": {"reference": "²", "last_name": "Kowalski"}},
        {"data": {"reference": "R-10001"}},
        {"data": {"reference": "x" * 5000, "last_name": "y" * 5000}},
        {"content": b'{"reference": "R-10001", "last_name": "x"}', "headers": {"content-type": "application/json"}},
        {"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=x"}},
        {"content": b"a=" + b"x" * (100 * 1024), "headers": {"content-type": "application/x-www-form-urlencoded"}},
    ],
)
def test_odd_posts_get_a_4xx_or_the_form_again_and_never_the_order(shop, kwargs):
    response = _client().post("/api/lookup", follow_redirects=False, **kwargs)
    assert response.status_code in (303, 400, 413), response.status_code
    assert shop["code"] not in response.headers.get("location", "") and b"Kowalski" not in response.content
    if response.status_code == 303:
        assert _location_of(response).startswith("/lookup?error=incomplete")


def test_a_switched_off_link_says_call_us_after_the_right_name(shop, engine):
    with write_session(engine) as s:
        portal_links.revoke(s, shop["order_id"], audit.SYSTEM)
    response = _post({"reference": shop["reference"], "last_name": "Kowalski"})
    assert _location_of(response) == f"/lookup?result=link_off&at={shop['location_id']}"
    state, _ = _lookup_page(_location_of(response).removeprefix("/lookup"))
    assert state.status == "link_off" and state.contact.phone == "020 7946 0123"


# --- framing: only the lookup page, only by the listed websites -----------------------------------


def _html_app(scope, receive, send):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html><body>page</body></html>"})

    return app(scope, receive, send)


def test_only_the_lookup_page_may_be_framed_and_only_by_the_listed_websites(shop, engine):
    with write_session(engine) as s:
        s.get(
            ShopSettings, 1
        ).lookup_frame_origins = "https://www.myshop.example\nbad; script-src *\nhttp://127.0.0.1:8123"
    pages = TestClient(security_headers(_html_app))
    for path in ("/lookup", "/lookup/", "/lookup?embed=1"):
        response = pages.get(path)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'self' https://www.myshop.example http://127.0.0.1:8123" in csp
        assert "script-src *" not in csp and "x-frame-options" not in response.headers
    for path in (f"/track/{shop['code']}", "/portal", "/staff/login", "/lookup-not", "/"):
        response = pages.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
    redirect = _post({"reference": "R-99999", "last_name": "x"})  # the form's answer, inside the frame
    assert redirect.headers["content-security-policy"].startswith("frame-ancestors 'self' https://www.myshop.example")
    assert "x-frame-options" not in redirect.headers
    other_route = _client().get(f"/api/track/{shop['code']}/qr.png")
    assert other_route.headers["x-frame-options"] == "DENY"


def test_the_widget_is_a_plain_form_that_opens_the_answer_in_the_whole_window(shop, engine):
    with write_session(engine) as s:
        shop_row = s.get(ShopSettings, 1)
        shop_row.accent_color, shop_row.lookup_frame_origins = "#ff0000", "https://www.myshop.example"
    pages = TestClient(security_headers(_html_app))
    for path in ("/lookup?embed=1", "/lookup/?embed=1"):
        response = pages.get(path)
        page = response.text
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        assert '<form id="lookup-form" action="/api/lookup" method="post" target="_top">' in page
        assert '<label for="lookup-reference">' in page and '<label for="lookup-last-name">' in page
        assert 'name="reference"' in page and 'name="last_name"' in page and "<h1" in page
        assert "<script" not in page and "background: transparent" in page
        assert "--accent: #" in page and "#ff0000" not in page  # pure red darkened until white reads on it
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'self' https://www.myshop.example" in csp and "x-frame-options" not in response.headers
    assert pages.head("/lookup?embed=1").status_code == 200
    assert "<h1" not in pages.get("/lookup?embed=0").text  # the page itself (here: the stand-in app)


def test_the_widget_says_call_us_when_the_portal_is_off(shop, engine):
    _switch_off(engine)
    page = TestClient(security_headers(_html_app)).get("/lookup?embed=1").text
    assert 'id="portal-off"' in page and 'href="tel:+442079460123"' in page and "<form" not in page
    _switch_off(engine, OFF_URL)
    page = TestClient(security_headers(_html_app)).get("/lookup?embed=1", follow_redirects=False).text
    assert f'href="{OFF_URL}" target="_top"' in page and "<form" not in page  # not the site inside its own frame


def test_with_no_websites_listed_the_lookup_page_is_ours_alone(shop):
    response = TestClient(security_headers(_html_app)).get("/lookup?embed=1")
    assert "frame-ancestors 'self';" in response.headers["content-security-policy"] + ";"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


# --- the off-switch ------------------------------------------------------------------------------


def test_off_with_an_address_every_customer_page_and_route_goes_there(shop, engine):
    _switch_off(engine, OFF_URL)
    pages = TestClient(security_headers(_html_app))
    for path in (f"/track/{shop['code']}", "/lookup", "/portal", "/portal/sign-in"):
        response = pages.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == OFF_URL, path
    assert pages.get("/staff/login").status_code == 200  # staff pages aren't the portal
    posted = _post({"reference": shop["reference"], "last_name": "Kowalski"})
    assert posted.status_code == 303 and posted.headers["location"] == OFF_URL and "set-cookie" not in posted.headers
    files = _client().get(f"/api/track/{shop['code']}/quote.pdf", follow_redirects=False)
    assert files.status_code == 404 and files.text == OFF_TEXT
    _, result = _lookup_page()
    assert redirect_path(result) == OFF_URL
    track = _at(make_state(TrackState, path="/track/x"), f"/track/{shop['code']}")
    assert redirect_path(track.load_tracking()) == OFF_URL and track.status == "portal_off"
    assert SECRET_PROBLEM not in str(track.dict())


def test_off_without_an_address_the_pages_say_call_us(shop, engine):
    _switch_off(engine, "javascript:alert(1)")  # not a web address: treated as none
    pages = TestClient(security_headers(_html_app))
    assert pages.get(f"/track/{shop['code']}", follow_redirects=False).status_code == 200  # the page explains
    assert pages.get("/lookup", follow_redirects=False).status_code == 200
    account = pages.get("/portal/sign-in", follow_redirects=False)
    assert account.status_code == 303 and account.headers["location"] == "/lookup"
    posted = _post({"reference": shop["reference"], "last_name": "Kowalski"})
    assert urlsplit(posted.headers["location"]).path == "/lookup" and "set-cookie" not in posted.headers
    gate = _client().post(f"/api/track/{shop['code']}/verify", data={"last_name": "Kowalski"}, follow_redirects=False)
    assert urlsplit(gate.headers["location"]).path == f"/track/{shop['code']}" and "set-cookie" not in gate.headers
    state, result = _lookup_page()
    assert result is None and state.status == "off" and state.contact.phone == "020 7946 0123"
    track = _at(make_state(TrackState, path="/track/x"), f"/track/{shop['code']}")
    assert track.load_tracking() is None and track.status == "portal_off"
    assert track.contact.phone == "020 7946 0123" and track.reference == "" and SECRET_PROBLEM not in str(track.dict())


def test_off_a_verified_customers_open_page_can_no_longer_act(shop, engine):
    device = _post({"reference": shop["reference"], "last_name": "Kowalski"}).cookies[cookies.DEVICE]
    track = _at(make_state(TrackState, path="/track/x"), f"/track/{shop['code']}", f"{cookies.DEVICE}={device}")
    track.load_tracking()
    assert track.status == "ok"
    _switch_off(engine)
    _run(track.handle_message({"body": "still here?"}))
    assert _run(track.reload()) == TrackState.load_tracking  # refused: the page loads again, and says why
    track.load_tracking()
    with write_session(engine) as s:
        assert s.exec(select(Message)).all() == []
    assert track.status == "portal_off" and SECRET_PROBLEM not in str(track.dict())


def test_off_staff_previews_still_work(shop, engine):
    _switch_off(engine, OFF_URL)
    staff_cookie = f"{cookies.STAFF_SESSION}={shop['staff']}"
    track = _at(make_state(TrackState, path="/track/x"), f"/track/{shop['code']}?preview=staff", staff_cookie)
    track.load_tracking()
    assert track.preview and track.status == "ok" and track.view.problem == SECRET_PROBLEM
    page, result = _lookup_page("?preview=staff", staff_cookie)
    assert result is None and page.status == "form"
    pages = TestClient(security_headers(_html_app))
    pages.cookies.set(cookies.STAFF_SESSION, shop["staff"])
    assert pages.get(f"/track/{shop['code']}?preview=staff", follow_redirects=False).status_code == 200
    preview_file = _client(**{cookies.STAFF_SESSION: shop["staff"]}).get(f"/api/track/{shop['code']}/qr.png")
    assert preview_file.status_code == 200
    forged = TestClient(security_headers(_html_app))
    forged.cookies.set(cookies.STAFF_SESSION, "forged-session-token-aaaaaaaaaaaa")
    assert forged.get(f"/track/{shop['code']}?preview=staff", follow_redirects=False).status_code == 303
    not_asked = _at(make_state(TrackState, path="/track/x"), f"/track/{shop['code']}", staff_cookie)
    assert redirect_path(not_asked.load_tracking()) == OFF_URL  # a staff cookie alone is no preview


def test_off_the_account_sign_in_routes_do_nothing_but_signing_out_still_works(shop, engine):
    """The portal's own HTTP routes (password, passkey, emailed link) are switched off with the pages."""
    sign_in = (routes.PORTAL_SIGN_IN_POST, routes.PORTAL_PASSKEY_POST)
    for url, where in ((OFF_URL, OFF_URL), ("", "/lookup")):
        _switch_off(engine, url)
        client = _client()
        for path in sign_in:
            answer = client.post(path, data={"email": "a@example.com", "password": "x" * 14}, follow_redirects=False)
            assert answer.status_code == 303 and "set-cookie" not in answer.headers, path
            assert answer.headers["location"] == where or urlsplit(answer.headers["location"]).path == where, path
        magic = client.get(routes.PORTAL_MAGIC.replace("{token}", "a" * 43), follow_redirects=False)
        assert magic.status_code == 303 and "set-cookie" not in magic.headers
        out = client.post(
            routes.PORTAL_SIGN_OUT_POST, follow_redirects=False, headers={"sec-fetch-site": "same-origin"}
        )
        assert out.status_code == 303 and urlsplit(out.headers["location"]).path == routes.PORTAL_SIGN_IN


def test_off_account_pages_send_signed_in_users_away(shop, engine):
    _switch_off(engine)
    state = _at(make_state(PortalSessionState, path="/portal"), "/portal")
    assert redirect_path(state.portal_guard()) == "/lookup"
    _switch_off(engine, OFF_URL)
    assert redirect_path(state.portal_guard()) == OFF_URL
