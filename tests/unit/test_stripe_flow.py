"""The whole online payment path with the real `stripe` client against the local stand-in: the app creates
the checkout, the stand-in's hosted page "pays" and sends a signed webhook to the app's own webhook route,
and only that records the payment. Forged, replayed and tampered events; webhook before and after the
customer is back; reconcile when the webhook never comes; refunds."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from starlette.routing import Route

from repair_portal.actions import online_payments as actions
from repair_portal.api.payments import stripe_webhook
from repair_portal.db import session_scope, write_session
from repair_portal.models import (
    AttemptStatus,
    AuditEvent,
    Order,
    OutboxMessage,
    Payment,
    PaymentAttempt,
    ShopSettings,
)
from repair_portal.services import audit, online_payments, payments
from repair_portal.settings import get_settings

from .. import factories
from ..invoice_factories import account, approved_order
from ..stripe_standin import SECRET_KEY, WEBHOOK_SECRET, StripeStandInServer

WEBHOOK = "/api/stripe/webhook"
CUSTOMER = audit.Actor("customer", None, "Pat Quay")


@pytest.fixture
def published(monkeypatch) -> list[int]:
    """The orders whose open pages the webhook route told to refresh (the live channel itself is the app's)."""
    seen: list[int] = []

    async def record(order_id: int, part: str) -> None:
        seen.append(order_id)

    monkeypatch.setattr("repair_portal.api.payments.live.publish", record)
    return seen


@pytest.fixture
def stripe_app(app_env, monkeypatch, published):
    """The app's settings pointed at a running stand-in, whose webhooks reach the app's webhook route."""
    with StripeStandInServer(
        prefix="/stripe", webhook_path=WEBHOOK, routes=[Route(WEBHOOK, stripe_webhook, methods=["POST"])]
    ) as server:
        from repair_portal import settings as settings_mod

        monkeypatch.setenv("STRIPE_SECRET_KEY", SECRET_KEY)
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("STRIPE_API_BASE", server.url)
        settings_mod.get_settings.cache_clear()
        yield server
        settings_mod.get_settings.cache_clear()


@pytest.fixture
def order_id(stripe_app) -> int:
    with write_session() as s:
        shop, location = factories.shop(s)
        shop.online_payments_enabled = True
        s.add(shop)
        customer = account(s)
        customer.email = "pat@quay.test"
        s.add(customer)
        return approved_order(s, location, customer).id


def _start(order_id: int) -> tuple[actions.Started, PaymentAttempt]:
    started = actions.pay_order(order_id, "balance", "", CUSTOMER)
    assert started.ok, started.message
    with session_scope() as s:
        attempt = s.exec(select(PaymentAttempt).order_by(PaymentAttempt.id.desc())).first()
    return started, attempt


def _paid(order_id: int) -> list[int]:
    with session_scope() as s:
        return [p.amount_minor for p in s.exec(select(Payment).where(Payment.order_id == order_id)).all()]


def test_paying_on_the_hosted_page_records_the_payment_through_the_signed_webhook(stripe_app, order_id, published):
    started, attempt = _start(order_id)
    session = stripe_app.standin.sessions[attempt.provider_session_id]
    assert started.url == session["url"] and session["amount_total"] == 18000 and session["currency"] == "gbp"
    assert session["metadata"] == {"attempt": str(attempt.id), "kind": "balance", "order": str(order_id)}
    assert _paid(order_id) == []  # nothing until the provider confirms
    stripe_app.standin.pay(attempt.provider_session_id)
    sent = stripe_app.standin.events[-1]
    assert sent["event"]["type"] == "checkout.session.completed" and sent["status"] == 200
    assert _paid(order_id) == [18000]
    assert published == [order_id]
    with session_scope() as s:
        assert s.get(PaymentAttempt, attempt.id).status == AttemptStatus.PAID.value
        receipt = s.exec(select(OutboxMessage).where(OutboxMessage.template == "payment_received")).one()
        assert receipt.to_email == "pat@quay.test" and "£180.00" in receipt.subject


def test_a_forged_signature_is_refused_and_records_nothing(stripe_app, order_id):
    import httpx

    _started, attempt = _start(order_id)
    body = json.dumps(
        {
            "id": "evt_forged",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": {"id": attempt.provider_session_id, "payment_status": "paid", "amount_total": 18000,
                                "currency": "gbp", "metadata": {"attempt": str(attempt.id)}}},
        }
    ).encode()  # fmt: skip
    forged = stripe_app.standin.sign(body).replace("v1=", "v1=0")
    for header in (forged, "", "t=1,v1=abc"):
        answer = httpx.post(stripe_app.origin + WEBHOOK, content=body, headers={"Stripe-Signature": header})
        assert answer.status_code == 400
    old = stripe_app.standin.sign(body, timestamp=1_600_000_000)  # correctly signed, but years old
    assert httpx.post(stripe_app.origin + WEBHOOK, content=body, headers={"Stripe-Signature": old}).status_code == 400
    assert _paid(order_id) == []


