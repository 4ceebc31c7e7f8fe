"""The whole text path with the real `twilio` client against the local stand-in: a queued text goes out
with its status callback, the signed delivery report marks it delivered, refused texts fail once and for
all, server errors are retried with back-off; a customer's signed reply lands in the order's thread and is
answered with TwiML; forged or unsigned webhooks change nothing; STOP ends automated texts, START resumes."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select
from starlette.routing import Route
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from repair_portal import routes
from repair_portal.api import api_routes, security_headers
from repair_portal.api.sms import twilio_inbound, twilio_status
from repair_portal.db import get_engine, session_scope, write_session
from repair_portal.models import Customer, Message, Order, SmsMessage, SmsStatus
from repair_portal.services import audit, sms, sms_consent, sms_delivery, sms_settings
from repair_portal.settings import get_settings

from .. import factories
from ..twilio_standin import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStandInServer

ADA = "+447700900123"
STAFF = audit.Actor("staff", None, "Sam")


@pytest.fixture
def published(monkeypatch) -> dict:
    """What the webhook routes told open pages (the live channels themselves are the app's)."""
    seen = {"orders": [], "alerts": 0}

    async def publish(order_id: int, part: str) -> None:
        seen["orders"].append((order_id, part))

    def publish_alerts() -> None:
        seen["alerts"] += 1

    monkeypatch.setattr("repair_portal.live.publish", publish)
    monkeypatch.setattr("repair_portal.live.publish_alerts", publish_alerts)
    return seen


def _twilio_env(monkeypatch, public_url: str, api_base: str) -> None:
    monkeypatch.setenv("PUBLIC_URL", public_url)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_FROM", FROM_NUMBER)
    monkeypatch.setenv("TWILIO_API_BASE", api_base)
    get_settings.cache_clear()


@pytest.fixture
def twilio(app_env, monkeypatch, published, clock):
    """The app's settings pointed at a running stand-in whose webhooks reach the app's own routes (the
    stand-in's server is the app's public address here)."""
    app_routes = [
        Route(routes.TWILIO_INBOUND, twilio_inbound, methods=["POST"]),
        Route(routes.TWILIO_STATUS, twilio_status, methods=["POST"]),
    ]
    with TwilioStandInServer(routes=app_routes) as server:
        _twilio_env(monkeypatch, server.origin, server.url)
        yield server
        get_settings.cache_clear()


@pytest.fixture
def order_id(twilio) -> int:
    with write_session() as s:
        _shop, location = factories.shop(s)
        order = factories.order(s, location).order
        customer = s.get(Customer, order.customer_id)
        customer.phone = ADA
        sms_consent.set_consent(s, customer, True, "intake", STAFF, wording=sms_consent.INTAKE_WORDING)
        return order.id


def _queue(order_id: int, body: str = "Your repair is ready: http://shop.test/track/Abc123Def456Ghi789") -> int:
    with write_session() as s:
        return sms.queue_text(s, s.get(Order, order_id), body, audit.SYSTEM, template="ready").id


def _deliver() -> sms_delivery.TextReport:
    settings = get_settings()
    with session_scope() as s:
        backend = sms_settings.backend_for(s, settings)
    return sms_delivery.deliver_due(get_engine(), backend, status_callback=sms_settings.status_url(settings))


def _text(text_id: int) -> SmsMessage:
    with session_scope() as s:
        return s.get(SmsMessage, text_id)


def test_a_queued_text_goes_out_and_the_signed_report_marks_it_delivered(twilio, order_id, published):
    text_id = _queue(order_id)
    assert _deliver() == sms_delivery.TextReport(sent=1)
    sent = twilio.standin.last()
    assert (sent["to"], sent["from"], sent["status"]) == (ADA, FROM_NUMBER, "queued")
    assert sent["body"] == "Your repair is ready: http://shop.test/track/Abc123Def456Ghi789"
    assert sent["status_callback"] == twilio.origin + routes.TWILIO_STATUS
    text = _text(text_id)
    assert (text.status, text.backend, text.provider_sid) == ("sent", "twilio", sent["sid"])
    assert "Abc123Def456Ghi789" not in text.body and "[private link]" in text.body  # sent, then not kept
    answer = twilio.standin.deliver(sent["sid"])
    assert answer.status_code == 204
    text = _text(text_id)
    assert text.status == "delivered" and text.delivered_at is not None
    assert published["orders"] == [(order_id, "texts")]
    assert twilio.standin.deliver(sent["sid"], "sent").status_code == 204  # a late report: ignored
    assert _text(text_id).status == "delivered"


def test_a_refused_text_fails_once_with_its_error_code_and_is_not_retried(twilio, order_id, clock):
    text_id = _queue(order_id)
    twilio.standin.fail_next(21211, 400, "Invalid 'To' Phone Number")
    assert _deliver() == sms_delivery.TextReport(failed=1)
    text = _text(text_id)
    assert (text.status, text.error_code, text.attempts) == ("failed", "21211", 1)
    assert "Invalid 'To' Phone Number" in text.last_error
    clock.advance(hours=2)
    assert _deliver() == sms_delivery.TextReport()
    assert twilio.standin.messages == {} and len(twilio.standin.refused) == 1


def test_a_server_error_is_retried_with_back_off(twilio, order_id, clock):
    text_id = _queue(order_id)
    twilio.standin.fail_next(20500, 500, "Internal Server Error")
    assert _deliver() == sms_delivery.TextReport(retrying=1)
    text = _text(text_id)
    assert (text.status, text.error_code) == ("queued", "20500")
    assert text.next_attempt_at == clock.now() + sms_delivery.BACKOFF[0]
    assert _deliver() == sms_delivery.TextReport()  # not before its time
    clock.advance(seconds=31)
    assert _deliver() == sms_delivery.TextReport(sent=1)
    assert (_text(text_id).status, _text(text_id).attempts) == ("sent", 2)
    assert len(twilio.standin.messages) == 1


def test_the_wrong_auth_token_is_refused_by_the_stand_in_as_by_twilio(twilio, order_id, monkeypatch):
    text_id = _queue(order_id)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-right-token-0000000000000")
    get_settings.cache_clear()
    assert _deliver() == sms_delivery.TextReport(failed=1)
    assert (_text(text_id).status, _text(text_id).error_code) == ("failed", "20003")
    assert twilio.standin.refused[-1]["status"] == 401 and twilio.standin.messages == {}


def test_a_signed_reply_lands_in_the_thread_and_is_answered_with_twiml(twilio, order_id, published):
    url = sms_settings.inbound_url(get_settings())
    answer = twilio.standin.inbound(ADA, FROM_NUMBER, "Is it ready?", url)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    with session_scope() as s:
        message = s.exec(select(Message)).one()
        assert (message.order_id, message.body, message.channel) == (order_id, "Is it ready?", "sms")
        row = s.exec(select(SmsMessage).where(SmsMessage.direction == "in")).one()
        assert row.provider_sid == twilio.standin.callbacks[-1]["params"]["MessageSid"]
    assert published == {"orders": [(order_id, "messages")], "alerts": 1}
    again = twilio.standin.inbound(ADA, FROM_NUMBER, "Is it ready?", url, message_sid=row.provider_sid)
    assert again.status_code == 200  # Twilio posting the same text again: nothing new
    with session_scope() as s:
        assert len(s.exec(select(Message)).all()) == 1


def test_forged_unsigned_and_tampered_webhooks_are_refused_and_change_nothing(twilio, order_id, published):
    url = sms_settings.inbound_url(get_settings())
    params = {"MessageSid": "SM" + "1" * 32, "From": ADA, "To": FROM_NUMBER, "Body": "Cancel it", "NumMedia": "0"}
    assert twilio.standin.post(url, params, signature="forged-signature=").status_code == 403
    assert twilio.standin.post(url, params, signature="").status_code == 403
    tampered = dict(params, Body="STOP")
    assert twilio.standin.post(url, tampered, signature=twilio.standin.sign(url, params)).status_code == 403
    signed_elsewhere = RequestValidator("another-accounts-token-000000000").compute_signature(url, params)
    assert twilio.standin.post(url, params, signature=signed_elsewhere).status_code == 403
    status_url = sms_settings.status_url(get_settings())
    report = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}
    assert twilio.standin.post(status_url, report, signature="nope").status_code == 403
    with session_scope() as s:
        assert s.exec(select(Message)).all() == [] and s.exec(select(SmsMessage)).all() == []
        assert s.get(Customer, s.get(Order, order_id).customer_id).sms_updates
    assert published == {"orders": [], "alerts": 0}


