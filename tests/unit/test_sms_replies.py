"""When a staff reply also goes by text: only after the customer's own latest message came by SMS, never
after their STOP, only to a number a text can reach."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repair_portal.models import Customer, Message, MessageDirection, Order
from repair_portal.services import audit, clock, messages, sms_consent, sms_replies

from .. import factories


@pytest.fixture
def order_id(write):
    with write() as s:
        _, location = factories.shop(s)
        new = factories.order(s, location)
        customer = s.get(Customer, new.order.customer_id)
        customer.phone = "+447700900123"
        return new.order.id


def _from_customer(write, order_id, channel, *, minutes=0, feedback=False):
    with write() as s:
        s.add(
            Message(
                order_id=order_id,
                direction=MessageDirection.FROM_CUSTOMER.value,
                author_name="Ada",
                body="is it ready?",
                channel=channel,
                is_feedback=feedback,
                created_at=clock.now() + timedelta(minutes=minutes),
            )
        )


def _rule(read, order_id) -> bool:
    with read() as s:
        return sms_replies.reply_by_text(s, s.get(Order, order_id))


def test_no_text_before_the_customer_texts_or_when_they_last_wrote_on_the_portal(order_id, write, read, clock):
    assert not _rule(read, order_id)  # nobody wrote yet
    _from_customer(write, order_id, "portal")
    assert not _rule(read, order_id)
    _from_customer(write, order_id, "sms", minutes=1)
    assert _rule(read, order_id)
    with read() as s:
        assert sms_replies.last_customer_channel(s, order_id) == "sms"
    _from_customer(write, order_id, "portal", minutes=2)  # then they wrote on the portal: answer there
    assert not _rule(read, order_id)
    _from_customer(write, order_id, "sms", minutes=3, feedback=True)  # feedback isn't a message to answer
    assert not _rule(read, order_id)


def test_staff_messages_by_text_do_not_count_as_the_customer_texting(order_id, write, read, clock):
    _from_customer(write, order_id, "portal")
    with write() as s:
        messages.post_staff_reply(s, order_id, "Yes, come by", "Dee", audit.SYSTEM, channel="sms")
    assert not _rule(read, order_id)


def test_never_after_stop_and_again_after_start(order_id, write, read, clock):
    _from_customer(write, order_id, "sms")
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        sms_consent.set_consent(s, customer, True, "intake", audit.SYSTEM)
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        sms_consent.set_consent(s, customer, False, "keyword", audit.SYSTEM)  # they texted STOP
    assert not _rule(read, order_id)
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        sms_consent.set_consent(s, customer, True, "keyword", audit.SYSTEM)  # START
    assert _rule(read, order_id)


def test_switched_off_after_their_text_means_no_reply_by_text_but_a_new_text_from_them_does(
    order_id, write, read, clock
):
    """Unticking "text me" after texting us counts: the reply goes by email only, until they text again."""
    _from_customer(write, order_id, "sms")
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        sms_consent.set_consent(s, customer, True, "intake", audit.SYSTEM)
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        sms_consent.set_consent(s, customer, False, "portal", audit.SYSTEM)
    assert not _rule(read, order_id)
    clock.advance(minutes=5)
    _from_customer(write, order_id, "sms")  # they text again: answering them by text is fine
    assert _rule(read, order_id)
    with write() as s:
        s.get(Customer, s.get(Order, order_id).customer_id).phone = ""
    assert not _rule(read, order_id)


def test_the_thread_says_which_messages_came_or_went_by_text(order_id, write, read, clock):
    _from_customer(write, order_id, "sms")
    with write() as s:
        messages.post_staff_reply(s, order_id, "On the portal", "Dee", audit.SYSTEM)
    with read() as s:
        items = messages.thread(s, order_id, "Europe/London")
    assert [(m.from_customer, m.by_text) for m in items] == [(True, True), (False, False)]
