"""The portal's sign-in pages and routes: the HTTP routes that write the cookie, and the handlers of the
sign-in, second-step, security and choose-a-password pages, called as a browser's connection would."""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex.istate.data import RouterData
from reflex_base.utils.format import json_dumps
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.integrations import vault
from repair_portal.models import OutboxMessage, PortalSession, PortalUser
from repair_portal.services import portal_auth, portal_mfa
from repair_portal.services.passwords import verify_password
from repair_portal.state.portal_security import PortalSecurityState
from repair_portal.state.portal_set_password import PortalSetPasswordState
from repair_portal.state.portal_sign_in import ANSWER_FLOOR_SECONDS, PortalSignInState
from repair_portal.state.portal_verify import PortalVerifyState

from .. import factories
from ..portal_factories import PORTAL_PASSWORD, code_at, portal_user
from .conftest import connect, make_state, redirect_path

NEW_PASSWORD = "violet kettle under the bridge"


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        factories.shop(s)
        pat = portal_user(s)
        strict = portal_user(s, email="lee@quay.test", name="Lee Quay", require_mfa=True)
    return {"pat": pat.id, "strict": strict.id, "settings": app_env, "engine": engine}


def _client() -> TestClient:
    return TestClient(security_headers(api_routes()), raise_server_exceptions=False)


def _run(result):
    """A handler's result as the app would see it: coroutines awaited, generators drained (last item)."""
    if inspect.iscoroutine(result):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, result).result()
    if inspect.isasyncgen(result):

        async def drain():
            return [item async for item in result]

        with ThreadPoolExecutor(1) as pool:
            items = pool.submit(asyncio.run, drain()).result()
        return [i for i in items if i is not None]
    return result


def _state(cls, path: str, session_cookie: str | None = None):
    state = make_state(cls, path=path.split("?")[0])
    if "?" in path:
        root = state._get_root_state()
        root.router_data = {**root.router_data, "asPath": path}
        root.router = RouterData.from_router_data(root.router_data)
    return connect(state, **{cookies.PORTAL_SESSION: session_cookie or ""})


def _scripts(result) -> str:
    items = result if isinstance(result, list) else [result]
    return " ".join(str(dict((str(k), v) for k, v in getattr(i, "args", ())).get("javascript_code", "")) for i in items)


def _password_sign_in(client, email="pat@quay.test", password=PORTAL_PASSWORD):
    return client.post("/api/portal/session", data={"email": email, "password": password}, follow_redirects=False)


# --- HTTP routes -------------------------------------------------------------------------------------


def test_password_sign_in_sets_an_httponly_cookie_and_opens_the_account(world):
    response = _password_sign_in(_client())
    assert response.status_code == 303 and response.headers["location"].endswith("/portal")
    set_cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    session_cookie = next(c for c in set_cookie if c.startswith(cookies.PORTAL_SESSION))
    assert "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower()
    assert any(c.startswith(cookies.PORTAL_DEVICE) and "samesite=strict" in c.lower() for c in set_cookie)
    with write_session(world["engine"]) as s:
        token = response.cookies.get(cookies.PORTAL_SESSION)
        assert portal_auth.signed_in(portal_auth.resolve(s, world["settings"], token))


def test_password_sign_in_with_mfa_required_goes_to_the_second_step(world):
    response = _password_sign_in(_client(), email="lee@quay.test")
    assert response.status_code == 303 and response.headers["location"].endswith("/portal/verify")


def test_wrong_passwords_get_one_answer_then_a_lock(world):
    client = _client()
    for _ in range(world["settings"].login_max_failures_per_account):
        response = _password_sign_in(client, password="not the password at all")
        assert response.headers["location"].endswith("/portal/sign-in?error=invalid")
        assert cookies.PORTAL_SESSION not in response.cookies
    locked = _password_sign_in(client)
    assert re.search(r"/portal/sign-in\?error=locked&retry=\d+$", locked.headers["location"])
    unknown = _password_sign_in(_client(), email="nobody@quay.test")
    assert unknown.headers["location"].endswith("?error=invalid")


