"""Two identical webhook events at the same moment (the provider retries, or two workers take one each)
record one payment: on SQLite, and on PostgreSQL when it runs (pg_engine)."""

from __future__ import annotations

import threading

from sqlmodel import select

from repair_portal.actions.online_payments import apply_event
from repair_portal.db import session_scope, write_session
from repair_portal.models import Payment, ProviderEvent
from repair_portal.services import online_payments

from .. import factories
from ..invoice_factories import account, approved_order

COPIES = 6


def _open_attempt(engine) -> tuple[int, dict]:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        order = approved_order(s, location, account(s))
        attempt, _token = online_payments.open_attempt(s, online_payments.balance_ask(s, order))
        attempt.provider_session_id = "cs_test_race"
        s.add(attempt)
        s.flush()
        obj = {
            "id": "cs_test_race",
            "status": "complete",
            "payment_status": "paid",
            "amount_total": attempt.amount_minor,
            "currency": "gbp",
            "payment_intent": "pi_race",
            "metadata": {"attempt": str(attempt.id)},
        }
        return order.id, obj


def _at_once(engine, events: list[dict]) -> list[str]:
    barrier = threading.Barrier(len(events))
    outcomes: list = [None] * len(events)

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = apply_event(events[i], engine).outcome
        except Exception as exc:  # reported to the test, which asserts on it
            outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(events))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return outcomes


def _check_one_payment(engine, order_id: int, outcomes: list[str], duplicates_expected: int) -> None:
    assert outcomes.count("recorded") == 1, outcomes
    assert sorted(outcomes).count("duplicate") + outcomes.count("already") == len(outcomes) - 1, outcomes
    with session_scope(engine) as s:
        paid = s.exec(select(Payment).where(Payment.order_id == order_id)).all()
        assert [p.amount_minor for p in paid] == [18000]
        assert len(s.exec(select(ProviderEvent)).all()) == duplicates_expected


def _race(engine) -> None:
    order_id, obj = _open_attempt(engine)
    same = {"id": "evt_same", "type": "checkout.session.completed", "data": {"object": obj}}
    outcomes = _at_once(engine, [same] * COPIES)
    _check_one_payment(engine, order_id, outcomes, duplicates_expected=2)  # the event, and "paid:pi_race"
    different = [
        {"id": f"evt_{i}", "type": "checkout.session.async_payment_succeeded", "data": {"object": obj}}
        for i in range(3)
    ]
    assert set(_at_once(engine, different)) == {"already"}


def test_identical_events_at_once_record_one_payment_on_sqlite(engine):
    _race(engine)


def test_identical_events_at_once_record_one_payment_on_postgresql(pg_engine):
    _race(pg_engine)
