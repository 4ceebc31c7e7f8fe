"""The service report as a printable A4 document, in the shop's letterhead like every other document."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fpdf.enums import XPos, YPos
from PIL import Image, UnidentifiedImageError

from .document_data import OrderDocument
from .pdf_common import MUTED, DocumentPDF

PHOTO_EDGE_PX = 1200  # photos are stored up to 2560 px; a printed report needs far less


@dataclass(frozen=True)
class ReportPhoto:
    title: str
    jpeg: bytes


@dataclass(frozen=True)
class ServiceReportInfo:
    """One revision of a report as the PDF prints it (dates already in the shop's time zone)."""

    title: str
    revision: int
    approved: bool
    approved_at: str
    approved_by: str
    technician: str
    findings: str
    work_done: str
    tests_performed: str
    parts_used: tuple[str, ...]
    photos: tuple[ReportPhoto, ...] = ()


def _photo(data: bytes) -> Image.Image | None:
    """Photos were re-encoded by Pillow on the way in; a damaged file must still not break the report."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    image = image.convert("RGB")
    image.thumbnail((PHOTO_EDGE_PX, PHOTO_EDGE_PX))
    return image


def _photos(pdf: DocumentPDF, photos: tuple[ReportPhoto, ...]) -> None:
    """Two photos to a row, each fitted in its box with its caption underneath."""
    gap, box_h = 6.0, 62.0
    box_w = (pdf.epw - gap) / 2
    for start in range(0, len(photos), 2):
        pdf.ensure_space(box_h + 8)
        top = pdf.get_y()
        for column, photo in enumerate(photos[start : start + 2]):
            x = pdf.l_margin + column * (box_w + gap)
            image = _photo(photo.jpeg)
            if image is not None:
                scale = min(box_w / image.width, box_h / image.height)
                w, h = image.width * scale, image.height * scale
                pdf.image(image, x=x + (box_w - w) / 2, y=top + (box_h - h) / 2, w=w, h=h)
            pdf.set_xy(x, top + box_h + 1)
            pdf.font(8, color=MUTED)
            pdf.cell(box_w, 4, photo.title[:80], align="C")
        pdf.set_xy(pdf.l_margin, top + box_h + 7)


def service_report_pdf(doc: OrderDocument, report: ServiceReportInfo) -> bytes:
    title = "Service report" if report.approved else "Service report (draft)"
    pdf = DocumentPDF(doc, title)
    pdf.add_page()
    pdf.letterhead(
        [
            ("Reference", doc.order.reference),
            ("Revision", str(report.revision)),
            ("Approved", report.approved_at if report.approved else "Not yet"),
            ("Technician", report.technician),
        ]
    )
    pdf.parties()
    pdf.field_rows([("Reported fault", doc.order.problem)], label_w=32)
    if not report.approved:
        pdf.ln(2)
        pdf.text_line("DRAFT: not approved, not shared with the customer.", bold=True, color=pdf.accent)
    for heading, text in (
        ("Findings", report.findings),
        ("Work done", report.work_done),
        ("Tests performed", report.tests_performed),
    ):
        if text:
            pdf.section(heading)
            pdf.text_line(text)
    if report.parts_used:
        pdf.section("Parts used")
        for part in report.parts_used:
            pdf.font(9.5)
            pdf.multi_cell(pdf.epw, 5, f"•  {part}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if report.photos:
        pdf.section("Photos")
        _photos(pdf, report.photos)
    if report.approved:
        pdf.section("Approval")
        who = f" by {report.approved_by}" if report.approved_by else ""
        pdf.text_line(f"Approved on {report.approved_at}{who}.", color=MUTED)
    return pdf.output_bytes()
