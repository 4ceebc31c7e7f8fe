"""Online payments: what may be paid, recording what the provider confirmed exactly once, refunds."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.integrations.stripe_gateway import RefundFacts, SessionFacts
from repair_portal.models import (
    AttemptStatus,
    AuditEvent,
    Invoice,
    Payment,
    PaymentAttempt,
    PaymentMethod,
    ProviderEvent,
    ShopSettings,
)
from repair_portal.services import invoices, online_payments, payment_events, payments

from .. import factories
from ..invoice_factories import ACTOR, account, approved_order, issued_invoice

TOTAL = 18000  # the approved order of invoice_factories: 150.00 + 20% VAT


def _shop(session, **settings):
    shop, location = factories.shop(session)
    for name, value in settings.items():
        setattr(shop, name, value)
    session.add(shop)
    session.flush()
    return shop, location


def _paid_facts(attempt: PaymentAttempt, **overrides) -> SessionFacts:
    values = {
        "session_id": attempt.provider_session_id,
        "status": "complete",
        "payment_status": "paid",
        "amount_total": attempt.amount_minor,
        "currency": attempt.currency,
        "payment_intent": f"pi_{attempt.id}",
        "client_reference_id": str(attempt.id),
        "metadata": {"attempt": str(attempt.id)},
    }
    values.update(overrides)
    return SessionFacts(**values)


def _opened(session, ask, session_id="cs_test_1") -> PaymentAttempt:
    attempt, token = online_payments.open_attempt(session, ask)
    attempt.provider_session_id = session_id
    session.add(attempt)
    session.flush()
    assert online_payments.attempt_by_token(session, token).id == attempt.id
    assert attempt.return_hash != token and len(token) >= 32  # ≥128 bits, only its hash stored
    return attempt


def _event(event_id: str, kind: str, obj: dict) -> dict:
    return {"id": event_id, "type": kind, "data": {"object": obj}}


def _session_obj(attempt: PaymentAttempt, **overrides) -> dict:
    obj = {
        "id": attempt.provider_session_id,
        "object": "checkout.session",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": attempt.amount_minor,
        "currency": attempt.currency.lower(),
        "payment_intent": f"pi_{attempt.id}",
        "metadata": {"attempt": str(attempt.id)},
    }
    obj.update(overrides)
    return obj


# ---- what may be paid -----------------------------------------------------------------------------------


def test_the_balance_is_asked_in_full_unless_the_shop_allows_part_payments(session):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    payments.record_payment(session, order, 3000, "cash", ACTOR)
    assert online_payments.order_balance(session, order.id) == (TOTAL - 3000, "GBP")
    ask = online_payments.balance_ask(session, order, "10.00")  # part payments off: the typed amount is ignored
    assert ask.amount_minor == TOTAL - 3000 and ask.lines == ((order.id, None, TOTAL - 3000),)
    shop = ShopSettings.current(session)
    shop.allow_part_payment = True
    session.add(shop)
    assert online_payments.balance_ask(session, order, "25.50").amount_minor == 2550
    with pytest.raises(online_payments.PayError, match="more than the balance"):
        online_payments.balance_ask(session, order, "150.01")
    with pytest.raises(online_payments.PayError, match="smallest"):
        online_payments.balance_ask(session, order, "0.50")
    with pytest.raises(online_payments.PayError, match="isn't an amount"):
        online_payments.balance_ask(session, order, "ten pounds")


def test_nothing_to_pay_is_refused(session):
    _, location = _shop(session)
    new = factories.order(session, location)
    with pytest.raises(online_payments.PayError, match="nothing to pay"):
        online_payments.balance_ask(session, new.order)


def test_the_deposit_follows_the_locations_rule_over_the_shops_and_counts_what_was_paid(session):
    _, location = _shop(session, deposit_rule="percent", deposit_value=2500, deposit_required=False)
    order = approved_order(session, location, account(session))
    assert online_payments.deposit_due(session, order) == (4500, False)  # 25% of 180.00
    payments.record_payment(session, order, 1000, "cash", ACTOR)  # an intake deposit counts
    assert online_payments.deposit_due(session, order) == (3500, False)
    location.deposit_rule, location.deposit_value, location.deposit_required = "fixed", 5000, True
    session.add(location)
    assert online_payments.deposit_due(session, order) == (4000, True)
    ask = online_payments.deposit_ask(session, order)
    assert (ask.kind, ask.amount_minor) == ("deposit", 4000)
    location.deposit_rule = "none"
    session.add(location)
    with pytest.raises(online_payments.PayError, match="No deposit"):
        online_payments.deposit_ask(session, order)


def test_several_invoices_each_up_to_what_is_due_and_only_the_accounts_own(session):
    _, location = _shop(session)
    customer, other = account(session), account(session, "Elsewhere Ltd")
    first, second = issued_invoice(session, location, customer), issued_invoice(session, location, customer)
    foreign = issued_invoice(session, location, other)
    ask = online_payments.invoices_ask(session, customer.id, {first.id: TOTAL, second.id: 5000}, portal_user_id=None)
    assert ask.amount_minor == TOTAL + 5000
    assert ask.lines == ((first.order_id, first.id, TOTAL), (second.order_id, second.id, 5000))
    with pytest.raises(online_payments.PayError, match="isn't on this account"):
        online_payments.invoices_ask(session, customer.id, {foreign.id: 100}, portal_user_id=None)
    with pytest.raises(online_payments.PayError, match="more than is due"):
        online_payments.invoices_ask(session, customer.id, {first.id: TOTAL + 1}, portal_user_id=None)
    with pytest.raises(online_payments.PayError, match="at least one"):
        online_payments.invoices_ask(session, customer.id, {}, portal_user_id=None)
    invoices.void(session, second.id, "Issued twice", ACTOR)
    with pytest.raises(online_payments.PayError, match="nothing left"):
        online_payments.invoices_ask(session, customer.id, {second.id: 100}, portal_user_id=None)


# ---- recording what the provider confirmed --------------------------------------------------------------


def test_a_confirmed_checkout_records_one_payment_per_invoice_allocated_to_it(session):
    _, location = _shop(session)
    customer = account(session)
    first, second = issued_invoice(session, location, customer), issued_invoice(session, location, customer)
    ask = online_payments.invoices_ask(session, customer.id, {first.id: TOTAL, second.id: 5000}, portal_user_id=None)
    attempt = _opened(session, ask)
    done = online_payments.record_paid(session, _paid_facts(attempt), source="test")
    assert done.outcome == "recorded" and set(done.order_ids) == {first.order_id, second.order_id}
    rows = session.exec(select(Payment).where(Payment.attempt_id == attempt.id)).all()
    assert sorted((p.order_id, p.amount_minor, p.method) for p in rows) == sorted(
        [(first.order_id, TOTAL, "card_online"), (second.order_id, 5000, "card_online")]
    )
    assert invoices.paid_on(session, first.id) == TOTAL and invoices.paid_on(session, second.id) == 5000
    assert session.get(PaymentAttempt, attempt.id).status == AttemptStatus.PAID.value
    again = online_payments.record_paid(session, _paid_facts(attempt), source="reconcile")
    assert again.outcome == "already"
    assert len(session.exec(select(Payment).where(Payment.attempt_id == attempt.id)).all()) == 2


@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"amount_total": 1}, "amount 1 instead of"),
        ({"currency": "USD"}, "currency USD"),
        ({"metadata": {"attempt": "999"}}, "names attempt"),
    ],
)
def test_figures_that_dont_match_what_was_asked_record_nothing_and_are_logged(session, override, why):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt = _opened(session, online_payments.balance_ask(session, order))
    done = online_payments.record_paid(session, _paid_facts(attempt, **override), source="test")
    assert done.outcome == "refused" and why in done.detail
    assert payments.paid_total(session, order.id) == 0
    assert session.get(PaymentAttempt, attempt.id).status == AttemptStatus.REFUSED.value
    refused = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.online_refused")).all()
    assert len(refused) == 1 and why.split()[0] in refused[0].detail


def test_an_unpaid_or_unknown_checkout_records_nothing(session):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt = _opened(session, online_payments.balance_ask(session, order))
    assert (
        online_payments.record_paid(session, _paid_facts(attempt, payment_status="unpaid"), source="t").outcome
        == "waiting"
    )
    assert (
        online_payments.record_paid(session, _paid_facts(attempt, session_id="cs_other"), source="t").outcome
        == "unknown"
    )
    assert payments.paid_total(session, order.id) == 0


def test_events_act_once_whatever_arrives_twice(session):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt = _opened(session, online_payments.balance_ask(session, order))
    completed = _event("evt_1", "checkout.session.completed", _session_obj(attempt))
    assert payment_events.handle_event(session, completed).outcome == "recorded"
    assert payment_events.handle_event(session, completed).outcome == "duplicate"  # a replay
    twin = _event("evt_2", "checkout.session.async_payment_succeeded", _session_obj(attempt))
    assert payment_events.handle_event(session, twin).outcome == "already"  # another event, the same payment
    assert payments.paid_total(session, order.id) == TOTAL
    assert session.exec(select(Payment).where(Payment.order_id == order.id)).one().reference == f"pi_{attempt.id}"
    outcomes = {e.event_id: e.outcome for e in session.exec(select(ProviderEvent)).all()}
    assert outcomes["evt_1"].startswith("recorded") and outcomes["evt_2"].startswith("already")
    assert payment_events.handle_event(session, _event("evt_3", "customer.created", {})).outcome == "ignored"


def test_a_decline_is_remembered_and_an_expired_checkout_closes_unpaid(session):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt = _opened(session, online_payments.balance_ask(session, order))
    failed = {
        "id": "pi_x",
        "metadata": {"attempt": str(attempt.id)},
        "last_payment_error": {"message": "Your card was declined."},
    }
    assert (
        payment_events.handle_event(session, _event("evt_f", "payment_intent.payment_failed", failed)).outcome
        == "noted"
    )
    assert session.get(PaymentAttempt, attempt.id).failure == "Your card was declined."
    expired = _event("evt_e", "checkout.session.expired", {"id": attempt.provider_session_id})
    assert payment_events.handle_event(session, expired).outcome == "closed"
    assert session.get(PaymentAttempt, attempt.id).status == AttemptStatus.EXPIRED.value
    late = _event("evt_late", "checkout.session.completed", _session_obj(attempt))  # paid after all: recorded
    assert payment_events.handle_event(session, late).outcome == "recorded"
    assert payments.paid_total(session, order.id) == TOTAL


# ---- refunds ----------------------------------------------------------------------------------------------


def _paid_online(session):
    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt = _opened(session, online_payments.balance_ask(session, order))
    online_payments.record_paid(session, _paid_facts(attempt), source="test")
    payment = session.exec(select(Payment).where(Payment.attempt_id == attempt.id)).one()
    return order, payment


def test_a_refund_is_checked_then_recorded_once_when_confirmed(session):
    order, payment = _paid_online(session)
    with pytest.raises(online_payments.PayError, match="reason"):
        online_payments.check_refund(session, order.id, payment.id, "10", " ")
    with pytest.raises(online_payments.PayError, match="At most"):
        online_payments.check_refund(session, order.id, payment.id, "180.01", "Too much")
    with pytest.raises(online_payments.PayError, match="isn't an online payment"):
        online_payments.check_refund(session, order.id + 999, payment.id, "10", "Wrong order")
    cash = payments.record_payment(session, order, 500, "cash", ACTOR)
    with pytest.raises(online_payments.PayError, match="isn't an online payment"):
        online_payments.check_refund(session, order.id, cash.id, "1", "Cash")
    assert online_payments.check_refund(session, order.id, payment.id, "", "All of it")[1] == TOTAL
    facts = RefundFacts(
        "re_1", "succeeded", 3000, "GBP", payment.reference, {"rp_payment": str(payment.id), "rp_reason": "Case"}
    )
    assert online_payments.record_refund(session, facts, source="call").outcome == "recorded"
    assert online_payments.record_refund(session, facts, source="refund.updated").outcome == "already"
    refund = session.exec(select(Payment).where(Payment.refund_of_id == payment.id)).one()
    assert (refund.amount_minor, refund.note, refund.method) == (-3000, "Case", PaymentMethod.CARD_ONLINE.value)
    assert online_payments.refundable(session, payment) == TOTAL - 3000
    pending = RefundFacts("re_2", "pending", 1000, "GBP", payment.reference, {"rp_payment": str(payment.id)})
    assert online_payments.record_refund(session, pending, source="call").outcome == "waiting"
    stranger = RefundFacts("re_3", "succeeded", 1000, "GBP", "pi_other", {"rp_payment": str(payment.id)})
    assert online_payments.record_refund(session, stranger, source="call").outcome == "unknown"
    assert payments.paid_total(session, order.id) == TOTAL + 500 - 3000


def test_invoice_status_follows_online_payments(session):
    _, location = _shop(session)
    customer = account(session)
    invoice = issued_invoice(session, location, customer)
    attempt = _opened(
        session, online_payments.invoices_ask(session, customer.id, {invoice.id: TOTAL}, portal_user_id=None)
    )
    online_payments.record_paid(session, _paid_facts(attempt), source="test")
    assert online_payments.invoice_due(session, session.get(Invoice, invoice.id)) == 0


def test_the_events_shops_enable_are_exactly_the_ones_acted_on(session):
    from repair_portal.services import payment_settings

    handled = set(payment_events.PAID_EVENTS) | set(payment_events.REFUND_EVENTS)
    handled |= {"checkout.session.expired", "checkout.session.async_payment_failed", "payment_intent.payment_failed"}
    assert set(payment_settings.EVENTS) <= handled
    assert set(payment_settings.EVENTS) >= handled - {"charge.refund.updated"}


def test_a_quote_waiting_for_a_decision_is_not_payable_online(session):
    from repair_portal.services import quotes
    from repair_portal.services.orders import create_order

    from ..conftest import TEST_SECRET_KEY

    _, location = _shop(session)
    customer = account(session)
    order = create_order(
        session, TEST_SECRET_KEY, customer=customer, location=location, device=None, problem="x", actor=ACTOR
    ).order
    quote = quotes.create_quote(session, order, [quotes.LineSpec("Screen", 1, 10000)], ACTOR)
    quotes.send_quote(session, quote, ACTOR)
    assert online_payments.order_balance(session, order.id)[0] == 0
    with pytest.raises(online_payments.PayError, match="nothing to pay"):
        online_payments.balance_ask(session, order)


def test_money_paid_beyond_what_is_owed_is_kept_and_flagged_for_staff(session):
    from repair_portal.models import CustomerAlert

    _, location = _shop(session)
    order = approved_order(session, location, account(session))
    first = _opened(session, online_payments.balance_ask(session, order), "cs_first")
    second = _opened(session, online_payments.balance_ask(session, order), "cs_second")  # another tab
    assert online_payments.record_paid(session, _paid_facts(first), source="t").outcome == "recorded"
    assert online_payments.record_paid(session, _paid_facts(second), source="t").outcome == "recorded"
    assert payments.paid_total(session, order.id) == 2 * TOTAL  # the money was taken: it is recorded
    summaries = [a.summary for a in session.exec(select(CustomerAlert).where(CustomerAlert.order_id == order.id))]
    assert summaries[0] == "Paid £180.00 online"
    assert "£180.00 more than was owed" in summaries[1]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "payment.overpaid")).one()


def test_a_fixed_deposit_counts_what_was_paid_already(session):
    _, location = _shop(session, deposit_rule="fixed", deposit_value=10000)
    order = approved_order(session, location, account(session))
    payments.record_payment(session, order, 6000, "cash", ACTOR)
    assert online_payments.deposit_ask(session, order).amount_minor == 4000


def test_a_refund_made_in_stripes_dashboard_and_a_refund_that_later_fails(session):
    _, location = _shop(session)
    customer = account(session)
    first, second = issued_invoice(session, location, customer), issued_invoice(session, location, customer)
    ask = online_payments.invoices_ask(session, customer.id, {first.id: TOTAL, second.id: 5000}, portal_user_id=None)
    attempt = _opened(session, ask)
    online_payments.record_paid(session, _paid_facts(attempt), source="t")
    intent = f"pi_{attempt.id}"
    dashboard = RefundFacts("re_dash", "succeeded", TOTAL + 1000, "GBP", intent, {})  # no metadata of ours
    done = online_payments.record_refund(session, dashboard, source="refund.created")
    assert done.outcome == "recorded" and set(done.order_ids) == {first.order_id, second.order_id}
    assert payments.paid_total(session, first.order_id) == 0 and payments.paid_total(session, second.order_id) == 4000
    failed = RefundFacts("re_dash", "failed", TOTAL + 1000, "GBP", intent, {})
    assert online_payments.record_refund(session, failed, source="refund.updated").outcome == "recorded"
    assert online_payments.record_refund(session, failed, source="refund.updated").outcome == "already"
    assert (
        payments.paid_total(session, first.order_id) == TOTAL and payments.paid_total(session, second.order_id) == 5000
    )
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "payment.refund_failed")).all()
