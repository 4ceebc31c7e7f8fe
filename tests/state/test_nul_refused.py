"""NUL bytes are refused at the two doors: every event handler (the guards in state/guard.py look through
the arguments, dicts and lists included, before anything else runs) and every HTTP request (the middleware
answers 400 for a path, query string or form field holding one)."""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex_base.utils.format import json_dumps
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies, routes
from repair_portal.api import api_routes, security_headers
from repair_portal.db import session_scope, write_session
from repair_portal.models import Message, Order, Payment, Role
from repair_portal.services import payments, portal_access, staff_auth
from repair_portal.services.text_input import NUL_MESSAGE
from repair_portal.state.binding import app_state_classes
from repair_portal.state.staff_order_details import StaffOrderDetailsState
from repair_portal.state.staff_order_messages import StaffOrderMessagesState
from repair_portal.state.staff_order_payments import StaffOrderPaymentState
from repair_portal.state.staff_order_quote import StaffOrderQuoteState
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import as_device, as_staff, make_state

DEVICE = "device-verified-for-the-nul-order-00001"


def _run(result):
    if inspect.iscoroutine(result):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, result).result()
    return result


def _refused(result) -> bool:
    return NUL_MESSAGE in str(getattr(result, "args", result))


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        made = factories.order(s, location)
        portal_access.remember(s, made.order.id, DEVICE, "last_name")
    token = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    return {"order_id": made.order.id, "code": made.code, "token": token}


def _staff(cls, world):
    state = make_state(cls, path=f"/staff/orders/{world['order_id']}")
    as_staff(state, world["token"])
    state.load_order()
    return state


def _snapshot(engine, order_id: int):
    with session_scope(engine) as s:
        order = s.get(Order, order_id)
        return (
            order.internal_note,
            order.public_note,
            order.problem,
            order.version,
            len(s.exec(select(Payment)).all()),
            len(s.exec(select(Message)).all()),
        )


def test_handlers_given_a_nul_anywhere_in_their_arguments_change_nothing(world, engine):
    before = _snapshot(engine, world["order_id"])
    pay = _staff(StaffOrderPaymentState, world)
    form = {"amount": "5.00", "method": "cash", "key": payments.new_payment_key()}
    assert _refused(_run(pay.handle_payment({**form, "note": "till\x00"})))
    assert _refused(_run(pay.handle_payment({**form, "re\x00ference": "x"})))  # a NUL in a key counts too
    details = _staff(StaffOrderDetailsState, world)
    details.open_edit()
    assert _refused(_run(details.handle_save_details({**details.edit_values, "internal_note": "a\x00b"})))
    reply = _staff(StaffOrderMessagesState, world)
    assert _refused(_run(reply.handle_reply({"body": ["fine", {"deeper": "\x00"}]})))  # nested
    quote = _staff(StaffOrderQuoteState, world)  # a form-only setter: the unsaved form keeps no NUL either
    quote.open_quote_form()
    rows = json_dumps(quote.quote_rows)
    assert _refused(_run(quote.set_quote_cell(0, "description", "Screen\x00")))
    assert json_dumps(quote.quote_rows) == rows
    track = make_state(TrackState, path=f"/track/{world['code']}")  # a customer's handler
    as_device(track, DEVICE)
    track.load_tracking()
    assert _refused(_run(track.handle_message({"body": "Hello\x00"})))
    assert _snapshot(engine, world["order_id"]) == before
    # the same calls without the NUL do change things: the refusals above were the NUL's
    _run(pay.handle_payment({**form, "note": "till"}))
    _run(track.handle_message({"body": "Hello"}))
    after = _snapshot(engine, world["order_id"])
    assert after[4:] == (before[4] + 1, before[5] + 1)


def _own_handlers():
    for cls in app_state_classes():
        for name, handler in cls.event_handlers.items():
            if handler.fn.__qualname__ == f"{cls.__name__}.{name}" and getattr(handler.fn, "guard", None):
                yield cls, name, handler


HANDLERS = sorted(_own_handlers(), key=lambda t: f"{t[0].__name__}.{t[1]}")


def test_every_guarded_handler_refuses_a_nul_before_its_guard_or_body_runs(app_env):
    """The one choke point: each handler with arguments, called with a NUL in every one of them by a client
    with no identity at all, answers the NUL refusal (not a sign-in redirect: the check comes first)."""
    checked = []
    for cls, name, handler in HANDLERS:
        params = [p for p in inspect.signature(handler.fn).parameters.values() if p.name != "self"]
        if not params:
            continue
        state = make_state(cls, path="/")
        result = _run(handler.fn(state, *["\x00"] * len(params)))
        assert _refused(result), f"{cls.__name__}.{name} ran with a NUL argument: {result!r}"
        checked.append(name)
    assert len(checked) > 100


# --- HTTP -------------------------------------------------------------------------------------------------


def _client() -> TestClient:
    return TestClient(security_headers(api_routes()), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "path",
    [
        "/api/branding/logo/0?v=%00",
        "/api/branding/logo/0?x=a%00b",
        "/api/branding/logo/%00",
        "/api/staff/orders/1/ticket.pdf?layout=a4%00",
        "/staff/login?next=%00",
    ],
)
def test_a_nul_in_the_address_is_a_400(world, path):
    answer = _client().get(path)
    assert answer.status_code == 400 and "NUL" in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("route", "form"),
    [
        (routes.LOOKUP_POST, {"reference": "R-10001", "last_name": "Nowak\x00"}),
        (routes.STAFF_SIGN_IN_POST, {"email": "owner@example.com\x00", "password": factories.STAFF_PASSWORD}),
        (routes.PORTAL_SIGN_IN_POST, {"email": "x@example.com", "password": "pass\x00word-long-enough"}),
    ],
)
def test_a_nul_in_a_form_field_is_a_400_and_the_route_never_runs(world, engine, route, form):
    from repair_portal.models import AuditEvent, StaffSession

    with session_scope(engine) as s:
        before = (len(s.exec(select(AuditEvent)).all()), len(s.exec(select(StaffSession)).all()))
    answer = _client().post(route, data=form, headers={"sec-fetch-site": "same-origin"}, follow_redirects=False)
    assert answer.status_code == 400 and "NUL" in answer.text
    multipart = _client().post(
        route, files={k: (None, v) for k, v in form.items()}, headers={"sec-fetch-site": "same-origin"}
    )
    assert multipart.status_code == 400
    with session_scope(engine) as s:  # no sign-in attempt, no audit row, no session
        assert (len(s.exec(select(AuditEvent)).all()), len(s.exec(select(StaffSession)).all())) == before


def test_the_same_forms_without_a_nul_still_reach_their_routes(world):
    signed_in = _client().post(
        routes.STAFF_SIGN_IN_POST,
        data={"email": "owner@example.com", "password": factories.STAFF_PASSWORD},
        headers={"sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert signed_in.status_code in (200, 303) and cookies.STAFF_SESSION in signed_in.headers.get("set-cookie", "")
    assert _client().get("/api/branding/logo/0?v=1").status_code == 404  # no logo yet: the route ran
