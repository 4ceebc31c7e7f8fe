"""The counter signing screen through its handlers: open it from the order page, every other staff page
leads back to it, the customer signs, the staff password gives the browser back."""

from __future__ import annotations

from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Location, Order, Role, Signature
from repair_portal.services import audit, consents, staff_auth
from repair_portal.state.staff_counter import StaffCounterState
from repair_portal.state.staff_order_signatures import StaffOrderSignaturesState
from repair_portal.state.staff_orders import StaffOrdersState

from .. import factories
from ..unit.test_consents import _png
from .conftest import as_staff, redirect_path, run


def _run(result):
    return run(result)


def _order_and_token(app_env, engine, role=Role.FRONT_DESK):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com", name="Fran Desk", role=role)
        order_id = factories.order(s, location).order.id
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    return order_id, token


def test_the_order_page_hands_the_screen_over_and_only_the_password_brings_it_back(state_factory, engine, app_env):
    order_id, token = _order_and_token(app_env, engine)
    page = as_staff(state_factory(StaffOrderSignaturesState, path=f"/staff/orders/{order_id}"), token)
    page.load_order()
    assert [c.id for c in page.counter_choices] == ["data_consent"] and page.can_sign_at_counter
    assert redirect_path(_run(page.open_counter("data_consent"))) == "/staff/counter"

    # Back button, typed URL, another tab of the same browser: every staff page leads back to the screen.
    board = as_staff(state_factory(StaffOrdersState, path="/staff"), token)
    assert redirect_path(board.guard()) == "/staff/counter"
    assert redirect_path(board.load_orders()) == "/staff/counter" and board.rows == []
    assert redirect_path(page.load_order()) == "/staff/counter"

    screen = as_staff(state_factory(StaffCounterState, path="/staff/counter"), token)
    assert redirect_path(screen.load_counter()) is None
    assert screen.ready and screen.title == "Data-handling consent" and screen.customer_name == "Ada Nowak"
    assert screen.prepare_sign({"signer_name": "A"}) is None and screen.sign_error == "Please type your full name."
    assert screen.prepare_sign({"signer_name": "Ada Nowak"}) is not None  # asks the pad for the drawing
    _run(screen.finish_sign(""))
    assert screen.sign_error.startswith("Please sign in the box above")
    _run(screen.finish_sign("data:image/png;base64,bm90IGEgcG5n"))
    assert "PNG" in screen.sign_error and not screen.signed
    import base64

    _run(screen.finish_sign("data:image/png;base64," + base64.b64encode(_png()).decode()))
    assert screen.signed and screen.signer_name == "Ada Nowak" and screen.sign_error == ""
    with write_session(engine) as s:
        sig = s.exec(select(Signature)).one()
        assert (sig.order_id, sig.auth_method, sig.ip) == (order_id, "in_person", "203.0.113.9")

    assert _run(screen.handle_unlock({"password": "not the password"})) is None
    assert "password" in screen.unlock_error
    assert redirect_path(board.load_orders()) == "/staff/counter"  # still locked
    assert redirect_path(_run(screen.handle_unlock({"password": factories.STAFF_PASSWORD}))) == (
        f"/staff/orders/{order_id}"
    )
    assert redirect_path(board.load_orders()) is None and board.rows  # the staff member has the browser back
    assert redirect_path(screen.load_counter()) == "/staff"  # nothing to show once unlocked
    page.load_order()
    assert [r.channel for r in page.signatures] == ["In person at the counter"]


def test_signatures_open_only_from_their_own_order(state_factory, engine, app_env):
    order_id, token = _order_and_token(app_env, engine, role=Role.TECHNICIAN)
    with write_session(engine) as s:
        other_id = factories.order(s, s.get(Location, 1)).order.id
    page = as_staff(state_factory(StaffOrderSignaturesState, path=f"/staff/orders/{other_id}"), token)
    page.load_order()

    with write_session(engine) as s:
        sig, _ = consents.sign(
            s,
            s.get(Order, order_id),
            "data_consent",
            signer_name="Ada Nowak",
            png=_png(),
            auth_method="link",
            ip="",
            user_agent="",
            actor=audit.SYSTEM,
        )
    page.show_signature(sig.id)  # the id of a signature on another order
    assert not page.view_open and page.viewing.signer_name == ""
    mine = as_staff(state_factory(StaffOrderSignaturesState, path=f"/staff/orders/{order_id}"), token)
    mine.load_order()
    mine.show_signature(sig.id)
    assert mine.view_open and mine.viewing.signer_name == "Ada Nowak" and "backed up" in mine.viewing.text
