"""The Texts card's rows: which text, which way, the number as people write it, what happened to it, and
never a tracking link; the one-tap sms: and WhatsApp links."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from repair_portal.integrations.sms import OutboxSms, SmsDeliveryError
from repair_portal.models import Customer, Location, Order, SmsMessage, SmsStatus
from repair_portal.services import audit, sms, sms_delivery, sms_views
from repair_portal.services.mail import LinkSettings

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)


@pytest.fixture
def shop_order(write):
    with write() as s:
        _, location = factories.shop(s)
        new = factories.order(s, location)
        customer = s.get(Customer, new.order.customer_id)
        customer.phone, customer.sms_updates = "+447700900123", True
        return new


def _items(read, order_id):
    with read() as s:
        return sms_views.text_items(s, order_id)


def test_a_queued_text_names_its_template_and_number_and_never_shows_the_link(shop_order, write, read, clock):
    with write() as s:
        stored = sms.queue_order_text(s, LINKS, "portal_link", shop_order.order.id, audit.SYSTEM, explicit=True).body
    [item] = _items(read, shop_order.order.id)
    assert item.text == "Text link (sent by staff)" and item.direction == "To the customer" and item.outgoing
    assert item.number == "07700 900123" and item.status == "Queued" and item.tone == "gray"
    assert shop_order.code not in item.body and "/track/[private link]" in item.body
    assert item.when == "2 Nov 2026, 09:30"
    assert shop_order.code in stored  # the queued copy keeps it until sent: the card blanks it


def test_an_automated_text_in_quiet_hours_says_when_it_goes(shop_order, write, read, clock):
    clock.current = datetime(2026, 11, 2, 21, 15, tzinfo=UTC)  # 21:15 in London
    with write() as s:
        sms.queue_order_text(s, LINKS, "order_booked", shop_order.order.id, audit.SYSTEM)
    [item] = _items(read, shop_order.order.id)
    assert item.status == "Waits until 08:00" and item.text == "Order booked in"
    clock.current = datetime(2026, 11, 3, 8, 1, tzinfo=UTC)
    assert _items(read, shop_order.order.id)[0].status == "Queued"  # the morning came: due now
    clock.current = datetime(2026, 11, 4, 1, 30, tzinfo=UTC)  # 01:30 in London, 20:30 in New York
    with write() as s:  # a location in another zone: its own evening and morning, in its own time
        s.get(Location, shop_order.order.location_id).timezone = "America/New_York"
        sms.queue_order_text(s, LINKS, "quote_ready", shop_order.order.id, audit.SYSTEM)
    newest, oldest = _items(read, shop_order.order.id)
    assert newest.text == "Quote ready" and oldest.text == "Order booked in"  # newest first
    assert newest.status == "Waits until 08:00" and oldest.status == "Queued"
    clock.current = datetime(2026, 11, 1, 21, 0, tzinfo=UTC)  # (a clock far behind: the date is said too)
    assert _items(read, shop_order.order.id)[0].status == "Waits until 4 Nov, 08:00"


def test_outbox_sent_failed_undelivered_delivered_and_received(shop_order, write, read, engine, clock):
    with write() as s:
        for _ in range(2):
            sms.queue_order_text(s, LINKS, "ready_for_collection", shop_order.order.id, audit.SYSTEM, explicit=True)
    sms_delivery.deliver_due(engine, OutboxSms(), limit=1)

    class Refusing:
        name = "twilio"

        def send(self, text):
            raise SmsDeliveryError("Twilio said: The 'To' number is not a valid phone number.", retryable=False)

    sms_delivery.deliver_due(engine, Refusing())
    failed, outbox = _items(read, shop_order.order.id)
    assert outbox.status == "In outbox (texts not set up)" and outbox.tone == "amber"
    assert failed.status == "Failed: Twilio said: The 'To' number is not a valid phone number." and failed.tone == "red"
    with write() as s:
        first = s.get(SmsMessage, outbox.id)
        first.status, first.error_code = SmsStatus.UNDELIVERED.value, "30003"
        second = s.get(SmsMessage, failed.id)
        second.status, second.last_error = SmsStatus.DELIVERED.value, ""
        s.add(
            SmsMessage(
                direction="in",
                order_id=shop_order.order.id,
                customer_id=second.customer_id,
                to_number="+447700900000",
                from_number="+447700900123",
                body="is it ready?",
                status=SmsStatus.RECEIVED.value,
            )
        )
    received, delivered, undelivered = _items(read, shop_order.order.id)
    assert (received.status, received.direction) == ("Received", "From the customer")
    assert received.text == "From the customer"
    assert received.number == "07700 900123" and not received.outgoing and received.body == "is it ready?"
    assert delivered.status == "Delivered" and delivered.tone == "green"
    assert undelivered.status == "Undelivered (code 30003)" and undelivered.tone == "red"


def test_a_typed_reply_a_retry_and_a_foreign_number(shop_order, write, read, clock):
    with write() as s:
        s.get(Customer, shop_order.order.customer_id).phone = "+353850123456"
        order = s.get(Order, shop_order.order.id)
        typed = sms.queue_text(s, order, "See you at 5", audit.SYSTEM, explicit=True)
        typed.attempts, typed.last_error = 1, "Twilio couldn't be reached"
    [item] = _items(read, shop_order.order.id)
    assert item.text == "Typed reply" and item.number == "+353 85 012 3456"
    assert item.status == "Retrying (attempt 2)"
    with read() as s:
        assert sms_views.text_items(s, 10**9) == []


def test_only_an_e164_number_can_be_texted_and_the_app_links_carry_the_message():
    assert sms_views.textable(" +447700900123 ") == "+447700900123"
    assert sms_views.textable("07700 900123") is None and sms_views.textable("") is None
    assert sms_views.textable(None) is None and sms_views.textable("+0123") is None
    body = "Test Repairs: follow your repair R-10001 here: http://shop.test/track/abc&x=1 (private link)"
    href = sms_views.sms_href("+447700900123", body)
    assert href.startswith("sms:+447700900123?&body=") and unquote(href.split("body=", 1)[1]) == body
    assert "&x=1" not in href and " " not in href
    wa = sms_views.whatsapp_href("+447700900123", body)
    assert wa.startswith("https://wa.me/447700900123?text=") and unquote(wa.split("text=", 1)[1]) == body
