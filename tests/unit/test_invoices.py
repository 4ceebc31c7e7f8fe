"""Invoices: drafts from the approved quote, extra lines, issue with a gap-free number, allocations of the
order's payments, computed status, void with a reason, what the portal may list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Invoice, InvoicePayment, Order
from repair_portal.services import invoice_views, invoices, payments
from repair_portal.services.text_input import TextInputError

from .. import factories
from ..invoice_factories import ACTOR, account, approved_order, issued_invoice


@pytest.fixture
def shop(session, clock):
    _, location = factories.shop(session)
    return location


def test_a_draft_freezes_the_approved_quotes_counted_lines_and_tax(session, shop):
    customer = account(session)
    order = approved_order(session, shop, customer)
    draft = invoices.create_draft(session, order, ACTOR)
    lines = invoices.lines_of(session, draft.id)
    assert [(line.description, line.quantity, line.unit_price_minor) for line in lines] == [
        ("Replacement screen", 1, 12000),
        ("Labour", 2, 1500),
    ]  # the declined optional line is not on it
    assert (draft.subtotal_minor, draft.tax_minor, draft.total_minor) == (15000, 3000, 18000)
    assert draft.number is None and draft.status == "draft" and draft.customer_id == customer.id
    with pytest.raises(invoices.InvoiceError, match="already has an invoice"):
        invoices.create_draft(session, order, ACTOR)


def test_extra_lines_go_on_a_draft_only_and_quote_lines_stay(session, shop):
    order = approved_order(session, shop, account(session))
    draft = invoices.create_draft(session, order, ACTOR)
    extra = invoices.add_line(session, draft.id, "  Call-out   charge ", 1, 4500, ACTOR)
    assert extra.description == "Call-out charge" and not extra.from_quote
    assert draft.total_minor == 18000 + 4500 + 900
    for bad in [("", 1, 100), ("x", 0, 100), ("x", 1, -5), ("x", True, 100), ("x", 1, 1.5)]:
        with pytest.raises(invoices.InvoiceError):
            invoices.add_line(session, draft.id, *bad, ACTOR)
    quote_line = invoices.lines_of(session, draft.id)[0]
    with pytest.raises(invoices.InvoiceError, match="approved quote"):
        invoices.remove_line(session, draft.id, quote_line.id, ACTOR)
    invoices.remove_line(session, draft.id, extra.id, ACTOR)
    assert draft.total_minor == 18000
    with pytest.raises(invoices.InvoiceError, match="no longer exists"):
        invoices.add_line(session, draft.id, "x", 1, 1, ACTOR, order_id=draft.order_id + 999)
    invoices.issue(session, draft.id, ACTOR)
    with pytest.raises(invoices.InvoiceError, match="Only a draft"):
        invoices.add_line(session, draft.id, "Late line", 1, 100, ACTOR)
    with pytest.raises(invoices.InvoiceError, match="Only a draft"):
        invoices.issue(session, draft.id, ACTOR)


def test_issue_numbers_dates_and_allocates_the_deposit(session, shop, clock):
    customer = account(session)
    order = approved_order(session, shop, customer)
    payments.record_payment(session, order, 5000, "card", ACTOR, reference="Deposit")
    first = invoices.issue(session, invoices.create_draft(session, order, ACTOR).id, ACTOR, due_days=14)
    assert first.number_text == "INV-00001"
    assert first.issue_date == date(2026, 11, 2) and first.due_date == date(2026, 11, 16)
    assert invoices.paid_on(session, first.id) == 5000
    assert invoices.status_of(first, 5000, invoices.shop_today(session)) == "part_paid"
    second = issued_invoice(session, shop, customer)
    assert second.number_text == "INV-00002"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "invoice.issued")).all()


def test_status_moves_with_payments_refunds_and_the_clock(session, shop, clock):
    customer = account(session)
    invoice = issued_invoice(session, shop, customer, due_days=7)
    order = session.get(Order, invoice.order_id)
    today = lambda: invoices.shop_today(session)  # noqa: E731
    assert invoices.status_of(invoice, invoices.paid_on(session, invoice.id), today()) == "awaiting_payment"
    clock.advance(days=8)
    assert invoices.status_of(invoice, 0, today()) == "overdue"
    payments.record_payment(session, order, 10000, "cash", ACTOR)
    assert invoices.status_of(invoice, invoices.paid_on(session, invoice.id), today()) == "overdue"  # still owes
    payments.record_payment(session, order, 9000, "card", ACTOR)  # 1000 more than due: stays on the order
    assert invoices.paid_on(session, invoice.id) == 18000
    assert invoices.status_of(invoice, 18000, today()) == "paid"
    payments.record_payment(session, order, -1000, "card", ACTOR, note="Overpaid")  # the spare 1000 first
    assert invoices.paid_on(session, invoice.id) == 18000
    payments.record_payment(session, order, -3000, "card", ACTOR, note="Part refund")
    assert invoices.paid_on(session, invoice.id) == 15000
    assert invoices.status_of(invoice, 15000, today()) == "overdue"


def test_void_needs_a_reason_releases_payments_and_keeps_the_number(session, shop):
    customer = account(session)
    invoice = issued_invoice(session, shop, customer)
    order = session.get(Order, invoice.order_id)
    payments.record_payment(session, order, 6000, "card", ACTOR)
    with pytest.raises(invoices.InvoiceError, match="reason"):
        invoices.void(session, invoice.id, "   ", ACTOR)
    assert invoices.void(session, invoice.id, "Wrong labour rate", ACTOR) == 6000
    assert invoice.status == "void" and invoice.void_reason == "Wrong labour rate" and invoice.number == 1
    assert session.exec(select(InvoicePayment).where(InvoicePayment.invoice_id == invoice.id)).all() == []
    with pytest.raises(invoices.InvoiceError, match="already void"):
        invoices.void(session, invoice.id, "again", ACTOR)
    again = invoices.issue(session, invoices.create_draft(session, order, ACTOR).id, ACTOR)
    assert again.number_text == "INV-00002"
    assert invoices.paid_on(session, again.id) == 6000  # the released payment counts towards the new one


def test_refusals_issue_nothing_and_keep_the_counter(session, shop):
    order = approved_order(session, shop, account(session))
    empty_order = factories.order(session, shop).order  # no quote: an empty draft
    draft = invoices.create_draft(session, empty_order, ACTOR)
    with pytest.raises(invoices.InvoiceError, match="at least one line"):
        invoices.issue(session, draft.id, ACTOR)
    with pytest.raises(invoices.InvoiceError, match="when the invoice is due"):
        invoices.issue(session, draft.id, ACTOR, due_days=-1)
    invoices.add_line(session, draft.id, "Free check", 1, 0, ACTOR)
    with pytest.raises(invoices.InvoiceError, match="zero"):
        invoices.issue(session, draft.id, ACTOR)
    assert invoices.issue(session, invoices.create_draft(session, order, ACTOR).id, ACTOR).number == 1


def test_the_portal_lists_never_show_drafts_and_search_and_filter(session, shop, clock):
    customer = account(session)
    other = account(session, "Other Ltd")
    paid = issued_invoice(session, shop, customer)
    payments.record_payment(session, session.get(Order, paid.order_id), 18000, "card", ACTOR)
    unpaid = issued_invoice(session, shop, customer)
    draft = invoices.create_draft(session, approved_order(session, shop, customer), ACTOR)
    theirs = issued_invoice(session, shop, other)
    rows, total = invoice_views.list_invoices(session, customer.id)
    assert total == 2 and {r.id for r in rows} == {paid.id, unpaid.id}
    staff_rows, staff_total = invoice_views.list_invoices(session, customer.id, include_drafts=True)
    assert staff_total == 3 and staff_rows[0].id == draft.id and staff_rows[0].number == "Draft"
    assert [r.id for r in invoice_views.list_invoices(session, customer.id, show="paid")[0]] == [paid.id]
    assert [r.id for r in invoice_views.list_invoices(session, customer.id, show="unpaid")[0]] == [unpaid.id]
    for text in (unpaid.number_text, "inv-" + str(unpaid.number), str(unpaid.number), "0000" + str(unpaid.number)):
        assert [r.id for r in invoice_views.list_invoices(session, customer.id, search=text)[0]] == [unpaid.id]
    reference = session.get(Order, paid.order_id).reference
    assert [r.id for r in invoice_views.list_invoices(session, customer.id, search=reference.lower())[0]] == [paid.id]
    assert invoice_views.list_invoices(session, customer.id, search="%")[1] == 0
    # Over the search's limit: refused with a message (the page shows it and keeps what was typed), never cut.
    assert invoice_views.search_problem(unpaid.number_text + "x" * 40) is not None
    with pytest.raises(TextInputError, match="The search is too long: at most 40 characters"):
        invoice_views.list_invoices(session, customer.id, search=unpaid.number_text + "x" * 40)
    page, count = invoice_views.list_invoices(session, customer.id, limit=1, offset=1)
    assert count == 2 and len(page) == 1
    row = next(r for r in rows if r.id == unpaid.id)
    assert (row.status_label, row.total, row.due) == ("Awaiting payment", "£180.00", "£180.00")
    assert invoice_views.customer_invoice(session, customer.id, unpaid.id) is not None
    assert invoice_views.customer_invoice(session, customer.id, draft.id) is None
    assert invoice_views.customer_invoice(session, customer.id, theirs.id) is None
    assert invoice_views.customer_invoice(session, customer.id, None) is None


def test_account_summary_balances_due_list_and_payments(session, shop, clock):
    from repair_portal.services import store_credit

    customer = account(session)
    first = issued_invoice(session, shop, customer, due_days=0)
    second = issued_invoice(session, shop, customer, due_days=30)
    payments.record_payment(session, session.get(Order, first.order_id), 8000, "cash", ACTOR)
    store_credit.add_credit(session, customer.id, 2500, "Goodwill", ACTOR)
    summary = invoice_views.account_summary(session, customer.id)
    assert summary.invoice_balance_minor == 36000 - 8000 and summary.invoice_balance == "£280.00"
    assert summary.credit_balance == "£25.00"
    assert [r.id for r in summary.invoices_due] == [first.id, second.id]
    assert summary.recent_payments[0].invoices == first.number_text and summary.recent_payments[0].method == "Cash"
    assert session.exec(select(Invoice)).all()


def test_the_customers_order_page_totals_follow_the_issued_invoice_not_the_quote(session, shop):
    from repair_portal.services import portal_view

    order = approved_order(session, shop, account(session))
    assert portal_view.billed_total(session, order.id)[0] == 18000  # the approved quote
    draft = invoices.create_draft(session, order, ACTOR)
    invoices.add_line(session, draft.id, "Call-out charge", 1, 4500, ACTOR)
    assert portal_view.billed_total(session, order.id)[0] == 18000  # a draft isn't the customer's business
    invoices.issue(session, draft.id, ACTOR)
    assert portal_view.billed_total(session, order.id)[0] == 18000 + 4500 + 900
    invoices.void(session, draft.id, "Issued to the wrong account", ACTOR)
    assert portal_view.billed_total(session, order.id)[0] == 18000
