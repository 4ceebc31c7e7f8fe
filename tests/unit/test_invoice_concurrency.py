"""Invoice numbers stay unique and gap-free, and store credit never goes below zero, when staff act at the
same moment: threads on SQLite, and on PostgreSQL when it runs (pg_engine)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from repair_portal.db import session_scope, write_session
from repair_portal.models import Invoice, StoreCreditEntry
from repair_portal.services import invoices, store_credit

from .. import factories
from ..invoice_factories import ACTOR, account, approved_order
from .race_helpers import in_sessions, together

WORKERS = 6


def _together(engine, workers: list[Callable]) -> list:
    """Every worker in its own thread and write transaction, started at the same moment."""
    return together(in_sessions(engine, workers))


def _drafts(engine, count: int) -> tuple[int, list[int]]:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        customer = account(s)
        drafts = [invoices.create_draft(s, approved_order(s, location, customer), ACTOR).id for _ in range(count)]
    return customer.id, drafts


def _numbers_are_gap_free(engine, results) -> None:
    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == list(range(1, len(results) + 1))
    with session_scope(engine) as s:
        stored = sorted(n for n in s.exec(select(Invoice.number)).all() if n is not None)
    assert stored == sorted(results)


def _issue(draft_id: int) -> Callable:
    return lambda s: invoices.issue(s, draft_id, ACTOR).number


def _numbering(engine) -> None:
    _, drafts = _drafts(engine, WORKERS + 1)
    _numbers_are_gap_free(engine, _together(engine, [_issue(d) for d in drafts[:WORKERS]]))
    # A transaction that took a number and then failed gives it back: the next invoice gets it.
    with pytest.raises(RuntimeError), write_session(engine) as s:
        assert invoices.issue(s, drafts[WORKERS], ACTOR).number == WORKERS + 1
        raise RuntimeError("the rest of the action failed")
    with write_session(engine) as s:
        assert invoices.issue(s, drafts[WORKERS], ACTOR).number == WORKERS + 1


def _double_issue(engine) -> None:
    _, drafts = _drafts(engine, 1)
    results = _together(engine, [_issue(drafts[0]) for _ in range(4)])
    assert [r for r in results if isinstance(r, int)] == [1], results
    assert all(isinstance(r, invoices.InvoiceError) for r in results if not isinstance(r, int))


def _credit_race(engine) -> None:
    with write_session(engine) as s:
        factories.shop(s)
        customer_id = account(s).id
        store_credit.add_credit(s, customer_id, 5000, "Goodwill", ACTOR)
    use = lambda s: store_credit.use_credit(s, customer_id, 1000, "Used at the counter", ACTOR).id  # noqa: E731
    results = _together(engine, [use for _ in range(WORKERS)])
    assert sum(isinstance(r, int) for r in results) == 5, results
    assert all(isinstance(r, store_credit.CreditError) for r in results if not isinstance(r, int))
    with session_scope(engine) as s:
        assert store_credit.balance(s, customer_id) == 0
        entries = s.exec(select(StoreCreditEntry).order_by(StoreCreditEntry.id)).all()
        assert [e.balance_after_minor for e in entries] == [5000, 4000, 3000, 2000, 1000, 0]


def _credit_on_invoices_race(engine) -> None:
    """Credit for one invoice only, applied to several invoices at once: one is paid, none below zero."""
    with write_session(engine) as s:
        _, location = factories.shop(s)
        customer = account(s)
        ids = [
            invoices.issue(s, invoices.create_draft(s, approved_order(s, location, customer), ACTOR).id, ACTOR).id
            for _ in range(3)
        ]
        store_credit.add_credit(s, customer.id, 18000, "Prepaid", ACTOR)
    results = _together(engine, [lambda s, i=i: store_credit.apply_to_invoice(s, i, 18000, ACTOR).id for i in ids])
    assert sum(isinstance(r, int) for r in results) == 1, results
    with session_scope(engine) as s:
        assert store_credit.balance(s, customer.id) == 0
        assert sorted(invoices.paid_on(s, i) for i in ids) == [0, 0, 18000]


def test_concurrent_issues_get_gap_free_numbers_on_sqlite(engine, clock):
    _numbering(engine)


def test_one_draft_issued_twice_at_once_is_issued_once_on_sqlite(engine, clock):
    _double_issue(engine)


def test_concurrent_credit_use_never_goes_below_zero_on_sqlite(engine, clock):
    _credit_race(engine)


def test_concurrent_credit_payments_never_overspend_on_sqlite(engine, clock):
    _credit_on_invoices_race(engine)


def test_concurrent_issues_get_gap_free_numbers_on_postgresql(pg_engine, clock):
    _numbering(pg_engine)


def test_one_draft_issued_twice_at_once_is_issued_once_on_postgresql(pg_engine, clock):
    _double_issue(pg_engine)


def test_concurrent_credit_use_never_goes_below_zero_on_postgresql(pg_engine, clock):
    _credit_race(pg_engine)


def test_concurrent_credit_payments_never_overspend_on_postgresql(pg_engine, clock):
    _credit_on_invoices_race(pg_engine)
