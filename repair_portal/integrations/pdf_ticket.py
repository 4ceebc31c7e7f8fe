"""Intake tickets (A4, US Letter, 80 mm receipt roll) and the 62 × 29 mm device label."""

from __future__ import annotations

from typing import Literal

from fpdf.enums import WrapMode, XPos, YPos

from .document_data import OrderDocument
from .pdf_common import INK, MUTED, DocumentPDF, terms_summary
from .qr import qr_image

Layout = Literal["a4", "letter", "receipt80"]
SCAN_TEXT = "Scan to follow your repair"
RECEIPT_WIDTH = 80.0
LABEL_SIZE = (62.0, 29.0)


def intake_ticket_pdf(doc: OrderDocument, layout: Layout = "a4") -> bytes:
    if layout == "receipt80":
        return _receipt(doc)
    if layout not in ("a4", "letter"):
        raise ValueError(f"unknown ticket layout {layout!r}")
    return _sheet(doc, "A4" if layout == "a4" else "letter")


def _detail_rows(doc: OrderDocument, *, dates: bool = True) -> list[tuple[str, str]]:
    device = doc.device
    rows = [
        ("Customer", doc.customer.full_name),
        ("Phone", doc.customer.phone),
        ("Device", device.label if device else ""),
        ("Serial / IMEI", device.serial if device else ""),
        ("Problem", doc.order.problem),
        ("Condition", doc.order.intake_condition),
        ("Checked", doc.order.checked_at_intake),
        ("Left with it", doc.order.accessories),
    ]
    if dates:
        rows += [("Booked in", doc.order.booked_in_at), ("Promised by", doc.order.promised_at)]
    return rows


