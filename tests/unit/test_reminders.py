"""Reminders: an unanswered quote and an uncollected ready device, each reminded once, with consent."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import Customer, CustomerAlert, OutboxMessage, Stage
from repair_portal.services import reminders, workflow

from .. import factories
from .quote_helpers import shop_with_sent_quote
from .test_mail import LINKS


def _reminders(session):
    return session.exec(select(CustomerAlert).where(CustomerAlert.kind == "reminder")).all()


def test_an_unanswered_quote_is_reminded_once_after_the_set_days(session, clock):
    setup = shop_with_sent_quote(session)
    assert reminders.send_due(session, LINKS) == 0  # just sent
    clock.advance(days=3, minutes=1)
    assert reminders.send_due(session, LINKS) == 1
    assert reminders.send_due(session, LINKS) == 0  # once
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.template == "quote_reminder")).one()
    assert "?tab=quote" in mail.text_body and mail.order_id == setup.order_id
    (alert,) = _reminders(session)
    assert alert.summary == "Reminded by email: quote v1 unanswered for 3 days"


def test_a_ready_device_is_reminded_and_without_consent_staff_are_asked_to_call(session, clock):
    shop, location = factories.shop(session)
    new = factories.order(session, location)
    customer = session.get(Customer, new.order.customer_id)
    customer.email_updates = False  # no consent: no email, staff asked to call
    session.add(customer)
    ready = session.exec(select(Stage).where(Stage.name == "Ready for collection")).one()
    workflow.change_stage(session, new.order, ready, factories.ACTOR)
    clock.advance(days=5, minutes=1)
    assert reminders.send_due(session, LINKS) == 1
    (alert,) = _reminders(session)
    assert "not emailed" in alert.summary and "call them" in alert.summary
    assert session.exec(select(OutboxMessage).where(OutboxMessage.template == "collection_reminder")).all() == []
    shop.collection_reminder_days = 0  # off
    session.add(shop)
    clock.advance(days=30)
    assert reminders.send_due(session, LINKS) == 0


def test_the_delivery_loop_s_reminder_pass_queues_what_is_due(app_env, engine, clock):
    from repair_portal.db import write_session
    from repair_portal.mail_worker import reminder_pass

    with write_session(engine) as s:
        shop_with_sent_quote(s)
    clock.advance(days=4)
    assert reminder_pass(app_env) == 1 and reminder_pass(app_env) == 0
    with write_session(engine) as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.template == "quote_reminder")).one()
        assert "http://shop.test/track/" in mail.text_body


@pytest.mark.parametrize("each_engine", ["postgresql"], indirect=True)  # SQLite runs one writer at a time
def test_a_second_workers_identical_reminder_pass_rolls_back_quietly(app_on, clock, monkeypatch, caplog):
    """Every worker runs the pass. The one that loses the race on the reminder's unique key rolls back all it
    queued (the winner's reminders stand, once) and says so at INFO: it is not a failure."""
    import logging

    from repair_portal.db import write_session
    from repair_portal.mail_worker import reminder_pass
    from repair_portal.models import Order
    from repair_portal.services import alerts
    from repair_portal.services.alerts import AlertKind
    from repair_portal.settings import get_settings

    engine = app_on
    with write_session(engine) as s:
        shop_with_sent_quote(s)
    clock.advance(days=4)
    real_send_due = reminders.send_due

    def racing_send_due(session, links, now=None):
        queued = real_send_due(session, links, now)  # this worker's pass, not yet committed
        (mine,) = _reminders(session)
        with write_session(engine) as other:  # meanwhile the other worker's identical pass committed
            other_order = other.get(Order, mine.order_id)
            alerts.record(other, other_order, AlertKind.REMINDER, "the other worker's", dedupe_key="duplicate")
        alerts.record(session, session.get(Order, mine.order_id), AlertKind.REMINDER, "mine", dedupe_key="duplicate")
        return queued

    monkeypatch.setattr(reminders, "send_due", racing_send_due)
    with caplog.at_level(logging.INFO, logger="repair_portal.mail"):
        assert reminder_pass(get_settings()) == 0
    assert "already queued by another worker" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with write_session(engine) as s:
        assert [a.summary for a in _reminders(s)] == ["the other worker's"]  # this pass's own alert rolled back
        assert s.exec(select(OutboxMessage).where(OutboxMessage.template == "quote_reminder")).all() == []


@pytest.mark.parametrize("each_engine", ["postgresql"], indirect=True)
def test_any_other_broken_rule_in_the_reminder_pass_is_a_failure_not_a_lost_race(app_on, clock, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from repair_portal.db import write_session
    from repair_portal.mail_worker import reminder_pass
    from repair_portal.models import CustomerAlert
    from repair_portal.settings import get_settings

    with write_session(app_on) as s:
        shop_with_sent_quote(s)

    def broken_send_due(session, links, now=None):
        session.add(CustomerAlert(order_id=999_999, location_id=1, kind="reminder", summary="no such order"))
        session.flush()  # a foreign key the database refuses
        return 1

    monkeypatch.setattr(reminders, "send_due", broken_send_due)
    with pytest.raises(IntegrityError):
        reminder_pass(get_settings())
