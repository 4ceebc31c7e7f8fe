import re
import threading

import pytest
from sqlmodel import select

from repair_portal.integrations.email import OutboxBackend, SendGridBackend
from repair_portal.models import AuditEvent, Customer, Location, OutboxMessage
from repair_portal.services import audit, email_templates, mail
from repair_portal.services.mail_delivery import BACKOFF, Sender, deliver_due

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..sendgrid_standin import SendGridStandIn

LINKS = mail.LinkSettings(public_url="https://track.fixpoint.example", secret_key=TEST_SECRET_KEY)
SENDER = Sender("repairs@fixpoint.example", "FixPoint Repairs")
ACTOR = audit.Actor("system", label="test")


@pytest.fixture
def booked(write):
    with write() as s:
        _, location = factories.shop(s)
        location.email = "camden@fixpoint.example"
        new = factories.order(s, location, last_name="Wójcik", first_name="Zoë")
        mail.queue_order_email(s, LINKS, "order_booked", new.order.id, ACTOR)
        return new


@pytest.fixture
def standin():
    with SendGridStandIn() as server:
        yield server


def test_booking_email_goes_through_the_real_sendgrid_client(engine, booked, standin, read):
    report = deliver_due(engine, SendGridBackend("SG.test-key", host=standin.url), SENDER)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [request] = standin.requests
    assert request["path"] == "/v3/mail/send"
    assert request["headers"]["Authorization"] == "Bearer SG.test-key"
    body = request["json"]
    assert body["personalizations"][0]["to"] == [{"email": "ada@example.com", "name": "Zoë Wójcik"}]
    assert body["from"] == {"email": "repairs@fixpoint.example", "name": "FixPoint Repairs"}
    assert body["subject"] == f"We've booked in your Apple iPhone 13 ({booked.order.reference})"
    contents = {c["type"]: c["value"] for c in body["content"]}
    link = f"https://track.fixpoint.example/track/{booked.code}"
    assert link in contents["text/plain"] and link in contents["text/html"]
    assert "Hi Zoë" in contents["text/plain"] and "High Street" in contents["text/plain"]
    assert "<html" in contents["text/html"] and "Follow your repair" in contents["text/html"]
    with read() as s:
        message = s.exec(select(OutboxMessage)).one()
        assert (message.status, message.backend, message.attempts) == ("sent", "sendgrid", 1)
        # the link was needed to send; the outbox doesn't keep it afterwards
        assert booked.code not in message.text_body + message.html_body
        assert "/track/[private link]" in message.text_body
        assert message.provider_id == "standin-1" and message.sent_at is not None
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.order_id == booked.order.id))]
        assert "email.queued" in actions and "email.sent" in actions


def test_a_server_error_is_retried_with_back_off_and_recorded(engine, clock, booked, standin, read):
    standin.responses = [500]
    backend = SendGridBackend("SG.test-key", host=standin.url)
    first = deliver_due(engine, backend, SENDER)
    assert (first.sent, first.retrying) == (0, 1)
    with read() as s:
        message = s.exec(select(OutboxMessage)).one()
        assert message.status == "queued" and "500" in message.last_error
        assert message.next_attempt_at == clock.now() + BACKOFF[0]
    assert deliver_due(engine, backend, SENDER).sent == 0  # not due yet
    clock.advance(seconds=BACKOFF[0].total_seconds())
    assert deliver_due(engine, backend, SENDER).sent == 1
    assert len(standin.requests) == 2
    with read() as s:
        message = s.exec(select(OutboxMessage)).one()
        assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")


def test_a_rejected_message_fails_at_once_with_the_providers_error(engine, booked, standin, read):
    standin.responses = [400]
    report = deliver_due(engine, SendGridBackend("SG.test-key", host=standin.url), SENDER)
    assert report.failed == 1
    with read() as s:
        message = s.exec(select(OutboxMessage)).one()
        assert message.status == "failed" and "400" in message.last_error and "stand-in error" in message.last_error