def test_behind_a_proxy_the_signature_is_checked_against_the_public_url(twilio, order_id, monkeypatch):
    _twilio_env(monkeypatch, "https://shop.example", twilio.url)
    twilio.standin.forward_to = twilio.origin  # the proxy: public https address -> the app on 127.0.0.1
    public = sms_settings.inbound_url(get_settings())
    assert public == "https://shop.example/api/twilio/inbound"
    assert twilio.standin.inbound(ADA, FROM_NUMBER, "Via the proxy", public).status_code == 200
    assert twilio.standin.inbound(ADA, FROM_NUMBER, "With a query", public + "?from=console").status_code == 200
    local = twilio.origin + routes.TWILIO_INBOUND  # what the request looks like from inside: not what was signed
    assert twilio.standin.inbound(ADA, FROM_NUMBER, "Signed for the inside", local).status_code == 403
    with session_scope() as s:
        assert [m.body for m in s.exec(select(Message).order_by(Message.id))] == ["Via the proxy", "With a query"]


def test_stop_ends_automated_texts_and_start_brings_them_back(twilio, order_id):
    url = sms_settings.inbound_url(get_settings())
    stopped = twilio.standin.inbound(ADA, FROM_NUMBER, "STOP", url)
    assert "<Message>You won't get texts from Test Repairs any more. Reply START to get them again.</Message>" in (
        stopped.text
    )
    assert "<Message>" not in twilio.standin.inbound(ADA, FROM_NUMBER, "stop", url).text  # confirmed once
    with pytest.raises(sms.NotTexted):
        _queue(order_id)
    with write_session() as s, pytest.raises(sms.NotTexted, match="STOP"):  # not even staff's "Text link"
        sms.queue_text(s, s.get(Order, order_id), "Your link", STAFF, explicit=True)
    started = twilio.standin.inbound(ADA, FROM_NUMBER, "Start", url)
    assert "<Message>Texts from Test Repairs are back on. Reply STOP to stop.</Message>" in started.text
    assert _text(_queue(order_id)).status == SmsStatus.QUEUED.value
    help_answer = twilio.standin.inbound(ADA, FROM_NUMBER, "HELP", url)
    assert "Test Repairs: call us on 020 0000 0000 or reply to this text. Reply STOP to stop." in help_answer.text


