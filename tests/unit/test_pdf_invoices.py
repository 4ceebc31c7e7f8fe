"""Invoice and statement PDFs, read back with pypdf."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from repair_portal.integrations.pdf_invoice import invoice_pdf, statement_pdf
from repair_portal.models import Order, ShopSettings
from repair_portal.services import invoice_documents, invoices, payments, statements, store_credit

from .. import factories
from ..invoice_factories import ACTOR, account, approved_order, issued_invoice
from .document_fixtures import pdf_reader, pdf_text


@pytest.fixture
def shop(session, clock):
    settings, location = factories.shop(session)
    settings.name = "FixPoint Repairs"
    settings.accent_color = "#0f766e"
    location.name = "FixPoint Camden"
    location.address = "12 Parkway, London NW1 7AA"
    session.add_all([settings, location])
    return location


def test_invoice_pdf_shows_branding_lines_tax_totals_payments_and_amount_due(session, shop):
    customer = account(session, "Northwind Facilities Ltd", first_name="Dana")
    invoice = issued_invoice(session, shop, customer, due_days=14, extra=[("Call-out charge", 1, 4500)])
    order = session.get(Order, invoice.order_id)
    order.po_number = "PO-7781"
    session.add(order)
    payments.record_payment(session, order, 5000, "bank_transfer", ACTOR, reference="BACS 1123")
    store_credit.add_credit(session, customer.id, 1000, "Goodwill", ACTOR)
    store_credit.apply_to_invoice(session, invoice.id, 1000, ACTOR)
    data = invoice_pdf(invoice_documents.invoice_document(session, invoice.id))
    assert len(pdf_reader(data).pages) == 1
    text = pdf_text(data)
    for expected in [
        "FixPoint Repairs",
        "FixPoint Camden",
        "Invoice",
        "INV-00001",
        order.reference,
        "PO-7781",
        "2 Nov 2026",
        "16 Nov 2026",
        "Northwind Facilities Ltd",
        "Lenovo ThinkPad T14",
        "Replacement screen",
        "Call-out charge",
        "£195.00",  # subtotal 150.00 + 45.00
        "VAT (20%)",
        "£39.00",
        "£234.00",
        "Bank transfer",
        "BACS 1123",
        "Store credit",
        "£60.00",  # paid: 50.00 + 10.00
        "£174.00",  # amount due
        "Please pay £174.00 by 16 Nov 2026",
        "Page 1 of 1",
    ]:
        assert expected in text, expected


def test_paid_void_and_draft_invoices_say_so(session, shop, clock):
    customer = account(session)
    paid = issued_invoice(session, shop, customer)
    payments.record_payment(session, session.get(Order, paid.order_id), 18000, "card", ACTOR)
    assert "Paid in full" in pdf_text(invoice_pdf(invoice_documents.invoice_document(session, paid.id)))
    voided = issued_invoice(session, shop, customer)
    invoices.void(session, voided.id, "Wrong account", ACTOR)
    text = pdf_text(invoice_pdf(invoice_documents.invoice_document(session, voided.id)))
    assert "VOID" in text and "Wrong account" in text and "Please pay" not in text
    draft = invoices.create_draft(session, approved_order(session, shop, customer), ACTOR)
    assert invoice_documents.invoice_document(session, draft.id) is None
    clock.advance(days=45)
    overdue = issued_invoice(session, shop, customer, due_days=0)
    clock.advance(days=1)
    assert "overdue" in pdf_text(invoice_pdf(invoice_documents.invoice_document(session, overdue.id)))


def test_statement_pdf_shows_opening_activity_and_closing(session, shop, clock):
    customer = account(session, "Northwind Facilities Ltd")
    clock.current = datetime(2026, 11, 2, 10, tzinfo=UTC)
    invoice = issued_invoice(session, shop, customer)
    clock.current = datetime(2026, 11, 9, 10, tzinfo=UTC)
    payments.record_payment(session, session.get(Order, invoice.order_id), 8000, "card", ACTOR)
    store_credit.add_credit(session, customer.id, 2500, "Goodwill", ACTOR)
    doc = invoice_documents.statement_document(session, customer.id, date(2026, 11, 1), date(2026, 11, 30))
    text = pdf_text(statement_pdf(doc))
    for expected in [
        "FixPoint Repairs",
        "Statement",
        "Northwind Facilities Ltd",
        "1 Nov 2026",
        "30 Nov 2026",
        "Opening balance",
        f"Invoice {invoice.number_text}",
        "Payment (card) for INV-00001",
        "£180.00",
        "£80.00",
        "£100.00",
        "Closing balance",
        "Store credit available: £25.00",
    ]:
        assert expected in text, expected
    with pytest.raises(statements.StatementError):
        invoice_documents.statement_document(session, customer.id, date(2026, 12, 1), date(2026, 11, 1))


def test_long_statements_flow_onto_numbered_pages(session, shop, clock):
    customer = account(session)
    for _ in range(40):
        issued_invoice(session, shop, customer)
    assert ShopSettings.current(session).currency == "GBP"
    doc = invoice_documents.statement_document(session, customer.id, date(2026, 11, 1), date(2026, 11, 30))
    data = statement_pdf(doc)
    pages = len(pdf_reader(data).pages)
    assert pages >= 2 and f"Page {pages} of {pages}" in pdf_text(data)