def test_a_cross_site_post_cannot_sign_anyone_in(world):
    client = _client()
    response = client.post(
        "/api/portal/session",
        data={"email": "pat@quay.test", "password": PORTAL_PASSWORD},
        headers={"sec-fetch-site": "cross-site"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and cookies.PORTAL_SESSION not in response.cookies


def _magic_token(world, email="pat@quay.test") -> str:
    state = _state(PortalSignInState, "/portal/sign-in")
    _run(state.handle_link_request({"email": email}))
    with write_session(world["engine"]) as s:
        body = s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().text_body
    return body.split("/api/portal/magic/")[1].split()[0]


def test_an_emailed_link_shows_a_button_then_signs_in_once(world):
    token = _magic_token(world)
    client = _client()
    page = client.get(f"/api/portal/magic/{token}", follow_redirects=False)
    assert page.status_code == 200 and 'id="magic-continue"' in page.text and "Test Repairs" in page.text
    assert "content-security-policy" in page.headers and page.headers["cache-control"] == "no-store"
    assert client.get(f"/api/portal/magic/{token}", follow_redirects=False).status_code == 200  # nothing spent
    signed = client.post(f"/api/portal/magic/{token}", follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"].endswith("/portal")
    assert cookies.PORTAL_SESSION in signed.cookies
    again = _client().post(f"/api/portal/magic/{token}", follow_redirects=False)
    assert again.headers["location"].endswith("/portal/sign-in?error=link")
    assert cookies.PORTAL_SESSION not in again.cookies
    dead = _client().get(f"/api/portal/magic/{token}", follow_redirects=False)
    assert dead.headers["location"].endswith("/portal/sign-in?error=link")


def test_signing_in_again_ends_the_browsers_previous_session(world):
    client = _client()
    first = _password_sign_in(client).cookies.get(cookies.PORTAL_SESSION)
    client.cookies.set(cookies.PORTAL_SESSION, first)
    second = _password_sign_in(client).cookies.get(cookies.PORTAL_SESSION)
    with write_session(world["engine"]) as s:
        assert portal_auth.resolve(s, world["settings"], first) is None
        assert portal_auth.resolve(s, world["settings"], second) is not None


def test_sign_out_revokes_the_session_and_drops_the_cookie(world):
    client = _client()
    token = _password_sign_in(client).cookies.get(cookies.PORTAL_SESSION)
    client.cookies.set(cookies.PORTAL_SESSION, token)
    response = client.post("/api/portal/session/end", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/portal/sign-in?signed_out=1")
    assert any(
        k == "set-cookie" and v.startswith(f'{cookies.PORTAL_SESSION}=""') for k, v in response.headers.multi_items()
    )
    with write_session(world["engine"]) as s:
        assert portal_auth.resolve(s, world["settings"], token) is None
        assert s.exec(select(PortalSession)).one().revoked_at is not None


# --- the sign-in page ----------------------------------------------------------------------------------


def test_the_sign_in_page_shows_the_routes_answers(world):
    state = _state(PortalSignInState, "/portal/sign-in?error=invalid")
    assert state.load_sign_in() is None
    assert state.tab == "password" and "don't match" in state.error and state.shop_name == "Test Repairs"
    state = _state(PortalSignInState, "/portal/sign-in?error=locked&retry=12")
    state.load_sign_in()
    assert state.error == "Too many failed sign-ins. Try again in 12 minutes."
    state = _state(PortalSignInState, "/portal/sign-in?error=link")
    state.load_sign_in()
    assert state.tab == "link" and "expired" in state.error


def test_a_signed_in_user_skips_the_sign_in_page(world):
    token = _password_sign_in(_client()).cookies.get(cookies.PORTAL_SESSION)
    assert redirect_path(_state(PortalSignInState, "/portal/sign-in", token).load_sign_in()) == "/portal"


def test_asking_for_a_link_answers_the_same_after_the_same_time(world):
    timings, answers = [], []
    for email in ("pat@quay.test", "nobody@quay.test"):
        state = _state(PortalSignInState, "/portal/sign-in")
        started = time.monotonic()
        _run(state.handle_link_request({"email": email}))
        timings.append(time.monotonic() - started)
        answers.append((state.notice, state.error, state.email_error, state.sending))
    assert answers[0] == answers[1] and "If that address has access" in answers[0][0]
    assert min(timings) >= ANSWER_FLOOR_SECONDS and abs(timings[0] - timings[1]) < 0.25
    with write_session(world["engine"]) as s:
        assert [m.to_email for m in s.exec(select(OutboxMessage))] == ["pat@quay.test"]


def test_forgot_password_sends_a_reset_link_with_the_same_answer(world):
    state = _state(PortalSignInState, "/portal/sign-in")
    state.set_tab("password")
    state.show_forgot(True)
    _run(state.handle_reset_request({"email": "PAT@quay.test "}))
    assert "choose a new password is on its way" in state.notice
    state = _state(PortalSignInState, "/portal/sign-in")
    _run(state.handle_reset_request({"email": "not an address"}))
    assert state.email_error and not state.notice
    with write_session(world["engine"]) as s:
        mail = s.exec(select(OutboxMessage)).one()
    assert mail.template == "portal_password_reset" and "/portal/set-password/" in mail.text_body


# --- the second step ------------------------------------------------------------------------------------


def _half_signed_in(world, email) -> str:
    response = _password_sign_in(_client(), email=email)
    assert response.headers["location"].endswith("/portal/verify")
    return response.cookies.get(cookies.PORTAL_SESSION)


def _secret_of(world, user_id) -> str:
    with write_session(world["engine"]) as s:
        return vault.decrypt(world["settings"].passcode_key(), s.get(PortalUser, user_id).totp_secret_encrypted)


def test_a_required_user_enrols_right_after_the_first_factor(world):
    token = _half_signed_in(world, "lee@quay.test")
    assert redirect_path(_state(PortalSecurityState, "/portal/security", token).load_security()) == "/portal/verify"
    state = _state(PortalVerifyState, "/portal/verify", token)
    script = _scripts(state.load_verify())
    secret = _secret_of(world, world["strict"])
    assert state.mode == "enrol" and "data:image/png;base64," in script
    grouped = " ".join(secret[i : i + 4] for i in range(0, 32, 4))
    assert grouped in script
    assert secret not in json_dumps(state._get_root_state().dict())  # never a state var
    assert state.handle_confirm_enrol({"code": "000000"}) is None and state.error == portal_mfa.WRONG_TOTP
    result = state.handle_confirm_enrol({"code": code_at(secret, portal_mfa.current_step())})
    assert state.mode == "codes" and len(re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", _scripts(result))) == 10
    with write_session(world["engine"]) as s:
        assert portal_auth.signed_in(portal_auth.resolve(s, world["settings"], token))
    assert redirect_path(_state(PortalVerifyState, "/portal/verify", token).load_verify()) == "/portal"


def _enrolled(world, user_id, clock) -> str:
    with write_session(world["engine"]) as s:
        enrolment = portal_mfa.start_enrolment(s, world["settings"].passcode_key(), user_id)
        outcome = portal_mfa.confirm_enrolment(
            s,
            world["settings"].passcode_key(),
            user_id,
            code_at(enrolment.secret, portal_mfa.current_step()),
            portal_mfa.audit.SYSTEM,
        )
    assert outcome.ok
    clock.advance(seconds=30)
    return enrolment.secret


def test_an_enrolled_user_passes_the_second_step_with_a_code(world, clock):
    secret = _enrolled(world, world["pat"], clock)
    token = _half_signed_in(world, "pat@quay.test")
    state = _state(PortalVerifyState, "/portal/verify", token)
    assert state.load_verify() is None and state.mode == "code"
    assert state.handle_verify({"code": "111111"}) is None and "didn't work" in state.error
    assert redirect_path(state.handle_verify({"code": code_at(secret, portal_mfa.current_step())})) == "/portal"
    with write_session(world["engine"]) as s:
        assert portal_auth.signed_in(portal_auth.resolve(s, world["settings"], token))


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(world, clock):
    secret = _enrolled(world, world["pat"], clock)
    token = _half_signed_in(world, "pat@quay.test")
    state = _state(PortalVerifyState, "/portal/verify", token)
    state.load_verify()
    state.mode = "enrol"  # a forged client state
    assert state.handle_confirm_enrol({"code": "123456"}) is None
    security = _state(PortalSecurityState, "/portal/security", token)
    assert redirect_path(security.start_enrol()) == "/portal/verify"
    with write_session(world["engine"]) as s:
        key = world["settings"].passcode_key()
        assert vault.decrypt(key, s.get(PortalUser, world["pat"]).totp_secret_encrypted) == secret


# --- the security page ------------------------------------------------------------------------------


def _signed_in(world) -> str:
    return _password_sign_in(_client()).cookies.get(cookies.PORTAL_SESSION)


def test_changing_the_password_signs_other_browsers_out(world):
    here, there = _signed_in(world), _signed_in(world)
    state = _state(PortalSecurityState, "/portal/security", here)
    state.load_security()
    assert state.has_password and not state.totp_on
    _run(state.handle_change_password({"current": "wrong password here", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert state.errors == {"current": "That isn't your current password."}
    _run(state.handle_change_password({"current": PORTAL_PASSWORD, "new": NEW_PASSWORD, "confirm": "other"}))
    assert "confirm" in state.errors
    _run(state.handle_change_password({"current": PORTAL_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert state.errors == {} and "1 other browser was signed out" in state.password_notice
    with write_session(world["engine"]) as s:
        assert verify_password(NEW_PASSWORD, s.get(PortalUser, world["pat"]).password_hash)
        assert portal_auth.resolve(s, world["settings"], there) is None
        assert portal_auth.resolve(s, world["settings"], here) is not None


def test_setting_up_and_switching_off_totp_from_the_account(world, clock):
    token = _signed_in(world)
    state = _state(PortalSecurityState, "/portal/security", token)
    state.load_security()
    assert "data:image/png" in _scripts(state.start_enrol()) and state.enrolling
    secret = _secret_of(world, world["pat"])
    result = state.handle_confirm_enrol({"code": code_at(secret, portal_mfa.current_step())})
    assert state.totp_on and state.codes_shown and state.codes_left == 10 and "recovery-codes" in _scripts(result)
    clock.advance(seconds=30)
    state.set_panel("renew")
    assert "recovery-codes" in _scripts(state.handle_renew_codes({"code": code_at(secret, portal_mfa.current_step())}))
    clock.advance(seconds=30)
    state.set_panel("disable")
    assert state.handle_disable({"code": "000000"}) is None and "didn't work" in state.errors["disable"]
    state.handle_disable({"code": code_at(secret, portal_mfa.current_step())})
    assert not state.totp_on and state.errors == {}


def test_a_user_without_a_password_gets_a_link_to_choose_one(world):
    with write_session(world["engine"]) as s:
        portal_user(s, email="new@quay.test", password=None)
        user = s.exec(select(PortalUser).where(PortalUser.email == "new@quay.test")).one()
        token = portal_auth.open_session(s, world["settings"], user, ip="", user_agent="", mfa_passed=True)
    state = _state(PortalSecurityState, "/portal/security", token)
    state.load_security()
    assert not state.has_password
    _run(state.send_password_link())
    assert "new@quay.test" in state.link_notice
    with write_session(world["engine"]) as s:
        assert s.exec(select(OutboxMessage)).one().to_email == "new@quay.test"


# --- choosing a password from a link ------------------------------------------------------------------


def test_an_invitation_link_sets_the_password_and_signs_this_browser_in(world):
    with write_session(world["engine"]) as s:
        link = portal_auth.issue_token(s, s.get(PortalUser, world["pat"]), "invite")
    bad = _state(PortalSetPasswordState, "/portal/set-password/not-a-real-link-token-000")
    bad.load_link()
    assert bad.link_state == "invalid"
    state = _state(PortalSetPasswordState, f"/portal/set-password/{link}")
    state.load_link()
    assert state.link_state == "ok" and state.invitation and state.account_email == "pat@quay.test"
    _run(state.handle_set_password({"password": "short", "confirm": "short"}))
    assert "at least 12" in state.password_error and state.link_state == "ok"
    result = _run(state.handle_set_password({"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}))
    assert state.link_state == "done"
    action = re.search(r"/api/portal/magic/([A-Za-z0-9_-]+)", _scripts(result)).group(1)
    assert link not in json_dumps(state._get_root_state().dict()).replace(f"/portal/set-password/{link}", "")
    signed = _client().post(f"/api/portal/magic/{action}", follow_redirects=False)
    assert signed.headers["location"].endswith("/portal") and cookies.PORTAL_SESSION in signed.cookies
    spent = _state(PortalSetPasswordState, f"/portal/set-password/{link}")
    spent.load_link()
    assert spent.link_state == "invalid"
