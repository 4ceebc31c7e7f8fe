"""Quote, invoice/receipt and signed authorisation PDFs, read back with pypdf."""

import dataclasses

import pytest

from repair_portal.integrations.pdf import invoice_pdf, quote_pdf, signed_authorisation_pdf
from repair_portal.models import Order
from repair_portal.services import payments, quotes
from repair_portal.services.documents import document_context

from .. import factories
from .document_fixtures import USER_AGENT, build_order, page_size_mm, pdf_reader, pdf_text

A4 = (210.0, 297.0)


@pytest.fixture
def built(session, clock):
    return build_order(session)


@pytest.fixture
def doc(session, settings, built):
    return document_context(session, built.order.id, settings.public_url, settings.secret_key)


def _close(size, expected, tolerance=0.5):
    return all(abs(a - b) <= tolerance for a, b in zip(size, expected, strict=True))


def test_quote_pdf_is_one_a4_page_with_lines_totals_tax_and_terms(doc):
    data = quote_pdf(doc)
    assert len(pdf_reader(data).pages) == 1
    assert _close(page_size_mm(data), A4)
    text = pdf_text(data)
    for expected in [
        doc.order.reference,
        "Quote",
        "Zoë Wójcik",
        "Apple iPhone 13",
        "Replacement screen assembly (OEM grade)",
        "£149.00",
        "£35.40",
        "Optional · declined",
        "Subtotal",
        "£184.40",
        "VAT (20%)",
        "£36.88",
        "£221.28",
        "16 Nov 2026",
        "v1",
        "90-day warranty",
        "Page 1 of 1",
    ]:
        assert expected in text, expected


def test_long_quotes_flow_onto_numbered_pages(session, settings, clock):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    lines = [quotes.LineSpec(f"Part number {i} with a longer description", 1, 1000 + i) for i in range(60)]
    quote = quotes.create_quote(session, new.order, lines, factories.ACTOR)
    quotes.send_quote(session, quote, factories.ACTOR)
    doc = document_context(session, new.order.id, settings.public_url, settings.secret_key)
    data = quote_pdf(doc)
    pages = len(pdf_reader(data).pages)
    assert pages >= 2
    text = pdf_text(data)
    assert f"Page {pages} of {pages}" in text and "Part number 59" in text and doc.quote.total in text


def test_quote_pdf_needs_a_quote(session, settings, clock):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    doc = document_context(session, new.order.id, settings.public_url, settings.secret_key)
    with pytest.raises(ValueError, match="no quote"):
        quote_pdf(doc)


def test_invoice_lists_charged_lines_payments_and_balance_due(doc):
    data = invoice_pdf(doc)
    assert len(pdf_reader(data).pages) == 1 and _close(page_size_mm(data), A4)
    text = pdf_text(data)
    for expected in [
        "Invoice",
        doc.order.reference,
        "Zoë Wójcik",
        "£221.28",
        "VAT (20%)",
        "Card",
        "Deposit",
        "£100.00",
        "Balance due",
        "£121.28",
    ]:
        assert expected in text, expected
    assert "Tempered glass protector" not in text  # declined optional line is not charged


def test_fully_paid_invoice_is_a_receipt(session, settings, built):
    order = session.get(Order, built.order.id)
    payments.record_payment(session, order, 12128, "cash", factories.ACTOR)
    doc = document_context(session, order.id, settings.public_url, settings.secret_key)
    text = pdf_text(invoice_pdf(doc))
    assert "Receipt" in text and "Paid in full" in text and "£0.00" in text and "Cash" in text


def test_signed_authorisation_shows_what_was_signed_the_signature_and_the_audit_trail(doc):
    signature = doc.signatures[0]
    data = signed_authorisation_pdf(doc, signature)
    reader = pdf_reader(data)
    assert len(reader.pages) == 1 and _close(page_size_mm(data), A4)
    assert len(reader.pages[0].images) == 1  # the signature PNG
    text = pdf_text(data)
    for expected in [
        "Repair authorisation",
        doc.order.reference,
        "Zoë Wójcik",
        "quote v1",
        "£221.28",
        "2026-11-02T11:30:00Z",
        "203.0.113.7",
        "AppleWebKit",
        signature.document_sha256,
        signature.record_hash,
    ]:
        assert expected in text, expected
    assert USER_AGENT.split()[0] in text


def test_an_unreadable_signature_image_does_not_break_the_document(doc):
    broken = dataclasses.replace(doc.signatures[0], image_png=b"not a png")
    text = pdf_text(signed_authorisation_pdf(doc, broken))
    assert "signature image unavailable" in text and "2026-11-02T11:30:00Z" in text


def test_cjk_names_do_not_raise(session, settings, clock):
    """DejaVu has no CJK glyphs: fpdf2 may log missing glyphs, but every document must still be produced."""
    from repair_portal.integrations.pdf import device_label_pdf, intake_ticket_pdf

    built = build_order(session, first_name="太郎", last_name="山田漢字")
    doc = document_context(session, built.order.id, settings.public_url, settings.secret_key)
    outputs = [
        quote_pdf(doc),
        invoice_pdf(doc),
        signed_authorisation_pdf(doc, doc.signatures[0]),
        intake_ticket_pdf(doc, "a4"),
        intake_ticket_pdf(doc, "letter"),
        intake_ticket_pdf(doc, "receipt80"),
        device_label_pdf(doc),
    ]
    for data in outputs:
        assert doc.order.reference in pdf_text(data)
