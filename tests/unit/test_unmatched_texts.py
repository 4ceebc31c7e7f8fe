"""Texts that found no order: the staff list, adding one to an order by its reference (it joins the thread as
the customer's, by SMS), dismissing one; each text is dealt with once, and nothing else can be."""

import json
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from repair_portal.db import session_scope, write_session
from repair_portal.models import AuditEvent, Customer, Message, SmsMessage, SmsStatus
from repair_portal.services import audit, messages, unmatched_texts
from repair_portal.services.unmatched_texts import UnmatchedError

from .. import factories

DESK = audit.Actor("staff", None, "desk@example.com")


def _text(session, body, *, number="+447400900555", order_id=None, customer_id=None, direction="in", at=None):
    """An inbound text as the webhook stores it (an outbound one with direction="out")."""
    sms = SmsMessage(
        direction=direction,
        order_id=order_id,
        customer_id=customer_id,
        to_number="+447700900000" if direction == "in" else number,
        from_number=number if direction == "in" else "+447700900000",
        body=body,
        status=SmsStatus.RECEIVED.value if direction == "in" else SmsStatus.SENT.value,
        **({"created_at": at} if at else {}),
    )
    session.add(sms)
    session.flush()
    return sms


def _world(session, clock):
    _, location = factories.shop(session)
    first = factories.order(session, location, last_name="Nowak").order
    second = factories.order(session, location, last_name="Baker").order
    customer = session.get(Customer, first.customer_id)
    customer.phone = "+447400900123"
    session.add(customer)
    return first, second, customer


def test_the_list_holds_only_inbound_texts_without_an_order_nobody_dealt_with(session, clock):
    first, _, customer = _world(session, clock)
    older = _text(session, "is it ready?", at=clock.now() - timedelta(hours=2))
    newer = _text(session, "my phone?", number="+447400900123", customer_id=customer.id)
    _text(session, "matched", order_id=first.id)
    _text(session, "outbound", direction="out")
    handled = _text(session, "spam")
    handled.handled_at = clock.now()
    session.add(handled)
    session.flush()
    listed = unmatched_texts.list_unmatched(session, "Europe/London", "GB")
    assert [t.id for t in listed] == [newer.id, older.id]  # newest first
    assert listed[0].number == "07400 900123" and listed[0].customer == "Ada Nowak" and listed[0].body == "my phone?"
    assert listed[1].number == "07400 900555" and listed[1].customer == "" and listed[1].at == "2 Nov 2026, 07:30"
    assert unmatched_texts.count_unmatched(session) == 2
    assert unmatched_texts.list_unmatched(session, "Europe/London", "GB", limit=1)[0].id == newer.id


def test_adding_a_text_to_an_order_puts_it_in_the_thread_as_a_text_from_the_customer(session, clock):
    first, second, customer = _world(session, clock)
    came = clock.now() - timedelta(minutes=5)
    theirs = _text(session, "is it ready?", number="+447400900123", customer_id=customer.id, at=came)
    stranger = _text(session, "new number, it's Ada")
    message = unmatched_texts.attach_to_order(session, theirs.id, " r" + first.reference[2:], DESK)
    assert (message.order_id, message.direction, message.channel, message.body) == (
        first.id,
        "in",
        "sms",
        "is it ready?",
    )
    assert message.author_name == "Ada Nowak" and message.created_at == came  # when the customer wrote it
    session.refresh(theirs)
    assert theirs.order_id == first.id and theirs.handled_at == clock.now()
    thread = messages.thread(session, first.id, "Europe/London")
    assert [(m.from_customer, m.body) for m in thread] == [(True, "is it ready?")]
    # A number that isn't the order's customer's is named by the number, and the text joins that order.
    other = unmatched_texts.attach_to_order(session, stranger.id, second.reference, DESK)
    assert other.author_name == "Text from 07400 900555"
    session.refresh(stranger)
    assert stranger.customer_id is None and stranger.order_id == second.id  # who sent it isn't rewritten
    assert other.channel == "sms_other"  # so a reply on that order doesn't go to the customer's own phone
    assert unmatched_texts.list_unmatched(session, "Europe/London", "GB") == []
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "sms.unmatched_attached")).all()
    assert [(e.order_id, json.loads(e.detail)["sms_id"]) for e in events] == [
        (first.id, theirs.id),
        (second.id, stranger.id),
    ]


@pytest.mark.parametrize("reference", ["", "hello", "R-", "R-99999"])
def test_a_reference_that_is_no_order_changes_nothing(session, clock, reference):
    _world(session, clock)
    sms = _text(session, "is it ready?")
    with pytest.raises(UnmatchedError) as caught:
        unmatched_texts.attach_to_order(session, sms.id, reference, DESK)
    assert "R-10042" in str(caught.value) or "no order R-99999" in str(caught.value)
    session.refresh(sms)
    assert sms.order_id is None and sms.handled_at is None
    assert session.exec(select(Message)).all() == [] and session.exec(select(AuditEvent).where(
        AuditEvent.action.like("sms.%"))).all() == []  # fmt: skip


def test_only_an_unmatched_text_can_be_added_or_dismissed(session, clock):
    first, _, _ = _world(session, clock)
    matched = _text(session, "matched", order_id=first.id)
    outbound = _text(session, "Your repair is ready", direction="out")
    done = _text(session, "old")
    unmatched_texts.dismiss(session, done.id, DESK)
    for sms_id in (matched.id, outbound.id, done.id, 999999, None, 0):
        with pytest.raises(UnmatchedError, match="already dealt with"):
            unmatched_texts.attach_to_order(session, sms_id, first.reference, DESK)
        with pytest.raises(UnmatchedError, match="already dealt with"):
            unmatched_texts.dismiss(session, sms_id, DESK)
    session.refresh(outbound)
    session.refresh(matched)
    assert outbound.order_id is None and outbound.handled_at is None and matched.handled_at is None
    assert session.exec(select(Message)).all() == []


def test_dismissing_takes_it_off_the_list_and_keeps_it(session, clock):
    _world(session, clock)
    sms = _text(session, "WIN A PRIZE")
    unmatched_texts.dismiss(session, sms.id, DESK)
    session.refresh(sms)
    assert sms.handled_at == clock.now() and sms.order_id is None and sms.body == "WIN A PRIZE"
    assert unmatched_texts.count_unmatched(session) == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "sms.unmatched_dismissed")).one()
    assert json.loads(event.detail) == {"sms_id": sms.id} and event.actor_label == "desk@example.com"


def test_two_staff_adding_the_same_text_at_once_make_one_message(engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        orders = [factories.order(s, location, last_name=f"N{i}").order.reference for i in range(2)]
        sms_id = _text(s, "is it ready?").id
    results, barrier = [], threading.Barrier(4)

    def attempt(i):
        barrier.wait()
        try:
            with write_session(engine) as s:
                if i % 2:
                    unmatched_texts.dismiss(s, sms_id, DESK)
                else:
                    unmatched_texts.attach_to_order(s, sms_id, orders[i // 2 % 2], DESK)
            results.append("ok")
        except UnmatchedError:
            results.append("refused")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    with session_scope(engine) as s:
        handled = s.exec(select(AuditEvent).where(AuditEvent.action.like("sms.unmatched_%"))).all()
        assert len(handled) == 1 and len(s.exec(select(Message)).all()) == (
            handled[0].action == "sms.unmatched_attached"
        )
