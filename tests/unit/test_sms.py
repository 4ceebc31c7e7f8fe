"""Which texts go out and when: consent, quiet hours, explicit staff texts; delivery with back-off, the
SMS outbox, and the tracking link not kept once sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from repair_portal.integrations.sms import OutboxSms, SmsDeliveryError
from repair_portal.models import AuditEvent, Customer, SmsMessage, SmsStatus
from repair_portal.services import audit, mail, notifications, reminders, sms, sms_consent, sms_delivery

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = mail.LinkSettings("https://track.fixpoint.example", TEST_SECRET_KEY)
ACTOR = audit.Actor("staff", None, "Sam")


def _booked(session, *, phone="+447700900123", consent=True):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    customer = session.get(Customer, new.order.customer_id)
    customer.phone = phone
    session.add(customer)
    if consent:
        sms_consent.set_consent(session, customer, True, "intake", ACTOR, wording=sms_consent.INTAKE_WORDING)
    session.flush()
    return new.order


def test_an_automated_text_needs_consent_and_a_mobile_number(session, clock):
    order = _booked(session, consent=False)
    with pytest.raises(sms.NotTexted, match="agreed"):
        sms.queue_order_text(session, LINKS, "order_booked", order.id, ACTOR)
    explicit = sms.queue_order_text(session, LINKS, "portal_link", order.id, ACTOR, explicit=True)
    assert explicit.to_number == "+447700900123" and "/track/" in explicit.body  # "Text link": staff chose to
    customer = session.get(Customer, order.customer_id)
    customer.phone = ""
    session.add(customer)
    with pytest.raises(sms.NotTexted, match="no mobile"):
        sms.queue_order_text(session, LINKS, "portal_link", order.id, ACTOR, explicit=True)
    skipped = session.exec(select(AuditEvent).where(AuditEvent.action == "sms.skipped")).all()
    assert [s.detail.count("no_consent") + s.detail.count("no_mobile") for s in skipped] == [1, 1]


def test_the_booked_in_text_carries_the_link_and_quiet_hours_hold_it_until_morning(session, clock):
    clock.current = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)  # 21:30 in London
    order = _booked(session)
    assert notifications.order_booked(session, LINKS, order, ACTOR)
    text = session.exec(select(SmsMessage)).one()
    assert text.template == "order_booked" and text.body.startswith("Test Repairs: we've booked in your")
    assert f"{LINKS.public_url}/track/" in text.body
    assert text.next_attempt_at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    urgent = sms.queue_order_text(session, LINKS, "portal_link", order.id, ACTOR, explicit=True)
    assert urgent.next_attempt_at == clock.current  # a staff member's own "Text link" goes now


def test_a_quote_text_opens_the_quote_tab_and_stopping_ends_automated_texts(session, clock):
    order = _booked(session)
    quote_text = sms.queue_order_text(session, LINKS, "quote_ready", order.id, ACTOR)
    assert "?tab=quote" in quote_text.body
    customer = session.get(Customer, order.customer_id)
    sms_consent.set_consent(session, customer, False, "keyword", audit.SYSTEM)
    assert not notifications.text(session, LINKS, "stage_changed", order.id, ACTOR)
    assert sms_consent.opted_out_by_keyword(session, customer.id)
    assert [r.channel for r in sms_consent.history(session, customer.id)] == ["keyword", "intake"]


def test_the_outbox_keeps_the_text_without_its_link_once_sent(engine, write, read, clock, capsys):
    with write() as s:
        order = _booked(s)
        sms.queue_order_text(s, LINKS, "order_booked", order.id, ACTOR)
    report = sms_delivery.deliver_due(engine, OutboxSms())
    assert report.sent == 1
    printed = capsys.readouterr().out
    assert "[sms outbox] To: +44…0123" in printed and "/track/[private link]" in printed
    with read() as s:
        text = s.exec(select(SmsMessage)).one()
        assert text.status == SmsStatus.OUTBOX.value and text.backend == "outbox"
        assert "/track/[private link]" in text.body
    assert sms_delivery.deliver_due(engine, OutboxSms()).sent == 0  # sent once


class Flaky:
    name = "twilio"

    def __init__(self, error):
        self.error, self.calls = error, 0

    def send(self, text):
        self.calls += 1
        raise self.error


def test_a_provider_error_is_retried_with_back_off_then_fails(engine, write, read, clock):
    with write() as s:
        sms.queue_order_text(s, LINKS, "order_booked", _booked(s).id, ACTOR)
    flaky = Flaky(SmsDeliveryError("Twilio couldn't be reached", retryable=True))
    for _ in range(sms_delivery.MAX_ATTEMPTS):
        sms_delivery.deliver_due(engine, flaky)
        clock.advance(minutes=31)
    assert flaky.calls == sms_delivery.MAX_ATTEMPTS
    with read() as s:
        text = s.exec(select(SmsMessage)).one()
        assert text.status == SmsStatus.FAILED.value and "reached" in text.last_error


def test_a_refused_number_fails_at_once_with_the_providers_code(engine, write, read, clock):
    with write() as s:
        sms.queue_order_text(s, LINKS, "order_booked", _booked(s).id, ACTOR)
    sms_delivery.deliver_due(engine, Flaky(SmsDeliveryError("Twilio said: invalid To", retryable=False, code="21211")))
    with read() as s:
        text = s.exec(select(SmsMessage)).one()
        assert (text.status, text.error_code, text.attempts) == (SmsStatus.FAILED.value, "21211", 1)


def test_reminders_go_by_text_too(session, clock):
    order = _booked(session)
    reminders._remind(session, LINKS, order, "collection_reminder", "collect-reminder:1", "ready for 5 days")
    assert session.exec(select(SmsMessage.template)).all() == ["collection_reminder"]


@pytest.mark.parametrize("consent", [True, False])
def test_the_consent_matrix_no_consent_means_nothing_automated(session, clock, consent):
    """Every automated customer notification, with and without the customer's "text me": texts exactly when
    they agreed; the staff member's explicit "Text link" regardless."""
    from repair_portal.models import Stage, StageKind

    order = _booked(session, consent=consent)
    ready = session.exec(select(Stage).where(Stage.kind == StageKind.READY.value)).first()
    notifying = session.exec(select(Stage).where(Stage.kind == StageKind.NORMAL.value)).all()[-1]
    notifying.notify_customer, notifying.customer_explanation = True, "We're fitting the new part."
    session.add(notifying)
    automated = [
        lambda: notifications.order_booked(session, LINKS, order, ACTOR),
        lambda: notifications.quote_sent(session, LINKS, order, ACTOR),
        lambda: notifications.stage_changed(session, LINKS, order, ready, ACTOR),
        lambda: notifications.stage_changed(session, LINKS, order, notifying, ACTOR),
        lambda: reminders._remind(session, LINKS, order, "quote_reminder", "quote-reminder:9", "quote waiting"),
        lambda: notifications.text(session, LINKS, "payment_received", order.id, ACTOR, extra={"amount": "£5.00"}),
    ]
    for send in automated:
        send()
    sent = session.exec(select(SmsMessage.template)).all()
    assert sent == (["order_booked", "quote_ready", "ready_for_collection", "stage_changed", "quote_reminder",
                     "payment_received"] if consent else [])  # fmt: skip
    sms.queue_order_text(session, LINKS, "portal_link", order.id, ACTOR, explicit=True)
    assert session.exec(select(SmsMessage.template)).all()[-1] == "portal_link"


def _queued_then(engine, write, change) -> SmsMessage:
    with write() as s:
        order = _booked(s)
        sms.queue_order_text(s, LINKS, "stage_changed", order.id, ACTOR)
        change(s, s.get(Customer, order.customer_id))
    sms_delivery.deliver_due(engine, OutboxSms())
    with write() as s:
        return s.exec(select(SmsMessage)).one()


def test_a_queued_text_is_not_sent_after_stop_or_a_switch_off_or_a_new_number(engine, write, clock, capsys):
    stopped = _queued_then(
        engine, write, lambda s, c: sms_consent.set_consent(s, c, False, "keyword", audit.SYSTEM, always=True)
    )
    assert (stopped.status, stopped.last_error) == ("cancelled", "the customer replied STOP")
    assert "/track/[private link]" in stopped.body and capsys.readouterr().out == ""  # nothing went out


def test_a_queued_text_waits_again_if_quiet_hours_started_meanwhile(engine, write, read, clock):
    with write() as s:
        order = _booked(s)
        sms.queue_order_text(s, LINKS, "stage_changed", order.id, ACTOR)
    clock.current = datetime(2026, 11, 2, 21, 0, tzinfo=UTC)  # it waited (a retry, a busy loop) into the evening
    assert sms_delivery.deliver_due(engine, OutboxSms()).sent == 0
    with read() as s:
        text = s.exec(select(SmsMessage)).one()
        assert (text.status, text.attempts) == ("queued", 0)
        assert text.next_attempt_at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("what", ["off", "number"])
def test_switched_off_or_a_new_number_cancels_an_automated_text(engine, write, clock, what):
    def change(s, customer):
        if what == "off":
            sms_consent.set_consent(s, customer, False, "portal", audit.SYSTEM)
        else:
            customer.phone = "+447700900999"
            s.add(customer)

    text = _queued_then(engine, write, change)
    reason = "the customer switched texts off" if what == "off" else "the customer's number changed"
    assert (text.status, text.last_error) == ("cancelled", reason)


def test_an_interrupted_send_is_never_sent_again(engine, write, read, clock):
    with write() as s:
        sms.queue_order_text(s, LINKS, "order_booked", _booked(s).id, ACTOR)
    sms_delivery._claim(engine, 10)  # a worker took it and stopped before recording what happened
    clock.advance(minutes=11)
    assert sms_delivery.deliver_due(engine, OutboxSms()).sent == 0
    with read() as s:
        text = s.exec(select(SmsMessage)).one()
        assert text.status == "failed" and "may have gone" in text.last_error


def test_phone_numbers_are_masked_in_logged_errors():
    from repair_portal.integrations.sms import masked_digits

    assert masked_digits("The 'To' number +447700900123 is not valid") == "The 'To' number +44…0123 is not valid"