def test_a_messaging_service_sender_and_a_failed_delivery_report(twilio, order_id, monkeypatch):
    from ..twilio_standin import MESSAGING_SERVICE_SID

    monkeypatch.setenv("TWILIO_FROM", MESSAGING_SERVICE_SID)
    get_settings.cache_clear()
    text_id = _queue(order_id)
    assert _deliver() == sms_delivery.TextReport(sent=1)
    sent = twilio.standin.last()
    assert (sent["messaging_service_sid"], sent["from"], sent["status"]) == (MESSAGING_SERVICE_SID, None, "accepted")
    assert twilio.standin.deliver(sent["sid"], "undelivered", 30003).status_code == 204
    text = _text(text_id)
    assert (text.status, text.error_code) == ("undelivered", "30003")


def test_without_twilio_set_up_the_webhooks_do_not_exist(app_env):
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for path in (routes.TWILIO_INBOUND, routes.TWILIO_STATUS):
        assert client.post(path, data={"MessageSid": "SM1", "From": ADA}).status_code == 404


def test_through_the_app_stack_unsigned_and_odd_bodies_are_refused(app_env, monkeypatch, published):
    _twilio_env(monkeypatch, "http://shop.test", "http://127.0.0.1:9")
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for path in (routes.TWILIO_INBOUND, routes.TWILIO_STATUS):
        assert client.post(path, data={"MessageSid": "SM1", "From": ADA}).status_code == 403
        assert client.post(path, content=b"\xff\xfe", headers={"X-Twilio-Signature": "x"}).status_code == 400
        assert client.post(path, content=b"a=1&" * 300, headers={"X-Twilio-Signature": "x"}).status_code == 400
        assert client.post(path, content=b"x" * (70 * 1024)).status_code == 413
    # Correctly signed but missing what Twilio always sends: 400, nothing stored.
    signed = RequestValidator(AUTH_TOKEN).compute_signature("http://shop.test" + routes.TWILIO_INBOUND, {"Body": "hi"})
    answer = client.post(routes.TWILIO_INBOUND, data={"Body": "hi"}, headers={"X-Twilio-Signature": signed})
    assert answer.status_code == 400
    with session_scope() as s:
        assert s.exec(select(SmsMessage)).all() == []


def test_httpx_reaches_the_stand_in_api_only_with_basic_auth(twilio):
    path = f"{twilio.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    form = {"To": ADA, "From": FROM_NUMBER, "Body": "hi"}
    assert httpx.post(path, data=form).status_code == 401
    wrong = httpx.post(path, data=form, auth=(ACCOUNT_SID, "wrong"))
    assert wrong.status_code == 401 and wrong.json()["code"] == 20003
    made = httpx.post(path, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN))
    assert made.status_code == 201 and made.json()["sid"].startswith("SM") and made.json()["status"] == "queued"
    bad = httpx.post(path, data=dict(form, To="07700"), auth=(ACCOUNT_SID, AUTH_TOKEN))
    assert bad.status_code == 400 and bad.json() == {
        "code": 21211,
        "message": "Invalid 'To' Phone Number: 07700",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }
