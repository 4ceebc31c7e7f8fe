"""Texting from the order page as plain actions: "Text link", the link for the staff member's own apps,
and staff replies that go back by text when that's how the customer wrote."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from sqlmodel import select

from repair_portal.actions import order_page, refused, texts
from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Customer, Message, MessageDirection, OutboxMessage, SmsMessage
from repair_portal.services import audit, portal_links, sms_consent

from .. import factories

MOBILE = "+447700900123"


@pytest.fixture
def setup(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        desk = factories.staff(s, email="desk@example.com")
        new = factories.order(s, location)
        customer = s.get(Customer, new.order.customer_id)
        customer.phone, customer.email_updates = MOBILE, True
        actor = audit.Actor("staff", desk.id, "desk@example.com", "198.51.100.1", "pytest")
        return new, actor


def _rows(engine, model, **where):
    with write_session(engine) as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.exec(query).all()


def _actions(engine, order_id) -> list[tuple[str, dict]]:
    return [(e.action, json.loads(e.detail or "{}")) for e in _rows(engine, AuditEvent, order_id=order_id)]


def test_text_link_queues_the_link_explicitly_and_is_audited(setup, engine):
    new, actor = setup
    outcome = texts.text_portal_link(new.order.id, actor)
    assert outcome.ok and outcome.changed == "texts" and outcome.order_id == new.order.id
    assert outcome.message.startswith("Link texted to 07700 900123.") and "SMS outbox" in outcome.message
    [text] = _rows(engine, SmsMessage, order_id=new.order.id)
    assert text.template == "portal_link" and text.to_number == MOBILE and text.staff_user_id == actor.id
    assert f"/track/{new.code}" in text.body  # sent with its link (blanked once sent)
    done = dict(_actions(engine, new.order.id))
    assert done["sms.queued"]["explicit"] is True and done["sms.queued"]["sms_id"] == text.id
    assert done["sms.link_texted"] == {"sms_id": text.id}
    assert [e.actor_id for e in _rows(engine, AuditEvent, action="sms.link_texted")] == [actor.id]


def test_text_link_without_a_mobile_number_is_refused_and_audited(setup, engine):
    new, actor = setup
    with write_session(engine) as s:
        s.get(Customer, new.order.customer_id).phone = ""
    outcome = texts.text_portal_link(new.order.id, actor)
    assert not outcome.ok and outcome.message == "Not texted: The customer has no mobile number on file."
    assert _rows(engine, SmsMessage) == []
    assert ("sms.skipped", {"reason": "no_mobile", "template": "portal_link"}) in _actions(engine, new.order.id)
    assert "sms.link_texted" not in dict(_actions(engine, new.order.id))


def test_text_link_is_refused_after_stop_without_a_live_link_and_for_a_gone_order(setup, engine):
    new, actor = setup
    with write_session(engine) as s:
        customer = s.get(Customer, new.order.customer_id)
        sms_consent.set_consent(s, customer, True, "intake", audit.SYSTEM)
    with write_session(engine) as s:
        sms_consent.set_consent(s, s.get(Customer, new.order.customer_id), False, "keyword", audit.SYSTEM)
    stopped = texts.text_portal_link(new.order.id, actor)
    assert not stopped.ok and "STOP" in stopped.message
    assert ("sms.skipped", {"reason": "stopped", "template": "portal_link"}) in _actions(engine, new.order.id)
    with write_session(engine) as s:
        portal_links.revoke(s, new.order.id, audit.SYSTEM)
    assert texts.text_portal_link(new.order.id, actor).message == texts.NO_LINK
    assert texts.text_portal_link(10**9, actor).message == "That order no longer exists."
    assert _rows(engine, SmsMessage) == []


def test_the_link_for_messages_whatsapp_and_the_clipboard_is_audited(setup, engine):
    new, actor = setup
    outcome, href = texts.share_link(new.order.id, "sms", actor)
    assert outcome.ok and href.startswith(f"sms:{MOBILE}?&body=")
    body = unquote(href.split("body=", 1)[1])
    assert body.startswith("Test Repairs: follow your repair R-") and f"http://shop.test/track/{new.code}" in body
    outcome, wa = texts.share_link(new.order.id, "whatsapp", actor)
    assert outcome.ok and wa.startswith("https://wa.me/447700900123?text=") and unquote(wa.split("text=")[1]) == body
    outcome, copied = texts.share_link(new.order.id, "copy", actor)
    assert outcome.ok and copied == body
    shared = [d["way"] for a, d in _actions(engine, new.order.id) if a == "portal_link.shared"]
    assert shared == ["sms", "whatsapp", "copy"]
    assert _rows(engine, SmsMessage) == []  # nothing went through the shop's text provider


def test_the_app_links_need_a_mobile_number_and_a_live_link(setup, engine):
    new, actor = setup
    with write_session(engine) as s:
        s.get(Customer, new.order.customer_id).phone = "07700 900123"  # not E.164: can't be texted
    assert texts.share_link(new.order.id, "whatsapp", actor) == (refused(texts.NO_MOBILE), "")
    assert texts.share_link(new.order.id, "copy", actor)[0].ok  # the clipboard needs no number
    assert not texts.share_link(new.order.id, "carrier-pigeon", actor)[0].ok
    with write_session(engine) as s:
        portal_links.revoke(s, new.order.id, audit.SYSTEM)
    outcome, href = texts.share_link(new.order.id, "copy", actor)
    assert not outcome.ok and href == ""
    assert [d["way"] for a, d in _actions(engine, new.order.id) if a == "portal_link.shared"] == ["copy"]


def _customer_texted(engine, order_id):
    with write_session(engine) as s:
        s.add(Message(order_id=order_id, direction=MessageDirection.FROM_CUSTOMER.value, body="ready?", channel="sms"))


def test_a_reply_to_a_customer_who_texted_goes_by_text_and_email(setup, engine):
    new, actor = setup
    _customer_texted(engine, new.order.id)
    outcome = order_page.staff_reply(new.order.id, "Yes, it's ready", "Dee", actor)
    assert outcome.ok and outcome.message == "Reply sent by text and email." and outcome.changed == "messages"
    [text] = _rows(engine, SmsMessage, order_id=new.order.id)
    assert text.template == "staff_reply" and text.body.endswith(": Yes, it's ready") and text.staff_user_id == actor.id
    assert text.next_attempt_at <= text.created_at  # an answer, not automated: no quiet hours
    reply = _rows(engine, Message, order_id=new.order.id, direction=MessageDirection.TO_CUSTOMER.value)
    assert [(m.body, m.channel) for m in reply] == [("Yes, it's ready", "sms")]
    assert [m.template for m in _rows(engine, OutboxMessage, order_id=new.order.id)] == ["staff_reply"]


def test_a_reply_goes_by_text_only_without_email_and_never_after_stop(setup, engine):
    new, actor = setup
    with write_session(engine) as s:
        s.get(Customer, new.order.customer_id).email_updates = False
    _customer_texted(engine, new.order.id)
    assert order_page.staff_reply(new.order.id, "On it", "Dee", actor).message == "Reply sent by text."
    with write_session(engine) as s:
        customer = s.get(Customer, new.order.customer_id)
        sms_consent.set_consent(s, customer, True, "intake", audit.SYSTEM)
    with write_session(engine) as s:
        sms_consent.set_consent(s, s.get(Customer, new.order.customer_id), False, "keyword", audit.SYSTEM)
    after_stop = order_page.staff_reply(new.order.id, "Still there?", "Dee", actor)
    assert after_stop.ok and after_stop.message == "Reply sent."
    assert [t.body.split(": ", 1)[1] for t in _rows(engine, SmsMessage)] == ["On it"]
    channels = {m.body: m.channel for m in _rows(engine, Message, direction=MessageDirection.TO_CUSTOMER.value)}
    assert channels == {"On it": "sms", "Still there?": "portal"}


def test_a_reply_after_a_portal_message_stays_on_the_portal(setup, engine):
    new, actor = setup
    with write_session(engine) as s:
        s.add(Message(order_id=new.order.id, direction=MessageDirection.FROM_CUSTOMER.value, body="hi"))
    outcome = order_page.staff_reply(new.order.id, "Hello", "Dee", actor)
    assert outcome.message == "Reply sent." and _rows(engine, SmsMessage) == []