def _sheet(doc: OrderDocument, page_format: str) -> bytes:
    pdf = DocumentPDF(doc, "Repair ticket", page_format=page_format)
    pdf.add_page()
    pdf.letterhead([("Booked in", doc.order.booked_in_at), ("Promised by", doc.order.promised_at)])

    qr_w, gap = 52.0, 8.0
    left_w = pdf.epw - qr_w - gap
    top = pdf.get_y()
    pdf.font(8, bold=True, color=MUTED)
    pdf.cell(left_w, 4, "YOUR REFERENCE", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(34, bold=True, color=pdf.accent)
    pdf.cell(left_w, 15, doc.order.reference, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(8.5, color=MUTED)
    pdf.multi_cell(left_w, 4.4, "Quote this reference whenever you contact us.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.field_rows(_detail_rows(doc, dates=False), w=left_w, label_w=30)
    left_bottom = pdf.get_y()

    qr_x = pdf.l_margin + left_w + gap
    pdf.set_draw_color(*pdf.accent)
    pdf.set_line_width(0.4)
    if doc.tracking_url:
        pdf.image(qr_image(doc.tracking_url), x=qr_x + 4, y=top + 2, w=qr_w - 8, h=qr_w - 8)
        pdf.set_xy(qr_x + 2, top + qr_w - 5)
        pdf.font(9, bold=True)
        pdf.cell(qr_w - 4, 5, SCAN_TEXT, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(qr_x + 3)
        pdf.font(6.5, color=MUTED)
        pdf.multi_cell(qr_w - 6, 3, doc.tracking_url, align="C", wrapmode=WrapMode.CHAR)
    else:
        pdf.set_xy(qr_x + 3, top + 6)
        pdf.font(9, color=MUTED)
        pdf.multi_cell(qr_w - 6, 4.5, "Ask us for a link to follow your repair online.", align="C")
    box_bottom = pdf.get_y() + 3
    pdf.rect(qr_x, top, qr_w, box_bottom - top, round_corners=True, corner_radius=2)
    pdf.set_line_width(0.2)
    pdf.set_y(max(left_bottom, box_bottom) + 2)

    pdf.section("Contact us")
    _contact(pdf, doc)
    summary = terms_summary(doc.shop.terms_text)
    if summary:
        pdf.section("Terms summary")
        for line in summary:
            pdf.text_line(line, size=8.5, color=MUTED)
            pdf.ln(0.8)
        pdf.text_line("Full terms are available in the shop and on request.", size=7.5, color=MUTED)
    return pdf.output_bytes()


def _contact(pdf: DocumentPDF, doc: OrderDocument) -> None:
    loc, top = doc.location, pdf.get_y()
    col = (pdf.epw - 8) / 2
    pdf.field_rows(
        [("Shop", loc.name), ("Address", loc.address), ("Phone", loc.phone), ("Email", loc.email)], w=col, label_w=22
    )
    bottom = pdf.get_y()
    if loc.hours:
        x = pdf.l_margin + col + 8
        pdf.set_y(top)
        pdf.set_x(x)
        pdf.font(8.5, bold=True)
        pdf.cell(col, 5, "Opening hours", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for days, hours in loc.hours:
            pdf.set_x(x)
            pdf.font(8.5, color=MUTED)
            pdf.cell(26, 5, days)
            pdf.font(9, color=MUTED if hours == "Closed" else INK)
            pdf.cell(col - 26, 5, hours, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom)


# --- 80 mm receipt roll --------------------------------------------------------------------------------------------


def _receipt(doc: OrderDocument) -> bytes:
    """Drawn once on a long page to measure it, then again on a page exactly as tall as the content."""
    probe = _receipt_pdf(doc, 2000.0)
    height = probe.get_y() + 6
    return _receipt_pdf(doc, height).output_bytes()


def _receipt_pdf(doc: OrderDocument, height: float) -> DocumentPDF:
    pdf = DocumentPDF(doc, "Repair ticket", page_format=(RECEIPT_WIDTH, height), footer=False)
    pdf.set_margins(5, 5, 5)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    w = pdf.epw

    def centred(text: str, size: float, *, bold: bool = False, color=INK, line: float | None = None, char=False):
        if text:
            pdf.font(size, bold=bold, color=color)
            pdf.multi_cell(
                w,
                line or size * 0.45,
                text,
                align="C",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
                wrapmode=WrapMode.CHAR if char else WrapMode.WORD,
            )

    centred(doc.shop.name, 13, bold=True)
    for text in (doc.location.name, doc.location.address, doc.location.phone, doc.location.email):
        if text != doc.shop.name:
            centred(text, 7.5, color=MUTED)
    pdf.ln(2)
    _dashes(pdf)
    centred("REPAIR TICKET", 7.5, bold=True, color=MUTED)
    centred(doc.order.reference, 24, bold=True, line=10)
    pdf.ln(1)
    _dashes(pdf)
    for label, value in _detail_rows(doc):
        if value:
            pdf.font(7, bold=True, color=MUTED)
            pdf.cell(w, 3.6, label.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.font(9)
            pdf.multi_cell(w, 4.2, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    _dashes(pdf)
    if doc.tracking_url:
        size = 42.0
        pdf.image(qr_image(doc.tracking_url), x=pdf.l_margin + (w - size) / 2, y=pdf.get_y(), w=size, h=size)
        pdf.set_y(pdf.get_y() + size)
        centred(SCAN_TEXT, 9, bold=True)
        pdf.ln(0.5)
        centred(doc.tracking_url, 6, color=MUTED, line=2.8, char=True)
    else:
        centred("Ask us for a link to follow your repair online.", 8, color=MUTED)
    pdf.ln(2)
    _dashes(pdf)
    if doc.location.hours:
        centred("OPENING HOURS", 7, bold=True, color=MUTED)
        for days, hours in doc.location.hours:
            pdf.font(8)
            pdf.cell(w / 2, 4, days)
            pdf.cell(w / 2, 4, hours, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        _dashes(pdf)
    for line in terms_summary(doc.shop.terms_text, max_chars=400):
        pdf.font(6.5, color=MUTED)
        pdf.multi_cell(w, 3, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.6)
    return pdf


def _dashes(pdf: DocumentPDF) -> None:
    pdf.set_draw_color(*MUTED)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_dash_pattern()
    pdf.ln(2.5)


# --- device label ---------------------------------------------------------------------------------------------------


def _fit(pdf: DocumentPDF, text: str, w: float, size: float, min_size: float, *, bold: bool = False) -> str:
    """Shrink the font until the text fits one line, then cut it with an ellipsis."""
    while size > min_size:
        pdf.font(size, bold=bold)
        if pdf.get_string_width(text) <= w:
            return text
        size -= 0.5
    pdf.font(min_size, bold=bold)
    while text and pdf.get_string_width(text + "…") > w:
        text = text[:-1]
    return text + "…" if text else ""


def device_label_pdf(doc: OrderDocument) -> bytes:
    """62 × 29 mm (Brother DK-11209 style): the staff page's QR on the left (staff scan the device in the
    queue; it opens nothing without a staff sign-in), reference, surname and device on the right."""
    pdf = DocumentPDF(doc, "Device label", page_format=LABEL_SIZE, footer=False)
    pdf.set_margins(2, 2, 2)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width, height = LABEL_SIZE
    x = pdf.l_margin
    size = height - 2
    pdf.image(qr_image(doc.staff_url, border=2), x=1, y=1, w=size, h=size)
    x = size + 1.5
    w = width - x - pdf.r_margin
    pdf.set_xy(x, 3)
    reference = _fit(pdf, doc.order.reference, w, 17, 9, bold=True)
    pdf.cell(w, 7, reference, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    surname = _fit(pdf, doc.customer.last_name or doc.customer.full_name, w, 10, 6.5, bold=True)
    pdf.cell(w, 5, surname, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.font(7.5)
    lines = pdf.multi_cell(w, 3.3, doc.device.label if doc.device else "", dry_run=True, output="LINES")
    if len(lines) > 2:
        lines = [lines[0], _fit(pdf, " ".join(lines[1:]), w, 7.5, 7.5)]
    for line in lines:
        pdf.set_x(x)
        pdf.cell(w, 3.3, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    booked = _fit(pdf, f"In {doc.order.booked_in_at.split(',')[0]}", w, 6, 5)
    pdf.set_xy(x, height - 5.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(w, 3, booked)
    return pdf.output_bytes()
