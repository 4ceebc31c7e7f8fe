"""Staff see what customers did: one alert per customer action (made in the action's transaction),
unread counted per staff member, handled once for the shop, and the board's "needs attention"."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.actions import portal
from repair_portal.db import write_session
from repair_portal.models import AlertKind, CustomerAlert, Location, Order
from repair_portal.services import alerts, orders, quote_decisions

from .. import factories
from .quote_helpers import data_url, pad_png, shop_with_sent_quote

CLIENT = portal.Client("203.0.113.5", "phone-browser")


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        setup = shop_with_sent_quote(s)
        tess = factories.staff(s, email="tech@example.com")
        dee = factories.staff(s, email="desk@example.com", name="Dee Desk")
        other = factories.order(s, s.get(Location, setup.location.id), last_name="Quiet").order
        return {"order_id": setup.order_id, "quiet_id": other.id, "tess": tess.id, "dee": dee.id}


def _approve(engine, order_id: int):
    with write_session(engine) as s:
        view = quote_decisions.customer_view_of_quote(s, order_id)
    approval = portal.Approval(view.version, "Ada Nowak", True, data_url(pad_png()), view.document_sha256)
    return portal.approve_quote(order_id, approval, CLIENT)


def test_customer_actions_raise_one_alert_each_and_a_double_approval_one(world, engine):
    order_id = world["order_id"]
    first, again = _approve(engine, order_id), _approve(engine, order_id)
    assert first.ok and first.alert and again.ok and not again.alert
    assert portal.post_message(order_id, "When can I collect?", CLIENT, is_feedback=False).alert
    assert portal.post_message(order_id, "Great service", CLIENT, is_feedback=True).alert
    with write_session(engine) as s:
        kinds = [a.kind for a in s.exec(select(CustomerAlert).order_by(CustomerAlert.id)).all()]
        assert kinds == ["approved", "message", "feedback"]
        summary = s.exec(select(CustomerAlert.summary)).first()
        assert summary.startswith("Quote v1, £")


def test_a_refused_action_raises_no_alert(world, engine):
    assert not portal.post_message(world["order_id"], "", CLIENT, is_feedback=False).ok
    with write_session(engine) as s:
        assert s.exec(select(CustomerAlert)).all() == []


def test_unread_is_per_staff_member_and_handled_is_for_everyone(world, engine):
    order_id, tess, dee = world["order_id"], world["tess"], world["dee"]
    with write_session(engine) as s:
        order = s.get(Order, order_id)
        first = alerts.record(s, order, AlertKind.MESSAGE, "Hello?")
        alerts.record(s, order, AlertKind.SIGNED, "Data consent, signed by Ada Nowak")
    with write_session(engine) as s:
        assert alerts.unread_count(s, tess) == alerts.unread_count(s, dee) == 2
        assert alerts.mark_read(s, tess, [first.id]) == 1
        assert alerts.mark_read(s, tess, [first.id]) == 0  # idempotent
    with write_session(engine) as s:
        assert (alerts.unread_count(s, tess), alerts.unread_count(s, dee)) == (1, 2)
        views = alerts.list_alerts(s, tess)
        assert [(v.kind, v.unread) for v in views] == [("signed", True), ("message", False)]
        assert alerts.list_alerts(s, tess, unread_only=True)[0].kind == "signed"
        assert alerts.list_alerts(s, tess, location_id=10**6) == []
        rows, _ = orders.list_orders(s, orders.OrderFilter(needs_attention=True))
        assert [r.id for r in rows] == [order_id] and rows[0].attention == 2
        assert alerts.handle_order(s, order_id, dee) == 2
    with write_session(engine) as s:
        rows, total = orders.list_orders(s, orders.OrderFilter(needs_attention=True))
        assert total == 0 and alerts.open_for_order(s, order_id) == []
        assert alerts.unread_count(s, dee) == 0 and alerts.unread_count(s, tess) == 1  # Tess hasn't looked yet
        assert alerts.mark_read(s, tess) == 1 and alerts.unread_count(s, tess) == 0
