"""The passcode reveal on the order page: the clear text goes to the page in a script, never into state,
and each reveal is audited."""

from __future__ import annotations

from reflex_base.utils.format import json_dumps
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Order, Role
from repair_portal.services import passcodes, staff_auth
from repair_portal.state.staff_order_passcode import StaffOrderPasscodeState

from .. import factories
from .conftest import as_staff, run

SECRET = "L-shape 1-5-9-8"


def test_reveal_puts_the_passcode_on_the_page_not_in_state_and_delete_forgets_it(state_factory, engine, app_env):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        order = factories.order(s, location).order
        passcodes.store(order, app_env.passcode_key(), SECRET)
        s.add(order)
        order_id = order.id
    token = staff_auth.sign_in(engine, app_env, email="tech@example.com", password=factories.STAFF_PASSWORD).token
    page = as_staff(state_factory(StaffOrderPasscodeState, path=f"/staff/orders/{order_id}"), token)
    page.load_order()
    assert page.summary.has_passcode and SECRET not in json_dumps(page._get_root_state().dict())

    script = run(page.reveal_passcode())
    assert SECRET in str(script) and page.shown
    assert SECRET not in json_dumps(page._get_root_state().dict())  # the state (and so Redis) never holds it
    with write_session(engine) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "order.passcode_revealed")).all()) == 1

    page.hide_passcode()
    assert not page.shown
    run(page.forget_passcode())  # technicians edit order details, so they may delete it
    with write_session(engine) as s:
        assert s.get(Order, order_id).passcode_encrypted is None
    assert not page.summary.has_passcode and page.summary.passcode_deleted != ""
