"""Concurrent approvals: exactly one outcome, one audit row, one signature (SQLite, and PostgreSQL if running)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from repair_portal.db import session_scope, write_session
from repair_portal.models import Quote, Signature
from repair_portal.services import quote_decisions, signatures

from .quote_helpers import approve, count_audit, count_signatures, decline, shop_with_sent_quote
from .race_helpers import in_sessions, together


def _run_together(engine, workers: list[Callable], *, session_factory=write_session) -> list:
    """Start every worker at the same moment, each in its own session/transaction; collect results or errors."""
    return together(in_sessions(engine, workers, session_factory))


def _prepared(engine) -> tuple[int, str]:
    with write_session(engine) as s:
        setup = shop_with_sent_quote(s)
    with session_scope(engine) as s:
        sha = quote_decisions.customer_view_of_quote(s, setup.order_id).document_sha256
    return setup.order_id, sha


def _assert_exactly_one_approval(engine, order_id: int, results: list) -> None:
    assert all(isinstance(r, quote_decisions.Decision) for r in results), results
    assert all(r.approved for r in results)
    assert sorted(r.already_decided for r in results) == [False] + [True] * (len(results) - 1)
    assert len({r.signature_id for r in results}) == 1 and results[0].signature_id is not None
    with session_scope(engine) as s:
        assert count_signatures(s) == 1
        assert count_audit(s, "quote.approved", order_id) == 1
        assert count_audit(s, "signature.recorded", order_id) == 1
        assert s.exec(select(Quote).where(Quote.order_id == order_id)).one().status == "approved"
        assert signatures.verify_chain(s) == []


@pytest.mark.parametrize("factory", [write_session, session_scope], ids=["write_session", "deferred_session"])
def test_concurrent_approvals_on_sqlite_give_one_outcome(engine, clock, factory):
    order_id, sha = _prepared(engine)
    workers = [lambda s: approve(s, order_id, expected_sha256=sha) for _ in range(4)]
    results = _run_together(engine, workers, session_factory=factory)
    _assert_exactly_one_approval(engine, order_id, results)


def test_deferred_sessions_that_read_first_fail_loudly_never_twice(engine, clock):
    """A caller that forgot write_session and read before approving: losers get 'database is locked'."""
    order_id, _ = _prepared(engine)
    workers = [lambda s: approve(s, order_id) for _ in range(4)]  # reads the view first, then approves
    results = _run_together(engine, workers, session_factory=session_scope)
    decided = [r for r in results if isinstance(r, quote_decisions.Decision)]
    assert decided and all(isinstance(r, (quote_decisions.Decision, OperationalError)) for r in results), results
    assert sum(not r.already_decided for r in decided) == 1
    with session_scope(engine) as s:
        assert count_signatures(s) == 1 and count_audit(s, "quote.approved", order_id) == 1


def test_concurrent_approve_and_decline_on_sqlite_one_wins(engine, clock):
    order_id, sha = _prepared(engine)
    results = _run_together(
        engine, [lambda s: approve(s, order_id, expected_sha256=sha), lambda s: decline(s, order_id)]
    )
    decided = [r for r in results if isinstance(r, quote_decisions.Decision)]
    refused = [r for r in results if isinstance(r, quote_decisions.DecisionConflict)]
    assert len(decided) == 1 and len(refused) == 1, results
    with session_scope(engine) as s:
        final = s.exec(select(Quote).where(Quote.order_id == order_id)).one().status
        assert final == decided[0].outcome
        assert count_signatures(s) == (1 if final == "approved" else 0)
        assert count_audit(s, "quote.approved") + count_audit(s, "quote.declined") == 1


# --- PostgreSQL (the pg_engine fixture in tests/conftest.py skips when no server is reachable) ----------


def test_concurrent_approvals_on_postgresql_give_one_outcome(pg_engine, clock):
    order_id, sha = _prepared(pg_engine)
    results = _run_together(pg_engine, [lambda s: approve(s, order_id, expected_sha256=sha) for _ in range(6)])
    _assert_exactly_one_approval(pg_engine, order_id, results)


def test_the_conditional_update_alone_keeps_it_exactly_once_on_postgresql(pg_engine, clock, monkeypatch):
    """Without the row lock, a decision committed between our read and our write makes our UPDATE match 0 rows."""
    order_id, sha = _prepared(pg_engine)

    def unlocked(session, order_id, version):
        return session.exec(
            select(Quote)
            .where(Quote.order_id == order_id, Quote.version == version)
            .execution_options(populate_existing=True)
        ).one()

    monkeypatch.setattr(quote_decisions, "_locked_quote", unlocked)
    real_hash = quote_decisions.document_sha256
    interleaved = []

    def hash_then_let_another_tab_win(session, quote):
        digest = real_hash(session, quote)
        if not interleaved:
            interleaved.append(True)
            with write_session(pg_engine) as other:  # a second tab, committed before we write
                interleaved.append(approve(other, order_id, expected_sha256=sha))
        return digest

    monkeypatch.setattr(quote_decisions, "document_sha256", hash_then_let_another_tab_win)
    with write_session(pg_engine) as s:
        ours = approve(s, order_id, expected_sha256=sha)
    theirs = interleaved[1]
    assert not theirs.already_decided and ours.already_decided
    assert ours.signature_id == theirs.signature_id
    with session_scope(pg_engine) as s:
        assert count_signatures(s) == 1 and count_audit(s, "quote.approved") == 1


def test_concurrent_signature_appends_on_postgresql_keep_one_chain(pg_engine, clock):
    order_id, _ = _prepared(pg_engine)
    from .test_signatures import record  # the same helper the SQLite chain tests use

    results = _run_together(pg_engine, [lambda s, i=i: record(s, order_id, name=f"Signer {i}") for i in range(8)])
    assert all(isinstance(r, Signature) for r in results), results
    with session_scope(pg_engine) as s:
        rows = s.exec(select(Signature).order_by(Signature.id)).all()
        assert len(rows) == 8 and len({r.prev_hash for r in rows}) == 8
        assert signatures.verify_chain(s) == []
