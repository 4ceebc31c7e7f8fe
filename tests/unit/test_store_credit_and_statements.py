"""Store credit (a ledger never below zero; using it on an invoice is a "store credit" payment) and account
statements (opening balance + invoices − payments = closing balance, in integer money)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from repair_portal.models import Order, Payment, StoreCreditEntry
from repair_portal.services import invoice_views, invoices, payments, statements, store_credit

from .. import factories
from ..invoice_factories import ACTOR, account, issued_invoice


@pytest.fixture
def shop(session, clock):
    _, location = factories.shop(session)
    return location


def test_credit_is_added_and_used_with_a_reason_and_never_goes_below_zero(session, shop):
    customer = account(session)
    assert store_credit.balance(session, customer.id) == 0
    store_credit.add_credit(session, customer.id, 5000, "  Goodwill:  late repair ", ACTOR)
    store_credit.use_credit(session, customer.id, 1500, "Paid out in cash", ACTOR)
    assert store_credit.balance(session, customer.id) == 3500
    with pytest.raises(store_credit.CreditError, match="doesn't have that much"):
        store_credit.use_credit(session, customer.id, 3501, "Too much", ACTOR)
    for amount, reason in [(0, "x"), (-5, "x"), (100, " "), (True, "x"), (10**9, "x")]:
        with pytest.raises(store_credit.CreditError):
            store_credit.add_credit(session, customer.id, amount, reason, ACTOR)
    with pytest.raises(store_credit.CreditError, match="no longer exists"):
        store_credit.add_credit(session, 99999, 100, "x", ACTOR)
    history = store_credit.history(session, customer.id)
    assert [(h.amount, h.balance, h.reason) for h in history] == [
        ("-£15.00", "£35.00", "Paid out in cash"),
        ("£50.00", "£50.00", "Goodwill: late repair"),
    ]


def test_the_ledger_refuses_a_negative_balance_even_written_by_hand(session, shop):
    from sqlalchemy.exc import IntegrityError

    customer = account(session)
    session.add(StoreCreditEntry(customer_id=customer.id, amount_minor=-1, balance_after_minor=-1, reason="x"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_credit_pays_an_invoice_as_a_store_credit_payment_in_one_go(session, shop):
    customer = account(session)
    invoice = issued_invoice(session, shop, customer)
    store_credit.add_credit(session, customer.id, 5000, "Returned part", ACTOR)
    payment = store_credit.apply_to_invoice(session, invoice.id, 2000, ACTOR)
    assert (payment.method, payment.amount_minor, payment.order_id) == ("store_credit", 2000, invoice.order_id)
    assert payment.reference == invoice.number_text
    assert invoices.paid_on(session, invoice.id) == 2000
    entry = session.exec(select(StoreCreditEntry).order_by(StoreCreditEntry.id.desc())).first()
    assert (entry.amount_minor, entry.payment_id, entry.invoice_id) == (-2000, payment.id, invoice.id)
    assert payments.method_label(payment.method) == "Store credit"
    with pytest.raises(store_credit.CreditError, match="doesn't have that much"):
        store_credit.apply_to_invoice(session, invoice.id, 3001, ACTOR)
    payment = store_credit.apply_to_invoice(session, invoice.id, None, ACTOR)  # whatever is left: 3000
    assert payment.amount_minor == 3000 and store_credit.balance(session, customer.id) == 0
    with pytest.raises(store_credit.CreditError, match="Nothing to pay"):
        store_credit.apply_to_invoice(session, invoice.id, None, ACTOR)
    store_credit.add_credit(session, customer.id, 50000, "Big goodwill", ACTOR)
    with pytest.raises(store_credit.CreditError, match="more than the invoice"):
        store_credit.apply_to_invoice(session, invoice.id, 13001, ACTOR)
    with pytest.raises(store_credit.CreditError, match="no longer exists"):
        store_credit.apply_to_invoice(session, invoice.id, 100, ACTOR, order_id=invoice.order_id + 1)


def test_staff_forms_and_intake_cannot_record_store_credit_by_hand(session, shop):
    order = factories.order(session, shop).order
    with pytest.raises(payments.PaymentError, match="Store credit"):
        payments.record_payment(session, order, 1000, "store_credit", ACTOR)
    assert "store_credit" not in payments.STAFF_METHODS
    assert session.exec(select(Payment)).all() == []


def test_a_void_invoice_is_refused_credit(session, shop):
    customer = account(session)
    invoice = issued_invoice(session, shop, customer)
    invoices.void(session, invoice.id, "Duplicate", ACTOR)
    store_credit.add_credit(session, customer.id, 1000, "x", ACTOR)
    with pytest.raises(store_credit.CreditError, match="issued invoice"):
        store_credit.apply_to_invoice(session, invoice.id, 500, ACTOR)


# --- statements ------------------------------------------------------------------------------------


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_statement_arithmetic_opening_running_and_closing(session, shop, clock):
    customer = account(session)
    clock.current = _at(2)
    first = issued_invoice(session, shop, customer)  # 180.00 on 2 Nov
    first_order = session.get(Order, first.order_id)
    clock.current = _at(5)
    payments.record_payment(session, first_order, 10000, "card", ACTOR)  # 100.00 on 5 Nov
    clock.current = _at(10)
    second = issued_invoice(session, shop, customer, extra=[("Call-out", 1, 5000)])  # 240.00 on 10 Nov
    second_order = session.get(Order, second.order_id)
    clock.current = _at(12)
    payments.record_payment(session, first_order, 8000, "bank_transfer", ACTOR)  # 80.00 settles the first
    store_credit.add_credit(session, customer.id, 4000, "Goodwill", ACTOR)
    store_credit.apply_to_invoice(session, second.id, 4000, ACTOR)  # 40.00 on 12 Nov
    clock.current = _at(20)
    payments.record_payment(session, second_order, 1000, "cash", ACTOR)  # 10.00 on 20 Nov
    voided = issued_invoice(session, shop, customer)
    invoices.void(session, voided.id, "Issued twice", ACTOR)  # never on a statement

    whole = statements.statement(session, customer.id, date(2026, 11, 1), date(2026, 11, 30))
    assert whole.opening_minor == 0
    assert [(line.day.day, line.charge_minor, line.payment_minor, line.balance_minor) for line in whole.lines] == [
        (2, 18000, 0, 18000),
        (5, 0, 10000, 8000),
        (10, 24000, 0, 32000),
        (12, 0, 8000, 24000),
        (12, 0, 4000, 20000),
        (20, 0, 1000, 19000),
    ]
    assert whole.closing_minor == 19000 == invoice_views.invoice_balance(session, customer.id)
    assert whole.lines[4].details == f"Payment (store credit) for {second.number_text}"

    middle = statements.statement(session, customer.id, date(2026, 11, 6), date(2026, 11, 12))
    assert middle.opening_minor == 8000
    assert middle.charges_minor == 24000 and middle.payments_minor == 12000
    assert middle.closing_minor == 8000 + 24000 - 12000 == middle.lines[-1].balance_minor
    later = statements.statement(session, customer.id, date(2026, 11, 13), date(2026, 11, 30))
    assert later.opening_minor == middle.closing_minor  # one period's close is the next one's opening
    assert (
        statements.statement(session, account(session, "Other").id, date(2026, 11, 1), date(2026, 11, 30)).lines == ()
    )


def test_a_deposit_paid_before_the_invoice_counts_on_the_issue_day(session, shop, clock):
    customer = account(session)
    from ..invoice_factories import approved_order

    order = approved_order(session, shop, customer)
    clock.current = _at(3)
    payments.record_payment(session, order, 5000, "card", ACTOR)
    clock.current = _at(9)
    invoice = invoices.issue(session, invoices.create_draft(session, order, ACTOR).id, ACTOR)
    result = statements.statement(session, customer.id, date(2026, 11, 1), date(2026, 11, 30))
    assert [(line.day.day, line.balance_minor) for line in result.lines] == [(9, 18000), (9, 13000)]
    assert result.lines[0].invoice_number == invoice.number_text


def test_statement_dates_are_checked(session, shop):
    customer = account(session)
    for start, end in [
        (None, date(2026, 1, 1)),
        (date(2026, 2, 1), date(2026, 1, 1)),
        (date(2000, 1, 1), date(2026, 1, 1)),
    ]:
        with pytest.raises(statements.StatementError):
            statements.statement(session, customer.id, start, end)