def test_a_replayed_event_records_one_payment(stripe_app, order_id):
    _started, attempt = _start(order_id)
    stripe_app.standin.pay(attempt.provider_session_id)
    event_id = stripe_app.standin.events[-1]["event"]["id"]
    stripe_app.standin.resend(event_id)
    stripe_app.standin.resend(event_id)
    assert [e["status"] for e in stripe_app.standin.events] == [200, 200, 200]
    assert _paid(order_id) == [18000]


def test_an_amount_that_doesnt_match_is_refused_and_logged(stripe_app, order_id):
    _started, attempt = _start(order_id)
    session = dict(stripe_app.standin.sessions[attempt.provider_session_id])
    session.update(status="complete", payment_status="paid", amount_total=100, payment_intent="pi_tampered")
    stripe_app.standin.send_event("checkout.session.completed", session)
    assert _paid(order_id) == []
    with session_scope() as s:
        assert s.get(PaymentAttempt, attempt.id).status == AttemptStatus.REFUSED.value
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "payment.online_refused")).one()


def test_the_webhook_may_arrive_after_the_customer_is_back(stripe_app, order_id):
    started, attempt = _start(order_id)
    stripe_app.standin.hold_webhooks = True
    stripe_app.standin.pay(attempt.provider_session_id)  # the customer is redirected back; the event waits
    with session_scope() as s:
        from repair_portal.services import pay_view

        token = started.return_token
        assert pay_view.return_view(s, token, get_settings()).status == "waiting"
    assert _paid(order_id) == []
    stripe_app.standin.deliver_held()
    assert _paid(order_id) == [18000]
    with session_scope() as s:
        assert pay_view.return_view(s, token, get_settings()).status == "paid"


def test_reconcile_asks_the_provider_when_the_webhook_never_comes(stripe_app, order_id):
    _started, attempt = _start(order_id)
    stripe_app.standin.hold_webhooks = True
    assert actions.reconcile(attempt.id)[0] == "open"  # not paid yet: nothing changes
    stripe_app.standin.pay(attempt.provider_session_id)
    assert actions.reconcile(attempt.id) == ("recorded", (order_id,))
    stripe_app.standin.deliver_held()  # the late webhook changes nothing
    assert _paid(order_id) == [18000]


def test_back_on_the_hosted_page_closes_the_checkout_and_takes_nothing(stripe_app, order_id):
    started, attempt = _start(order_id)
    closed = actions.cancel(started.return_token)
    assert closed.status == AttemptStatus.CANCELLED.value
    assert stripe_app.standin.sessions[attempt.provider_session_id]["status"] == "expired"
    assert _paid(order_id) == []


def test_a_refund_goes_through_the_provider_and_is_recorded_once(stripe_app, order_id):
    _started, attempt = _start(order_id)
    stripe_app.standin.pay(attempt.provider_session_id)
    with session_scope() as s:
        payment = s.exec(select(Payment).where(Payment.order_id == order_id)).one()
    staff = audit.Actor("staff", None, "Sam")
    refused = actions.refund(order_id, {"payment_id": str(payment.id), "amount": "200.00", "reason": "x"}, staff)
    assert not refused.ok and "At most" in refused.message
    form = {"payment_id": str(payment.id), "amount": "30.00", "reason": "Case", "of": "18000"}
    outcome = actions.refund(order_id, form, staff)
    assert outcome.ok and outcome.message == "Refund recorded."
    again = actions.refund(order_id, form, staff)  # a double click: the second request is the same refund
    assert again.ok and len(stripe_app.standin.refunds) == 1
    assert _paid(order_id) == [18000, -3000]
    stripe_app.standin.refund_status = "pending"
    pending = actions.refund(order_id, {"payment_id": str(payment.id), "amount": "10.00", "reason": "Late"}, staff)
    assert pending.ok and "when the card processor confirms" in pending.message
    assert _paid(order_id) == [18000, -3000]
    refund_id = next(
        iter(r for r in stripe_app.standin.refunds if stripe_app.standin.refunds[r]["status"] == "pending")
    )
    stripe_app.standin.settle_refund(refund_id)  # Stripe confirms later: refund.updated
    assert _paid(order_id) == [18000, -3000, -1000]
    with session_scope() as s:
        assert payments.paid_total(s, order_id) == 14000


