"""Texts that come back: placed in the one open order of the one customer with that number, otherwise kept
as unmatched; STOP/START/HELP with consent ledger rows and confirmations sent once; a repeated MessageSid
changes nothing; delivery reports move a text's status forward only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import (
    AuditEvent,
    Customer,
    CustomerAlert,
    Location,
    Message,
    Order,
    OutboxMessage,
    SmsConsent,
    SmsMessage,
    SmsStatus,
    Stage,
    StageKind,
)
from repair_portal.services import sms_consent, sms_inbound, workflow
from repair_portal.services.mail import LinkSettings
from repair_portal.services.orders import create_order

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)
ADA = "+447700900123"
SHOP_NUMBER = "+15005550006"
_sids = iter(range(10_000))


def _sid() -> str:
    return f"SM{next(_sids):032d}"


@pytest.fixture
def world(engine, clock):
    with write_session(engine) as s:
        _shop, location = factories.shop(s)
        ada = factories.order(s, location, first_name="Ada", last_name="Nowak")
        customer = s.get(Customer, ada.order.customer_id)
        customer.phone = ADA
        s.add(customer)
        sms_consent.set_consent(s, customer, True, "intake", factories.ACTOR, wording=sms_consent.INTAKE_WORDING)
        return {"order_id": ada.order.id, "customer_id": customer.id, "location_id": location.id}


def _receive(engine, body: str, *, number: str = ADA, sid: str | None = None) -> sms_inbound.Inbound:
    with write_session(engine) as s:
        return sms_inbound.receive(s, LINKS, number, SHOP_NUMBER, body, sid or _sid())


def _another_order(engine, customer_id: int, clock) -> int:
    clock.advance(hours=1)
    with write_session(engine) as s:
        customer = s.get(Customer, customer_id)
        location = s.get(Location, s.exec(select(Order.location_id)).first())
        return create_order(
            s, TEST_SECRET_KEY, customer=customer, location=location, device=None,
            problem="Battery", actor=factories.ACTOR,
        ).order.id  # fmt: skip


def _collect(engine, order_id: int) -> None:
    with write_session(engine) as s:
        collected = s.exec(select(Stage).where(Stage.kind == StageKind.COLLECTED.value)).one()
        workflow.change_stage(s, s.get(Order, order_id), collected, factories.ACTOR)


def test_a_reply_lands_in_the_customers_open_order_with_an_alert_and_an_email_to_the_shop(world, engine, read):
    answer = _receive(engine, "  Is it ready?\x07\u202e ", sid="SM" + "a" * 32)
    assert answer == sms_inbound.Inbound("message", world["order_id"], "")
    with read() as s:
        message = s.exec(select(Message)).one()
        assert (message.order_id, message.direction, message.channel) == (world["order_id"], "in", "sms")
        assert (message.author_name, message.body) == ("Ada Nowak", "Is it ready?")
        alert = s.exec(select(CustomerAlert)).one()
        assert (alert.order_id, alert.kind, alert.summary) == (world["order_id"], "message", "By text: Is it ready?")
        row = s.exec(select(SmsMessage)).one()
        assert (row.direction, row.status, row.provider_sid) == ("in", "received", "SM" + "a" * 32)
        assert (row.order_id, row.customer_id, row.from_number, row.to_number) == (
            world["order_id"], world["customer_id"], ADA, SHOP_NUMBER,
        )  # fmt: skip
        assert row.handled_at is None
        assert s.exec(select(OutboxMessage).where(OutboxMessage.template == "customer_message")).one()
        received = s.exec(select(AuditEvent).where(AuditEvent.action == "sms.received")).one()
        assert '"outcome": "message"' in received.detail and ADA not in received.detail


def test_the_most_recent_open_order_gets_it_and_a_collected_one_never(world, engine, clock):
    newer = _another_order(engine, world["customer_id"], clock)
    assert _receive(engine, "Hello").order_id == newer
    _collect(engine, newer)
    assert _receive(engine, "Hello again").order_id == world["order_id"]
    _collect(engine, world["order_id"])
    answer = _receive(engine, "And again")
    assert (answer.outcome, answer.order_id) == ("unmatched", None)


def test_unknown_numbers_and_shared_numbers_are_kept_as_unmatched(world, engine, read):
    assert _receive(engine, "Who is this?", number="+447700900999") == sms_inbound.Inbound("unmatched")
    with write_session(engine) as s:
        twin = factories.order(s, s.get(Location, world["location_id"]), first_name="Bo", last_name="Nowak")
        s.get(Customer, twin.order.customer_id).phone = ADA  # a family phone: two customers, two open orders
    assert _receive(engine, "Is mine ready?") == sms_inbound.Inbound("unmatched")
    with read() as s:
        assert s.exec(select(Message)).all() == [] and s.exec(select(CustomerAlert)).all() == []
        rows = s.exec(select(SmsMessage).order_by(SmsMessage.id)).all()
        assert [(r.order_id, r.customer_id, r.handled_at) for r in rows] == [(None, None, None), (None, None, None)]
        assert rows[0].body == "Who is this?"


def test_one_customer_without_an_open_order_is_unmatched_but_named(world, engine, read):
    _collect(engine, world["order_id"])
    assert _receive(engine, "Thanks!").outcome == "unmatched"
    with read() as s:
        row = s.exec(select(SmsMessage)).one()
        assert (row.order_id, row.customer_id) == (None, world["customer_id"])


def test_stop_ends_texts_for_every_customer_with_the_number_and_is_confirmed_once(world, engine, read):
    with write_session(engine) as s:
        other = Customer(first_name="Bo", last_name="Nowak", phone=ADA, sms_updates=True)
        s.add(other)
    first = _receive(engine, " stop ")
    assert first.outcome == "stop" and first.order_id == world["order_id"]
    assert first.reply == "You won't get texts from Test Repairs any more. Reply START to get them again."
    second = _receive(engine, "UNSUBSCRIBE")
    assert (second.outcome, second.reply) == ("stop", "")
    with read() as s:
        assert [c.sms_updates for c in s.exec(select(Customer).where(Customer.phone == ADA))] == [False, False]
        withdrawn = s.exec(select(SmsConsent).where(SmsConsent.granted.is_(False))).all()
        assert len(withdrawn) == 4 and {r.channel for r in withdrawn} == {"keyword"}  # every STOP is kept
        assert withdrawn[0].wording == "Texted STOP to the shop." and withdrawn[0].phone == ADA
        assert s.exec(select(Message)).all() == []  # a keyword isn't a message to staff
        assert all(r.handled_at is not None for r in s.exec(select(SmsMessage)))  # nor an unmatched text
        assert sms_consent.opted_out_by_keyword(s, world["customer_id"])


@pytest.mark.parametrize("word", ["STOPALL", "cancel", "End", "quit", "stop all"])
def test_every_stop_word_counts(world, engine, read, word):
    assert _receive(engine, word).outcome == "stop"
    with read() as s:
        assert not s.get(Customer, world["customer_id"]).sms_updates


def test_start_turns_texts_back_on_once_and_yes_only_after_a_stop(world, engine, read):
    assert _receive(engine, "Yes").outcome == "message"  # consented already: "Yes" answers the shop
    _receive(engine, "STOP")
    again = _receive(engine, "yes")
    assert again.outcome == "start" and again.reply == "Texts from Test Repairs are back on. Reply STOP to stop."
    assert _receive(engine, "START") == sms_inbound.Inbound("start", world["order_id"], "")
    with read() as s:
        assert s.get(Customer, world["customer_id"]).sms_updates
        ledger = [(r.granted, r.channel) for r in sms_consent.history(s, world["customer_id"])]
        assert ledger == [(True, "keyword"), (False, "keyword"), (True, "intake")]
        assert [m.body for m in s.exec(select(Message))] == ["Yes"]


def test_start_from_a_number_that_never_opted_in_doesnt_sign_anyone_up(world, engine, read):
    """START undoes a STOP by text; it is not a way in for a customer who never agreed (a shared phone)."""
    with write_session(engine) as s:
        s.add(Customer(first_name="Cy", last_name="New", phone="+447700900555"))
    answer = _receive(engine, "UNSTOP", number="+447700900555")
    assert answer.outcome == "start" and answer.reply == ""
    with read() as s:
        assert not s.exec(select(Customer).where(Customer.phone == "+447700900555")).one().sms_updates


@pytest.mark.parametrize("body", ["Stop!", "stop.", "STOP texting me", "Please stop"])
def test_stop_with_punctuation_or_a_few_words_stops(world, engine, read, body):
    answer = _receive(engine, body)
    stopped = body != "Please stop"  # a stop word first, in a short text; anything else is a message to staff
    assert (answer.outcome == "stop") is stopped
    with read() as s:
        assert s.get(Customer, world["customer_id"]).sms_updates is not stopped


def test_stop_from_a_number_that_never_agreed_is_kept_and_blocks_even_staff_texts(world, engine, read):
    from repair_portal.services import sms, sms_replies

    with write_session(engine) as s:
        s.add(Customer(first_name="Di", last_name="Quiet", phone="+447700900556"))
    assert _receive(engine, "STOP", number="+447700900556").reply.startswith("You won't get texts")
    assert _receive(engine, "STOP", number="+447700900556").reply == ""  # confirmed once
    with write_session(engine) as s:
        assert sms_consent.number_stopped(s, "+447700900556")
        customer = s.get(Customer, world["customer_id"])
        customer.phone = "+447700900556"  # the same number on an order: nothing goes to it, by hand or not
        s.add(customer)
        order = s.get(Order, world["order_id"])
        with pytest.raises(sms.NotTexted, match="STOP"):
            sms.queue_text(s, order, "Your link", factories.ACTOR, template="portal_link", explicit=True)
        assert not sms_replies.reply_by_text(s, order)


def test_help_answers_with_the_shop_name_and_its_phone_in_national_format(world, engine, read):
    answer = _receive(engine, "help")
    assert answer.outcome == "help"
    assert answer.reply == "Test Repairs: call us on 020 0000 0000 or reply to this text. Reply STOP to stop."
    stranger = _receive(engine, "INFO", number="+447700900999")  # not a customer: still told who we are
    assert stranger.reply.startswith("Test Repairs: call us on 020 0000 0000")
    with read() as s:
        assert s.get(Customer, world["customer_id"]).sms_updates  # HELP changes nothing
        assert s.exec(select(Message)).all() == []


def test_the_same_message_sid_twice_is_a_duplicate_and_adds_nothing(world, engine, read):
    sid = "SM" + "b" * 32
    assert _receive(engine, "Hello", sid=sid).outcome == "message"
    assert _receive(engine, "Hello", sid=sid) == sms_inbound.Inbound("duplicate")
    stop_sid = "SM" + "c" * 32
    assert _receive(engine, "STOP", sid=stop_sid).reply
    assert _receive(engine, "STOP", sid=stop_sid) == sms_inbound.Inbound("duplicate")  # no second confirmation
    with read() as s:
        assert len(s.exec(select(Message)).all()) == 1 and len(s.exec(select(CustomerAlert)).all()) == 1
        assert len(s.exec(select(SmsMessage)).all()) == 2


def test_long_bodies_are_cut_to_1600_and_an_empty_text_still_reaches_staff(world, engine, read):
    _receive(engine, "x" * 2000)
    _receive(engine, "  \x00 ")
    with read() as s:
        rows = s.exec(select(SmsMessage).order_by(SmsMessage.id)).all()
        assert [len(r.body) for r in rows] == [1600, 0]
        bodies = [m.body for m in s.exec(select(Message).order_by(Message.id))]
        assert bodies == ["x" * 1600, sms_inbound.NO_WORDS]


def test_control_characters_are_stripped_and_line_breaks_kept():
    assert sms_inbound.clean_body("a\r\nb\x1b[31m\tc\u2066d") == "a\nb[31m cd"
    assert sms_inbound.keyword(" S t o p\n") == "STOP" and sms_inbound.keyword("stop it") == "STOP"  # when in doubt
    assert sms_inbound.keyword("is it ready?") == "" and sms_inbound.keyword("Stop by at 5, is that ok with you?") == ""


def _sent(engine, sid: str) -> int:
    with write_session(engine) as s:
        text = SmsMessage(direction="out", to_number=ADA, body="Ready", status=SmsStatus.SENT.value, provider_sid=sid)
        s.add(text)
        s.flush()
        return text.id


def _status(engine, sid: str, status: str, code: str = "") -> SmsMessage | None:
    with write_session(engine) as s:
        return sms_inbound.record_status(s, sid, status, code)


def test_delivery_reports_move_forward_and_never_back(engine, clock, read):
    text_id = _sent(engine, "SM" + "d" * 32)
    assert _status(engine, "SM" + "d" * 32, "sending").status == "sent"
    clock.advance(seconds=5)
    delivered = _status(engine, "SM" + "d" * 32, "delivered")
    assert delivered.status == "delivered" and delivered.delivered_at == clock.now()
    for late in ("sent", "queued", "failed", "undelivered"):
        assert _status(engine, "SM" + "d" * 32, late, "30003").status == "delivered"
    with read() as s:
        text = s.get(SmsMessage, text_id)
        assert (text.status, text.error_code) == ("delivered", "")
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "sms.delivered")).one()


def test_a_failed_report_keeps_the_error_code_and_unknown_sids_or_words_change_nothing(engine, clock, read):
    text_id = _sent(engine, "SM" + "e" * 32)
    assert _status(engine, "SM" + "f" * 32, "delivered") is None
    assert _status(engine, "", "delivered") is None
    assert _status(engine, "SM" + "e" * 32, "exploded").status == "sent"
    clock.advance(minutes=1)
    assert _status(engine, "SM" + "e" * 32, "undelivered", "30005").status == "undelivered"
    assert _status(engine, "SM" + "e" * 32, "delivered").status == "undelivered"
    with read() as s:
        text = s.get(SmsMessage, text_id)
        assert (text.error_code, text.delivered_at) == ("30005", None)
        assert text.last_error == "Twilio reported undelivered (error 30005)"


def test_an_inbound_texts_sid_is_not_an_outgoing_one(world, engine):
    _receive(engine, "Hello", sid="SM" + "9" * 32)
    assert _status(engine, "SM" + "9" * 32, "delivered") is None


def test_the_ordering_uses_booking_time_not_creation_order(world, engine, clock):
    newer = _another_order(engine, world["customer_id"], clock)
    with write_session(engine) as s:
        s.get(Order, newer).booked_in_at = s.get(Order, world["order_id"]).booked_in_at - timedelta(days=1)
    assert _receive(engine, "Which one?").order_id == world["order_id"]


def test_actor_labels_never_hold_the_whole_number(world, engine, read):
    _receive(engine, "Hi", number="+447700900999")
    with read() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "sms.received")).one()
        assert "+447700900999" not in event.actor_label + event.detail
        assert (event.actor_type, event.actor_id) == ("customer", None)
