"""Identity from the connection: HttpOnly cookies written only by HTTP routes, states reset when the
identity changes, uploads refused before their body is read, odd input answered with 4xx."""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex_base.utils.format import json_dumps
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.api.middleware import inline_script_hashes, upload_caps
from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Customer, PortalVerification, Role, StaffSession
from repair_portal.services import staff_auth
from repair_portal.state.binding import ConnectionState, IdentityBinding, binding_of
from repair_portal.state.staff_customers import StaffCustomersState
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import as_staff, connect, pass_gate

SAME_ORIGIN = {"sec-fetch-site": "same-origin"}


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def shop(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        new = factories.order(s, location, last_name="Kowalski")
        customer = s.get(Customer, new.order.customer_id)
        customer.email = "jan.kowalski@example.com"
    return {"code": new.code, "order_id": new.order.id, "client": TestClient(security_headers(api_routes()))}


def _sign_in(client, password=factories.STAFF_PASSWORD, **headers):
    return client.post(
        "/api/staff/session",
        data={"email": "desk@example.com", "password": password, "next": "/staff/customers"},
        headers={**SAME_ORIGIN, **headers},
        follow_redirects=False,
    )


def test_sign_in_route_sets_an_httponly_strict_cookie_and_nothing_else_can(shop, engine):
    response = _sign_in(shop["client"])
    assert response.status_code == 303 and response.headers["location"].endswith("/staff/customers")
    set_cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookies if c.startswith(cookies.STAFF_SESSION + "="))
    assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie and "Path=/" in session_cookie
    assert any(c.startswith(cookies.STAFF_DEVICE + "=") and "HttpOnly" in c for c in set_cookies)
    token = response.cookies[cookies.STAFF_SESSION]
    with write_session(engine) as s:
        assert staff_auth.resolve_session(s, staff_auth_settings(), token).email == "desk@example.com"


def staff_auth_settings():
    from repair_portal.settings import get_settings

    return get_settings()


def test_sign_in_route_answers_failures_on_the_sign_in_page_and_refuses_other_sites(shop):
    wrong = _sign_in(shop["client"], password="not the right password")
    assert wrong.status_code == 303 and "/staff/login?error=invalid" in wrong.headers["location"]
    assert cookies.STAFF_SESSION not in wrong.cookies
    forged = _sign_in(shop["client"], **{"sec-fetch-site": "cross-site"})
    assert forged.status_code == 403 and cookies.STAFF_SESSION not in forged.cookies
    for _ in range(5):
        _sign_in(shop["client"], password="still wrong")
    locked = _sign_in(shop["client"], password="still wrong")
    assert "error=locked" in locked.headers["location"] and "retry=" in locked.headers["location"]


