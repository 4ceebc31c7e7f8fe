"""Staff "view as this user" end to end through the route and the account pages' guard: the preview shows
the user's account, runs only read-only handlers, and stops with the staff session or the cookie."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import AuditEvent, PortalUser, Role
from repair_portal.services import staff_auth
from repair_portal.state.portal_passkeys import PortalPasskeysState
from repair_portal.state.portal_security import PortalSecurityState
from repair_portal.state.portal_session import PortalSessionState

from .. import factories
from ..portal_factories import business, portal_user
from .conftest import connect, make_state, redirect_path, run


def _world(engine, app_env):
    with write_session(engine) as s:
        factories.shop(s)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        account = business(s, "Harbour Freight Ltd")
        user = portal_user(s, customer=account, email="kim@harbour.test", name="Kim Harbour")
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    return user.id, account.id, token


def _start(token: str | None, user_id, site: str = "same-origin"):
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    if token:
        client.cookies.set(cookies.STAFF_SESSION, token)
    return client.post(routes.staff_portal_preview(user_id), follow_redirects=False, headers={"sec-fetch-site": site})


def test_view_as_this_user_opens_their_account_read_only(engine, app_env):
    user_id, account_id, token = _world(engine, app_env)
    answer = _start(token, user_id)
    assert answer.status_code == 303 and answer.headers["location"].endswith("/portal?preview=staff")
    value = answer.cookies[cookies.PORTAL_PREVIEW]
    assert (
        "httponly" in answer.headers["set-cookie"].lower() and "samesite=strict" in answer.headers["set-cookie"].lower()
    )
    jar = {cookies.PORTAL_PREVIEW: value, cookies.STAFF_SESSION: token}

    home = connect(make_state(PortalSessionState, path="/portal"), **jar)
    assert home.portal_guard() is None
    assert home.account_name == "Harbour Freight Ltd" and home.account_user == "Kim Harbour"
    assert home.preview_by == "Dee Desk"

    security = connect(make_state(PortalSecurityState, path="/portal/security"), **jar)
    assert security.load_security() is None  # reading is allowed
    refused = run(security.handle_change_password({"current": "x", "new": "y" * 14, "confirm": "y" * 14}))
    assert refused is not None and "staff preview" in str(refused).lower()
    keys = connect(make_state(PortalPasskeysState, path="/portal/security"), **jar)
    assert keys.start_passkey({"name": "sneaky"}) is not None and not keys.passkey_busy
    with write_session(engine) as s:
        assert s.get(PortalUser, user_id).password_hash is not None
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "portal.preview_started")).all()) == 1

    # The preview cookie without the staff session, or after signing out, is nobody.
    alone = connect(make_state(PortalSessionState, path="/portal"), **{cookies.PORTAL_PREVIEW: value})
    assert redirect_path(alone.portal_guard()) == routes.PORTAL_SIGN_IN
    with write_session(engine) as s:
        staff_auth.sign_out(s, token)
    after = connect(make_state(PortalSessionState, path="/portal"), **jar)
    assert redirect_path(after.portal_guard()) == routes.PORTAL_SIGN_IN and after.preview_by == ""

    end = TestClient(security_headers(api_routes()))
    end.cookies.set(cookies.PORTAL_PREVIEW, value)
    ended = end.post(routes.STAFF_PORTAL_PREVIEW_END, follow_redirects=False, headers={"sec-fetch-site": "same-origin"})
    assert ended.status_code == 303 and ended.headers["location"].endswith(routes.staff_customer(account_id))
    assert 'rp_portal_preview=""' in ended.headers["set-cookie"] or "max-age=0" in ended.headers["set-cookie"].lower()


def test_only_a_signed_in_staff_member_from_our_pages_starts_a_preview(engine, app_env):
    user_id, _, token = _world(engine, app_env)
    assert _start(None, user_id).status_code == 404
    assert _start("forged-staff-session-token-aaaaaaaa", user_id).status_code == 404
    assert _start(token, user_id, site="cross-site").status_code == 403
    assert _start(token, user_id + 999).status_code == 404
    with write_session(engine) as s:
        s.get(PortalUser, user_id).active = False
    assert _start(token, user_id).status_code == 404