def test_unreachable_sendgrid_keeps_the_message_queued(engine, booked, read):
    report = deliver_due(engine, SendGridBackend("SG.k", host="http://127.0.0.1:9"), SENDER)
    assert report.retrying == 1
    with read() as s:
        assert s.exec(select(OutboxMessage)).one().status == "queued"


def test_outbox_backend_logs_the_message_and_marks_it_delivered_to_the_outbox(engine, booked, read, capsys):
    assert deliver_due(engine, OutboxBackend(), SENDER).sent == 1
    printed = capsys.readouterr().out
    assert "[outbox] To: Zoë Wójcik <a…@example.com>" in printed and booked.code not in printed
    assert "ada@example.com" not in printed  # addresses are masked in logs
    assert "/track/[private link]" in printed  # the log never holds a working link
    with read() as s:
        message = s.exec(select(OutboxMessage)).one()
        assert (message.status, message.backend) == ("sent", "outbox")


def test_two_workers_never_send_the_same_message_twice(engine, write, standin):
    with write() as s:
        _, location = factories.shop(s)
        for _ in range(12):
            new = factories.order(s, location)
            mail.queue_order_email(s, LINKS, "order_booked", new.order.id, ACTOR)
    backend = SendGridBackend("SG.k", host=standin.url)
    threads = [threading.Thread(target=deliver_due, args=(engine, backend, SENDER)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    subjects = [r["json"]["subject"] for r in standin.requests]
    assert len(subjects) == len(set(subjects)) == 12


def test_customer_consent_and_missing_addresses_are_respected(write, read):
    with write() as s:
        _, location = factories.shop(s)
        location.email = ""
        new = factories.order(s, location)
        customer = s.get(Customer, new.order.customer_id)
        customer.email_updates = False
        s.add(customer)
        with pytest.raises(mail.NotSent, match="agreed"):
            mail.queue_order_email(s, LINKS, "stage_changed", new.order.id, ACTOR)
        # a staff member sending the link on request is explicit, so it goes
        mail.queue_order_email(s, LINKS, "portal_link", new.order.id, ACTOR, respect_consent=False)
        with pytest.raises(mail.NotSent, match="location has no email"):
            mail.queue_order_email(s, LINKS, "customer_message", new.order.id, ACTOR)
    with read() as s:
        assert [m.template for m in s.exec(select(OutboxMessage))] == ["portal_link"]
        reasons = [e.detail for e in s.exec(select(AuditEvent).where(AuditEvent.action == "email.skipped"))]
        assert any("no_consent" in r for r in reasons) and any("no_shop_email" in r for r in reasons)


def test_shop_emails_go_to_the_location_and_link_to_the_staff_page(write, read):
    with write() as s:
        _, location = factories.shop(s)
        location.email = "desk@shop.example"
        new = factories.order(s, location)
        message = mail.queue_order_email(
            s, LINKS, "quote_decided", new.order.id, ACTOR, extra={"decision": "approved", "quote_version": "2"}
        )
    assert message.to_email == "desk@shop.example" and message.audience == "shop"
    assert message.subject == f"Ada Nowak approved the quote for {new.order.reference}"
    assert f"https://track.fixpoint.example/staff/orders/{new.order.id}" in message.text_body
    assert new.code not in message.text_body


def test_shops_edit_subject_and_intro_and_placeholders_are_not_code(write):
    with write() as s:
        _, location = factories.shop(s)
        new = factories.order(s, location)
        email_templates.save_texts(
            s, "order_booked", "Got it: {reference} {unknown} {0.__class__}", "Hello {first_name}! <b>bold</b>"
        )
        message = mail.queue_order_email(s, LINKS, "order_booked", new.order.id, ACTOR)
        with pytest.raises(email_templates.TemplateError):
            email_templates.save_texts(s, "order_booked", "two\nlines", "x")
        with pytest.raises(email_templates.TemplateError):
            email_templates.save_texts(s, "no_such_template", "a", "b")
    assert message.subject == f"Got it: {new.order.reference} {{unknown}} {{0.__class__}}"
    assert "Hello Ada! <b>bold</b>" in message.text_body
    assert "Hello Ada! &lt;b&gt;bold&lt;/b&gt;" in message.html_body


def test_customer_supplied_text_is_escaped_in_html(write):
    with write() as s:
        _, location = factories.shop(s)
        location.email = "desk@shop.example"
        new = factories.order(s, location, first_name='<img src=x onerror="alert(1)">')
        message = mail.queue_order_email(
            s, LINKS, "customer_message", new.order.id, ACTOR, quote_block="<script>steal()</script>"
        )
    assert "<script>" not in message.html_body and "<img src=x" not in message.html_body
    assert "&lt;script&gt;steal()&lt;/script&gt;" in message.html_body


def test_every_template_renders_for_a_demo_order(write):
    with write() as s:
        _, location = factories.shop(s)
        location.email = "desk@shop.example"
        new = factories.order(s, location)
        for key in email_templates.TEMPLATES:
            message = mail.queue_order_email(
                s, LINKS, key, new.order.id, ACTOR, extra={"decision": "declined", "quote_version": "1"}
            )
            assert new.order.reference in message.subject + message.text_body
            assert not re.search(r"\{(reference|first_name|customer_name|device|stage)\}", message.text_body)
            assert s.get(Location, location.id).name in message.text_body


def test_the_console_outbox_never_prints_working_links(capsys):
    from repair_portal.integrations.email import Envelope

    token, code = "Zq3" * 10, "AbC_d-" * 5
    body = f"Choose a password: https://shop.test/staff/set-password/{token}\nTrack: https://shop.test/track/{code}"
    OutboxBackend().send(
        Envelope(
            to_email="a@example.com", to_name="A", subject="Hi", text=body, html=body, from_email="s@x", from_name="S"
        )
    )
    printed = capsys.readouterr().out
    assert token not in printed and code not in printed
    assert "/staff/set-password/[private link]" in printed and "/track/[private link]" in printed


def test_quote_emails_open_the_quote_tab_and_decisions_tell_the_shop_what_was_decided(write, clock):
    from repair_portal.services import quotes
    from tests.unit.quote_helpers import approve, decline, shop_with_sent_quote

    with write() as s:
        setup = shop_with_sent_quote(s)
        code = mail.portal_links.current_code(s, TEST_SECRET_KEY, setup.order_id)
        ready = mail.compose(s, LINKS, "quote_ready", setup.order_id)
        assert f"https://track.fixpoint.example/track/{code}?tab=quote" in ready.text
        line = next(x for x in quotes.lines_of(s, setup.quote_id) if x.optional)
        from repair_portal.services import quote_decisions

        quote_decisions.set_optional_line(s, setup.order_id, line.id, False, ACTOR)
        from repair_portal.models import Order, Stage
        from repair_portal.services import workflow

        waiting = s.exec(select(Stage).where(Stage.name == "Awaiting approval")).one()
        workflow.change_stage(s, s.get(Order, setup.order_id), waiting, ACTOR)
        approve(s, setup.order_id)
        approved = mail.compose(s, LINKS, "quote_decided", setup.order_id, extra={"decision": "approved"})
        # the shop reads its own stage name (not the customer's wording), the total and the extra left out
        assert "Approved total: £180.00" in approved.text and "Extras declined: Screen protector" in approved.text
        assert "Status: Repairing" in approved.text
    with write() as s:
        other = shop_with_sent_quote_again(s)
        decline(s, other, reason="Too dear, sorry")
        declined = mail.compose(s, LINKS, "quote_decided", other, extra={"decision": "declined"})
        assert "Reason: Too dear, sorry" in declined.text


def shop_with_sent_quote_again(session) -> int:
    from repair_portal.models import Location
    from tests.unit.quote_helpers import make_order, sent_quote_for

    order = make_order(session, session.exec(select(Location)).first(), last_name="Second")
    sent_quote_for(session, order)
    return order.id