def test_sign_in_route_never_redirects_off_site(shop):
    response = shop["client"].post(
        "/api/staff/session",
        data={"email": "desk@example.com", "password": factories.STAFF_PASSWORD, "next": "https://evil.example/"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )
    assert response.headers["location"].endswith("/staff") and "evil" not in response.headers["location"]


def test_sign_out_route_revokes_the_session_and_drops_the_cookie(shop, engine):
    client = shop["client"]
    token = _sign_in(client).cookies[cookies.STAFF_SESSION]
    client.cookies.set(cookies.STAFF_SESSION, token)
    response = client.post("/api/staff/session/end", headers=SAME_ORIGIN, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/staff/login")
    dropped = next(c for c in response.headers.get_list("set-cookie") if c.startswith(cookies.STAFF_SESSION))
    assert "Max-Age=0" in dropped or "expires=" in dropped.lower()
    assert "storage" in response.headers["clear-site-data"]
    with write_session(engine) as s:
        assert s.exec(select(StaffSession)).one().revoked_at is not None
        assert "staff.logout" in [e.action for e in s.exec(select(AuditEvent))]


def test_the_session_comes_from_the_connection_not_from_the_client_state(shop, state_factory, engine):
    """A replayed client token on a new connection without the cookie has no identity, and the
    data the state held is gone before anything (even the hydrate) is sent."""
    token = _sign_in(shop["client"]).cookies[cookies.STAFF_SESSION]
    state = as_staff(state_factory(StaffCustomersState, path="/staff/customers"), token)
    root = state._get_root_state()
    binder = IdentityBinding()
    _run(binder.preprocess(None, root, None))
    assert state.load_customers() is None
    assert "jan.kowalski@example.com" in str(root.dict())
    # The same client token, now on a connection that carries no cookie (a replay, or after sign-out).
    connect(state)
    _run(binder.preprocess(None, root, None))
    assert "jan.kowalski@example.com" not in str(root.dict()) and state.customer_rows == []
    assert state.staff_name == ""
    assert state.load_customers() is not None  # and its handlers see no one
    assert state.customer_rows == []


def test_a_different_person_on_the_same_client_starts_from_empty_states(shop, state_factory, engine):
    first = _sign_in(shop["client"]).cookies[cookies.STAFF_SESSION]
    second = _sign_in(TestClient(security_headers(api_routes()))).cookies[cookies.STAFF_SESSION]
    state = as_staff(state_factory(StaffCustomersState, path="/staff/customers"), first)
    root = state._get_root_state()
    _run(IdentityBinding().preprocess(None, root, None))
    state.load_customers()
    before = root.get_substate(ConnectionState.get_full_name().split(".")[1:])._binding
    as_staff(state, second)
    _run(IdentityBinding().preprocess(None, root, None))
    assert state.customer_rows == []
    assert root.get_substate(ConnectionState.get_full_name().split(".")[1:])._binding != before
    assert binding_of(None) == binding_of("") == binding_of("other=1")


def test_no_session_or_device_token_is_a_state_var(shop, state_factory):
    token = _sign_in(shop["client"]).cookies[cookies.STAFF_SESSION]
    state = as_staff(state_factory(StaffCustomersState, path="/staff/customers"), token)
    state.load_customers()
    track = state_factory(TrackState, path=f"/track/{shop['code']}")
    device, _ = pass_gate(track, "Kowalski")
    for root in (state._get_root_state(), track._get_root_state()):
        sent = json_dumps(root.dict())  # what a hydrate sends the browser
        assert token not in sent and device not in sent
        assert "cookie" not in sent.lower()


def test_last_name_route_sets_an_httponly_lax_device_cookie(shop, state_factory, engine):
    state = state_factory(TrackState, path=f"/track/{shop['code']}")
    state.load_tracking()
    assert state.status == "gate"
    _, response = pass_gate(state, "kowalski")
    assert state.status == "ok"
    device_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(cookies.DEVICE + "="))
    assert "HttpOnly" in device_cookie and "SameSite=lax" in device_cookie
    with write_session(engine) as s:
        assert len(s.exec(select(PortalVerification)).all()) == 1
    refused = shop["client"].post(
        f"/api/track/{shop['code']}/verify",
        data={"last_name": "Kowalski"},
        headers={"sec-fetch-site": "cross-site"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


def test_a_wrong_name_and_a_lockout_come_back_to_the_gate(shop, state_factory):
    state = state_factory(TrackState, path=f"/track/{shop['code']}")
    for _ in range(5):
        pass_gate(state, "Smith")
    assert "doesn't match" in state.gate_error
    _, response = pass_gate(state, "Kowalski")  # the right name, but the link is locked for now
    assert "gate=locked" in response.headers["location"] and "Too many attempts" in state.gate_error
    assert state.status == "gate"


def test_parallel_last_name_guesses_compare_at_most_the_limit(shop, state_factory, engine):
    from repair_portal.api.portal import _check_last_name

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(
            pool.map(lambda i: _check_last_name(shop["code"], f"Guess{i}", "d" * 30, f"192.0.2.{i}", "ua"), range(40))
        )
    with write_session(engine) as s:
        compared = s.exec(select(AuditEvent).where(AuditEvent.action == "portal.last_name_failed")).all()
    assert len(compared) <= 5 and sum(1 for o in outcomes if o.retry_after_minutes) >= 35


# --- uploads: refused from the headers alone ------------------------------------------------------


def _asgi_upload(headers: dict[str, str]):
    """Call the hardened app with an upload request; returns (status, bytes the app asked to read)."""
    read = [0]

    async def receive():
        read[0] += 65536
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def inner(scope, receive, send):  # stands in for Reflex: reads everything it is given
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/_upload",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }

    async def in_app():  # as Reflex runs every request: with its contexts set
        from repair_portal.repair_portal import app

        app._set_contexts_internal()
        await security_headers(inner)(scope, receive, send)

    _run(in_app())
    return sent[0]["status"], read[0]


ORDER_UPLOAD = next(name for name in upload_caps() if name.endswith("staff_order_files_state.handle_upload"))


def test_anonymous_huge_upload_is_refused_before_its_body_is_read(shop):
    status, read = _asgi_upload(
        {"reflex-client-token": "t" * 36, "reflex-event-handler": ORDER_UPLOAD, "content-length": str(300 * 2**20)}
    )
    assert status == 413 and read == 0
    status, read = _asgi_upload(
        {"reflex-client-token": "t" * 36, "reflex-event-handler": ORDER_UPLOAD, "content-length": "1000"}
    )
    assert status == 403 and read == 0


def test_uploads_name_only_upload_handlers_and_declare_their_size(shop):
    for handler in ("reflex___state____state.nope.handle_upload", "", ORDER_UPLOAD.replace("handle_upload", "load")):
        status, read = _asgi_upload(
            {"reflex-client-token": "t", "reflex-event-handler": handler, "content-length": "9"}
        )
        assert status == 400 and read == 0
    status, read = _asgi_upload({"reflex-client-token": "t", "reflex-event-handler": ORDER_UPLOAD})
    assert status == 411 and read == 0


def test_an_upload_with_a_valid_cookie_but_another_tabs_token_is_refused(shop):
    token = _sign_in(shop["client"]).cookies[cookies.STAFF_SESSION]
    status, read = _asgi_upload(
        {
            "reflex-client-token": "someone-elses-client-token",
            "reflex-event-handler": ORDER_UPLOAD,
            "content-length": "1000",
            "cookie": f"{cookies.STAFF_SESSION}={token}",
        }
    )
    assert status == 403 and read == 0


# --- odd input: 4xx, never 500 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/branding/logo/%C2%B2",
        "/api/branding/logo/" + "9" * 23,
        "/api/branding/logo/-1",
        "/api/track/not-a-code/files/%C2%B2",
        "/api/track/not-a-code/quote.pdf",
    ],
)
def test_odd_public_paths_answer_404(shop, path):
    assert shop["client"].get(path).status_code == 404


def test_odd_ids_on_staff_and_portal_routes_answer_404(shop):
    client = shop["client"]
    client.cookies.set(cookies.STAFF_SESSION, _sign_in(client).cookies[cookies.STAFF_SESSION])
    for raw in ("9" * 40, "%C2%B2", "-1", "0", "1e3"):
        assert client.get(f"/api/staff/orders/{raw}/ticket.pdf").status_code == 404
        assert client.get(f"/api/track/{shop['code']}/files/{raw}").status_code == 404


def test_a_big_form_post_is_refused_before_it_is_parsed(shop):
    response = shop["client"].post(
        "/api/staff/session", content=b"a=" + b"x" * (200 * 1024), headers={**SAME_ORIGIN, "content-type": "x"}
    )
    assert response.status_code == 413


# --- headers -------------------------------------------------------------------------------------


def _html_app(body: bytes, *, encoding: bytes | None = None):
    async def app(scope, receive, send):
        headers = [(b"content-type", b"text/html; charset=utf-8")]
        if encoding:
            headers.append((b"content-encoding", encoding))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:], "more_body": False})

    return app


