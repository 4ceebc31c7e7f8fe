"""Intake tickets and device labels: page sizes, text, and QR codes that scan (tickets: the tracking URL;
labels: the staff order page)."""

import re

import pytest

from repair_portal.integrations.pdf import device_label_pdf, intake_ticket_pdf
from repair_portal.services import portal_links
from repair_portal.services.documents import document_context

from .. import factories
from .document_fixtures import build_order, decode_qr_codes, page_size_mm, pdf_reader, pdf_text, render_page


@pytest.fixture
def built(session, clock):
    return build_order(session, sign=False)


@pytest.fixture
def doc(session, settings, built):
    return document_context(session, built.order.id, settings.public_url, settings.secret_key)


def _flat(text: str) -> str:
    """Long URLs wrap across lines on paper; join them back for comparison."""
    return text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize(("layout", "size_mm"), [("a4", (210.0, 297.0)), ("letter", (215.9, 279.4))])
def test_sheet_tickets_have_the_reference_details_contact_and_qr(doc, layout, size_mm):
    data = intake_ticket_pdf(doc, layout)
    reader = pdf_reader(data)
    assert len(reader.pages) == 1
    width, height = page_size_mm(data)
    assert abs(width - size_mm[0]) < 0.5 and abs(height - size_mm[1]) < 0.5
    assert len(reader.pages[0].images) == 1
    text = pdf_text(data)
    for expected in [
        doc.order.reference,
        "Zoë Wójcik",
        "Apple iPhone 13",
        "SN123",
        "Cracked screen",
        "Minor scuffs on the back",
        "6 Nov 2026",
        "Scan to follow your repair",
        "020 0000 0000",  # the location (+44 20 0000 0000) as the shop's country writes it
        "Mon–Wed",
        "09:00–19:00",
        "approve a quote",
    ]:
        assert expected in text, expected
    assert doc.tracking_url in _flat(text)


def test_receipt_ticket_is_80mm_wide_and_as_tall_as_its_content(doc):
    data = intake_ticket_pdf(doc, "receipt80")
    reader = pdf_reader(data)
    assert len(reader.pages) == 1
    assert abs(float(reader.pages[0].mediabox.width) - 226.77) < 0.05
    _, height = page_size_mm(data)
    assert 120 < height < 400
    text = pdf_text(data)
    for expected in [doc.order.reference, "Zoë Wójcik", "Scan to follow your repair", "Promised by".upper()]:
        assert expected in text, expected
    assert doc.tracking_url in _flat(text)


def test_unknown_layout_is_refused(doc):
    with pytest.raises(ValueError, match="layout"):
        intake_ticket_pdf(doc, "a5")


def test_device_label_is_62_by_29_mm_with_reference_surname_and_device(doc):
    data = device_label_pdf(doc)
    reader = pdf_reader(data)
    assert len(reader.pages) == 1 and len(reader.pages[0].images) == 1
    width, height = page_size_mm(data)
    assert abs(width - 62) < 0.1 and abs(height - 29) < 0.1
    text = pdf_text(data)
    assert doc.order.reference in text and "Wójcik" in text and "Apple iPhone 13" in text


def test_printed_ticket_qr_scans_to_the_exact_tracking_url(doc, tmp_path):
    image = render_page(intake_ticket_pdf(doc, "a4"), tmp_path, dpi=300)
    assert decode_qr_codes(image) == [doc.tracking_url]


def test_the_device_label_qr_scans_to_the_staff_order_page(doc, tmp_path):
    image = render_page(device_label_pdf(doc), tmp_path, dpi=300)
    assert decode_qr_codes(image) == [doc.staff_url]
    assert re.fullmatch(r"https?://[^/]+/staff/orders/\d+", doc.staff_url)


def test_receipt_qr_scans_too(doc, tmp_path):
    image = render_page(intake_ticket_pdf(doc, "receipt80"), tmp_path, dpi=203)  # a common thermal printer
    assert decode_qr_codes(image) == [doc.tracking_url]


def test_without_a_live_link_tickets_say_so_and_carry_no_qr(session, settings, built):
    portal_links.revoke(session, built.order.id, factories.ACTOR)
    doc = document_context(session, built.order.id, settings.public_url, settings.secret_key)
    for data in (intake_ticket_pdf(doc, "a4"), intake_ticket_pdf(doc, "receipt80")):
        assert len(pdf_reader(data).pages[0].images) == 0
        assert "Ask us for a link" in pdf_text(data)
    label = device_label_pdf(doc)  # the label's QR is the staff page's: it stays
    assert len(pdf_reader(label).pages[0].images) == 1 and doc.order.reference in pdf_text(label)
