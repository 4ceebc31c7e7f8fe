"""The amount typed to pay part of an order's balance online (/track): read whole, never cut. The field has
no maxlength any more, so the handler must not cut either: a stray tail far to the right is refused with a
message, and no checkout starts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.actions import online_payments as pay_actions
from repair_portal.db import session_scope, write_session
from repair_portal.models import PaymentAttempt, Quote
from repair_portal.services import audit, payment_settings, portal_access, quotes
from repair_portal.state.order_pay import TrackPayState

from .. import factories
from .conftest import as_device, make_state, run
from .test_invoice_pay_handlers import FakeGateway

DEVICE = "device-verified-for-the-pay-order-0001"


@pytest.fixture
def link(app_env, engine, monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(pay_actions, "gateway", lambda session, settings=None, **_kw: fake)
    monkeypatch.setattr(payment_settings, "online_ready", lambda session, settings: (True, False))
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        shop.online_payments_enabled = shop.pay_orders_online = shop.allow_part_payment = True
        new = factories.order(s, location, last_name="Kowalski")
        quote = quotes.create_quote(s, new.order, [quotes.LineSpec("Screen", 1, 12000)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        portal_access.remember(s, new.order.id, DEVICE, "last_name")
    with write_session(engine) as s:
        s.get(Quote, quote.id).status = "approved"  # at the counter, say: the order now has a balance to pay
    return {"code": new.code, "provider": fake}


def _attempts(engine) -> list[int]:
    with session_scope(engine) as s:
        return [a.amount_minor for a in s.exec(select(PaymentAttempt))]


def test_an_amount_with_a_stray_tail_is_refused_not_cut(link, engine):
    state = as_device(make_state(TrackPayState, path=f"/track/{link['code']}"), DEVICE)
    state.load_tracking()
    assert state.status == "ok"
    assert run(state.handle_pay({"amount": "5.00" + " " * 16 + "7"})) is None  # was cut to "5.00" and paid
    assert "isn't an amount" in state.pay_error and _attempts(engine) == [] and link["provider"].calls == []
    run(state.handle_pay({"amount": "5.00"}))
    assert state.pay_error == "" and _attempts(engine) == [500]
