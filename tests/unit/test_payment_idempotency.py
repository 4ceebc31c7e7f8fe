"""Staff "Record payment" carries the key its form was drawn with: a retried or double click records one
payment and answers "Already recorded", also when the two submissions arrive at the same moment
(threads on SQLite, and on PostgreSQL when it runs: pg_engine)."""

from __future__ import annotations

import threading

from sqlmodel import select

from repair_portal.actions import order_page
from repair_portal.db import session_scope, write_session
from repair_portal.models import AuditEvent, Payment
from repair_portal.services import audit, payments

from .. import factories

STAFF = audit.Actor("staff", None, "desk@example.com", "198.51.100.1", "pytest")
COPIES = 6


def _order(engine, *, second: bool = False) -> int | tuple[int, int]:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        first = factories.order(s, location).order.id
        return (first, factories.order(s, location, last_name="Other").order.id) if second else first


def _payments(engine, order_id: int) -> list[Payment]:
    with session_scope(engine) as s:
        return list(s.exec(select(Payment).where(Payment.order_id == order_id)))


def _recorded_audits(engine) -> int:
    with session_scope(engine) as s:
        return len(s.exec(select(AuditEvent).where(AuditEvent.action == "payment.recorded")).all())


def test_the_same_form_submitted_twice_records_once(engine):
    order_id = _order(engine)
    form = {"amount": "50.00", "method": "cash", "reference": "till 3", "key": payments.new_payment_key()}
    first = order_page.record_payment(order_id, dict(form), STAFF, engine)
    second = order_page.record_payment(order_id, dict(form), STAFF, engine)
    assert first.ok and first.message == "Payment recorded."
    assert second.ok and second.level == "info" and second.message.startswith("Already recorded")
    assert [(p.amount_minor, p.reference) for p in _payments(engine, order_id)] == [(5000, "till 3")]
    assert _recorded_audits(engine) == 1
    # a new form (a new key) is a new payment, even for the same amount
    again = order_page.record_payment(order_id, {**form, "key": payments.new_payment_key()}, STAFF, engine)
    assert again.message == "Payment recorded." and len(_payments(engine, order_id)) == 2


def test_a_form_without_its_key_or_with_another_orders_key_records_nothing(engine):
    order_id, other_id = _order(engine, second=True)
    key = payments.new_payment_key()
    assert order_page.record_payment(other_id, {"amount": "5", "method": "cash", "key": key}, STAFF, engine).ok
    for bad in ({}, {"key": ""}, {"key": "short"}, {"key": "x" * 65}, {"key": "bad key with spaces!!"}, {"key": key}):
        outcome = order_page.record_payment(order_id, {"amount": "5", "method": "cash", **bad}, STAFF, engine)
        assert not outcome.ok and outcome.level == "form" and "reload the page" in outcome.message, bad
    assert _payments(engine, order_id) == []


def test_a_refused_form_keeps_its_key_usable(engine):
    """A form error records nothing, so the corrected form (same key) still records its payment."""
    order_id = _order(engine)
    key = payments.new_payment_key()
    wrong = order_page.record_payment(order_id, {"amount": "lots", "method": "cash", "key": key}, STAFF, engine)
    fixed = order_page.record_payment(order_id, {"amount": "12", "method": "cash", "key": key}, STAFF, engine)
    assert not wrong.ok and fixed.ok and [p.amount_minor for p in _payments(engine, order_id)] == [1200]


def _at_once(engine, order_id: int, form: dict) -> list[str]:
    barrier = threading.Barrier(COPIES)
    outcomes: list = [None] * COPIES

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = order_page.record_payment(order_id, dict(form), STAFF, engine).message
        except Exception as exc:  # reported to the test, which asserts on it
            outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(COPIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return outcomes


def _race(engine) -> None:
    order_id = _order(engine)
    form = {"amount": "75.00", "method": "card", "key": payments.new_payment_key()}
    outcomes = _at_once(engine, order_id, form)
    assert outcomes.count("Payment recorded.") == 1, outcomes
    assert sum(o.startswith("Already recorded") for o in outcomes) == COPIES - 1, outcomes
    assert [p.amount_minor for p in _payments(engine, order_id)] == [7500]
    assert _recorded_audits(engine) == 1


def test_concurrent_submissions_of_one_form_record_once_on_sqlite(engine):
    _race(engine)


def test_concurrent_submissions_of_one_form_record_once_on_postgresql(pg_engine):
    _race(pg_engine)


def test_the_database_refuses_a_second_payment_with_one_key(engine):
    """The unique index is the last word, whatever the service checked first."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    order_id = _order(engine)
    with pytest.raises(IntegrityError), write_session(engine) as s:
        for _ in range(2):
            s.add(Payment(order_id=order_id, amount_minor=100, idempotency_key="k" * 20))
            s.flush()
    assert _payments(engine, order_id) == []