def test_every_page_gets_a_csp_that_allows_exactly_its_own_inline_scripts():
    page = b"<html><head><script>window.a=1</script><script src='/x.js'></script></head><body>hi</body></html>"
    for body, encoding in ((page, None), (gzip.compress(page), b"gzip")):
        response = TestClient(security_headers(_html_app(body, encoding=encoding))).get("/staff/login")
        csp = response.headers["content-security-policy"]
        assert response.content == page  # the body is passed on whole (the client decodes gzip)
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert f"'sha256-{inline_script_hashes(page)[0]}'" in csp and "'unsafe-inline'" not in csp.split("style")[0]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_static_pages_sent_zero_copy_get_their_csp_too(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(b"<html><script>go()</script></html>")

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.pathsend", "path": str(page)})

    sent = []

    async def collect(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    _run(security_headers(app)({"type": "http", "method": "GET", "path": "/", "headers": []}, receive, collect))
    headers = dict(sent[0]["headers"])
    assert inline_script_hashes(page.read_bytes())[0].encode() in headers[b"content-security-policy"]
    assert b"".join(m.get("body", b"") for m in sent[1:]) == page.read_bytes()


def test_view_as_customer_goes_through_a_route_so_the_page_never_holds_the_link(shop):
    client = shop["client"]
    client.cookies.set(cookies.STAFF_SESSION, _sign_in(client).cookies[cookies.STAFF_SESSION])
    response = client.get(f"/api/staff/orders/{shop['order_id']}/portal", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/track/{shop['code']}?preview=staff")
    assert client.get("/api/staff/orders/99999/portal", follow_redirects=False).status_code == 404


def test_identity_cookies_are_secure_under_https():
    from starlette.responses import Response

    response = Response()
    cookies.put(response, cookies.STAFF_SESSION, "value", secure=True)
    cookies.put(response, cookies.DEVICE, "value", secure=True)
    written = response.headers.getlist("set-cookie")
    assert all("Secure" in c and "HttpOnly" in c for c in written)
    assert "SameSite=strict" in written[0] and "SameSite=lax" in written[1]