def test_without_keys_there_is_no_gateway_and_no_pay(app_env):
    with write_session() as s:
        shop, location = factories.shop(s)
        shop.online_payments_enabled = True
        s.add(shop)
        order = approved_order(s, location, account(s))
    started = actions.pay_order(order.id, "balance", "", CUSTOMER)
    assert not started.ok and "isn't available" in started.message
    with session_scope() as s:
        assert s.exec(select(PaymentAttempt)).all() == []
        assert ShopSettings.current(s).online_payments_enabled


def test_a_second_page_for_the_same_order_closes_the_first(stripe_app, order_id):
    _first_started, first = _start(order_id)
    _second_started, second = _start(order_id)  # another tab, or the deposit then the balance
    assert stripe_app.standin.sessions[first.provider_session_id]["status"] == "expired"
    with session_scope() as s:
        assert s.get(PaymentAttempt, first.id).status == AttemptStatus.CANCELLED.value
    stripe_app.standin.pay(second.provider_session_id)
    assert _paid(order_id) == [18000]


def test_a_first_page_paid_meanwhile_is_recorded_and_the_second_is_refused(stripe_app, order_id):
    _started, first = _start(order_id)
    stripe_app.standin.hold_webhooks = True
    stripe_app.standin.pay(first.provider_session_id)  # paid, its webhook not here yet
    again = actions.pay_order(order_id, "balance", "", CUSTOMER)
    assert not again.ok and "nothing to pay" in again.message  # the first was reconciled: nothing owed now
    assert _paid(order_id) == [18000]


def test_switching_payments_off_still_records_a_payment_already_made(stripe_app, order_id):
    _started, attempt = _start(order_id)
    with write_session() as s:
        shop = ShopSettings.current(s)
        shop.online_payments_enabled = False
        s.add(shop)
    stripe_app.standin.pay(attempt.provider_session_id)
    assert stripe_app.standin.events[-1]["status"] == 200
    assert _paid(order_id) == [18000]
    refused = actions.pay_order(order_id, "balance", "", CUSTOMER)
    assert not refused.ok and "isn't available" in refused.message  # no new checkouts, though


def test_pay_on_orders_switched_off_refuses_a_forged_pay(stripe_app, order_id):
    with write_session() as s:
        shop = ShopSettings.current(s)
        shop.pay_orders_online = False
        s.add(shop)
    refused = actions.pay_order(order_id, "balance", "", CUSTOMER)
    assert not refused.ok and "isn't offered" in refused.message
    with session_scope() as s:
        assert s.exec(select(PaymentAttempt)).all() == []


def test_reconcile_closes_checkouts_that_can_never_be_paid(stripe_app, order_id, monkeypatch):
    from datetime import UTC, datetime, timedelta

    later = timedelta(0)
    monkeypatch.setattr("repair_portal.services.clock.now", lambda: datetime.now(UTC) + later)
    _started, attempt = _start(order_id)
    stripe_app.standin.sessions.pop(attempt.provider_session_id)  # e.g. the keys changed from test to live
    assert actions.reconcile(attempt.id)[0] == "unreachable"  # soon after: maybe a hiccup; asked again later
    later = timedelta(hours=2)
    assert actions.reconcile(attempt.id)[0] == "closed"
    with session_scope() as s:
        assert s.get(PaymentAttempt, attempt.id).status == AttemptStatus.EXPIRED.value
    with write_session() as s:  # a page never made (the app stopped between writing and asking Stripe)
        orphan, _token = online_payments.open_attempt(s, online_payments.balance_ask(s, s.get(Order, order_id)))
        orphan_id = orphan.id
    assert actions.reconcile(orphan_id)[0] == "open"
    later = timedelta(hours=2, minutes=11)
    assert actions.reconcile(orphan_id)[0] == "closed"
    assert [a for a, *_ in actions.reconcile_late()] == []  # nothing open is left to ask about
