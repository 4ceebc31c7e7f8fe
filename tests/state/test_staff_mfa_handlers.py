"""Staff two-step sign-in and passkeys through the real routes and handlers: the sign-in route sends a
TOTP user to /staff/verify, the verify and passkey routes swap the cookie for a full session, a
password-only session opens no staff page, a role that must use TOTP is held on /staff/profile, and
the profile's handlers keep secrets out of the state."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from reflex_base.utils.format import json_dumps
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import Passkey, ShopSettings, StaffUser
from repair_portal.services import audit, staff_mfa
from repair_portal.state.staff_login import StaffLoginState
from repair_portal.state.staff_orders import StaffOrdersState
from repair_portal.state.staff_profile import StaffProfileState
from repair_portal.state.staff_verify import StaffVerifyState

from .. import factories
from ..soft_authenticator import SoftAuthenticator
from .conftest import as_staff, redirect_path, run

SAME_ORIGIN = {"sec-fetch-site": "same-origin"}


@pytest.fixture
def shop(app_env, engine):
    with write_session(engine) as s:
        factories.shop(s)
        factories.staff(s, email="desk@example.com")
    return TestClient(security_headers(api_routes()))


def _enrol(engine, settings, email="desk@example.com") -> str:
    with write_session(engine) as s:
        user_id = s.exec(StaffUser.__table__.select().where(StaffUser.email == email)).one().id
        secret = staff_mfa.start_enrolment(s, settings, user_id).secret
    with write_session(engine) as s:
        now = pyotp.TOTP(secret).now()
        assert staff_mfa.confirm_enrolment(s, settings, user_id, now, audit.SYSTEM).ok
    return secret


def _next_code(secret: str) -> str:
    """A code the enrolment (which spent the current step) has not used: the next step's."""
    import time

    return pyotp.TOTP(secret).at(time.time() + 30)


def _post(client, path, data):
    return client.post(path, data=data, headers=SAME_ORIGIN, follow_redirects=False)


def _password(client, email="desk@example.com", next_path=""):
    data = {"email": email, "password": factories.STAFF_PASSWORD, **({"next": next_path} if next_path else {})}
    return _post(client, "/api/staff/session", data)


def _where(response) -> tuple[str, dict]:
    parts = urlsplit(response.headers["location"])
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_a_totp_user_is_sent_to_the_second_step_and_its_route_swaps_the_cookie(shop, engine, app_env):
    secret = _enrol(engine, app_env)
    first = _password(shop, next_path="/staff/orders/7")
    assert _where(first) == ("/staff/verify", {"next": "/staff/orders/7"})
    pending = first.cookies[cookies.STAFF_SESSION]
    assert cookies.STAFF_DEVICE not in first.cookies  # the password alone doesn't make a browser "known"

    # The password-only session opens no staff page, no handler, no document route.
    board = as_staff(_state(StaffOrdersState, "/staff"), pending)
    assert redirect_path(board.guard()) == "/staff/verify"
    assert board.staff_name == "" and board.rows == []
    assert shop.get("/api/staff/orders/1/ticket.pdf").status_code == 401
    verify = as_staff(_state(StaffVerifyState, "/staff/verify"), pending)
    assert redirect_path(verify.load_verify()) is None and verify.staff_email == "desk@example.com"

    wrong = _post(shop, "/api/staff/session/verify", {"code": "000000", "next": "/staff/orders/7"})
    assert _where(wrong) == ("/staff/verify", {"error": "invalid", "next": "/staff/orders/7"})
    right = _post(shop, "/api/staff/session/verify", {"code": _next_code(secret), "next": "/staff/orders/7"})
    assert _where(right) == ("/staff/orders/7", {})
    full = right.cookies[cookies.STAFF_SESSION]
    assert full != pending and right.cookies[cookies.STAFF_DEVICE]
    assert "httponly" in right.headers["set-cookie"].lower()
    board = as_staff(_state(StaffOrdersState, "/staff"), full)
    assert redirect_path(board.guard()) is None and board.staff_name == "Tess Tech"
    verify = as_staff(_state(StaffVerifyState, "/staff/verify"), full)
    assert redirect_path(verify.load_verify()) == "/staff"  # nothing left to verify
    old = as_staff(_state(StaffOrdersState, "/staff"), pending)
    assert redirect_path(old.guard()) == "/staff/login"


def test_the_verify_route_refuses_other_sites_and_dead_sessions(shop, engine, app_env):
    _enrol(engine, app_env)
    shop.cookies.set(cookies.STAFF_SESSION, _password(shop).cookies[cookies.STAFF_SESSION])
    cross = shop.post(
        "/api/staff/session/verify",
        data={"code": "1"},
        headers={"sec-fetch-site": "cross-site"},
        follow_redirects=False,
    )
    assert cross.status_code == 403
    shop.cookies.clear()
    assert _where(_post(shop, "/api/staff/session/verify", {"code": "123456"})) == (
        "/staff/login",
        {"error": "expired"},
    )


def test_a_recovery_code_signs_in_once(shop, engine, app_env):
    secret = _enrol(engine, app_env)
    with write_session(engine) as s:
        user_id = s.exec(StaffUser.__table__.select()).one().id
        codes = staff_mfa.new_recovery_codes(s, app_env, user_id, _next_code(secret), audit.SYSTEM).codes
    _password(shop)
    assert _where(_post(shop, "/api/staff/session/verify", {"code": codes[0]}))[0] == "/staff"
    _password(shop)
    assert _where(_post(shop, "/api/staff/session/verify", {"code": codes[0]}))[1]["error"] == "invalid"


def test_a_role_that_must_use_totp_is_held_on_the_profile_page(shop, engine, app_env):
    with write_session(engine) as s:
        s.get(ShopSettings, 1).staff_mfa_roles = "technician"
    response = _password(shop)
    assert _where(response) == ("/staff/profile", {})
    token = response.cookies[cookies.STAFF_SESSION]
    board = as_staff(_state(StaffOrdersState, "/staff"), token)
    assert redirect_path(board.load_orders()) == "/staff/profile" and board.rows == []
    assert shop.get("/api/staff/orders/1/ticket.pdf").status_code == 401
    profile = as_staff(_state(StaffProfileState, "/staff/profile"), token)
    assert profile.guard() == []  # on the page already: nothing to do, nothing shown
    assert profile.load_profile() is None and profile.must_enrol and profile.mfa_required
    assert run(profile.handle_change_password({"current": "x", "password": "y", "confirm": "y"})) == []
    scripts = profile.start_totp()
    secret = _secret_from(scripts)
    assert secret not in _sent(profile)
    result = profile.confirm_totp({"code": pyotp.TOTP(secret).now()})
    assert profile.mfa_enabled and not profile.must_enrol and profile.codes_shown
    codes = _codes_from(result)
    assert len(codes) == 10 and not any(code in _sent(profile) for code in codes)
    board = as_staff(_state(StaffOrdersState, "/staff"), token)
    assert redirect_path(board.load_orders()) is None  # the same session, now enrolled
    assert profile.handle_disable_totp({"code": _next_code(secret)}) is None
    assert "role must use" in profile.disable_error and profile.mfa_enabled


def test_profile_totp_turn_off_and_new_codes_need_a_code(shop, engine, app_env):
    token = _password(shop).cookies[cookies.STAFF_SESSION]
    profile = as_staff(_state(StaffProfileState, "/staff/profile"), token)
    profile.load_profile()
    assert not profile.mfa_enabled and not profile.must_enrol
    secret = _secret_from(profile.start_totp())
    profile.confirm_totp({"code": "000000"})
    assert not profile.mfa_enabled and "didn't match" in profile.setup_error
    profile.confirm_totp({"code": pyotp.TOTP(secret).now()})
    assert profile.mfa_enabled and profile.codes_left == 10 and profile.codes_shown
    profile.dismiss_codes()
    profile.handle_new_codes({"code": "000000"})
    assert profile.new_codes_error
    codes = _codes_from(profile.handle_new_codes({"code": _next_code(secret)}))
    assert len(codes) == 10 and profile.codes_shown
    profile.handle_disable_totp({"code": "111111"})
    assert profile.mfa_enabled and profile.disable_error
    profile.handle_disable_totp({"code": codes[0]})  # a recovery code also proves it is you
    assert not profile.mfa_enabled and profile.codes_left == 0


def test_a_passkey_added_on_the_profile_signs_in_through_the_route(shop, engine, app_env):
    token = _password(shop).cookies[cookies.STAFF_SESSION]
    profile = as_staff(_state(StaffProfileState, "/staff/profile"), token)
    profile.load_profile()
    device = SoftAuthenticator()
    ask = profile.start_passkey({"name": "Front desk PC"})
    assert profile.passkey_busy
    profile.finish_passkey(device.register(_options_from(ask)))
    assert [p.name for p in profile.passkeys] == ["Front desk PC"] and not profile.passkey_error
    profile.finish_passkey('{"error":"cancelled"}')
    assert profile.passkey_error == "Adding the passkey was cancelled."

    login = _state(StaffLoginState, "/staff/login")
    login.load_login()
    answer = device.assert_(_options_from(login.start_passkey_sign_in()))
    fresh = TestClient(security_headers(api_routes()))
    response = _post(fresh, "/api/staff/session/passkey", {"credential": answer, "next": "/staff/customers"})
    assert _where(response) == ("/staff/customers", {})
    board = as_staff(_state(StaffOrdersState, "/staff"), response.cookies[cookies.STAFF_SESSION])
    assert redirect_path(board.guard()) is None
    replayed = _post(TestClient(security_headers(api_routes())), "/api/staff/session/passkey", {"credential": answer})
    assert _where(replayed) == ("/staff/login", {"error": "passkey"})
    login.passkey_stopped("cancelled")
    assert login.error.startswith("No passkey was used") and not login.passkey_busy

    with write_session(engine) as s:
        passkey_id = s.exec(Passkey.__table__.select()).one().id
    profile.handle_remove_passkey(passkey_id)
    assert profile.passkeys == []
    assert profile.handle_remove_passkey(passkey_id) is not None  # already gone: a message, no error


# --- helpers -------------------------------------------------------------------------------------------


def _state(cls, path):
    from .conftest import make_state

    return make_state(cls, path=path)


def _sent(state) -> str:
    return json_dumps(state._get_root_state().dict())


def _scripts(result) -> list[str]:
    """The JavaScript of every `rx.call_script` a handler returned, as the browser evaluates it."""
    specs = result if isinstance(result, list) else [result]
    found = []
    for spec in specs:
        args = dict((str(k), v) for k, v in getattr(spec, "args", ()))
        if "javascript_code" in args:
            found.append(json.loads(str(args["javascript_code"])))
    return found


def _text_of(result, element_id: str) -> str:
    """The text a handler's script writes into an element (never a state var)."""
    for code in _scripts(result):
        if json.dumps(element_id) in code:
            match = re.search(r'textContent=("(?:[^"\\]|\\.)*")', code)
            if match:
                return json.loads(match.group(1))
    raise AssertionError(f"no script fills #{element_id}")


def _secret_from(result) -> str:
    return _text_of(result, "totp-secret").replace(" ", "")


def _codes_from(result) -> list[str]:
    return _text_of(result, "recovery-codes").split("\n")


def _options_from(result) -> str:
    """The options JSON a passkey script carries (`JSON.parse("...")`)."""
    for code in _scripts(result):
        match = re.search(r'JSON\.parse\(("(?:[^"\\]|\\.)*")\)', code)
        if match:
            return json.loads(match.group(1))
    raise AssertionError("no passkey script")
