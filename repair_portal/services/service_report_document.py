"""A service report with everything its PDF prints, as frozen plain data (services/documents.py style)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ..integrations.document_data import OrderDocument
from ..integrations.pdf_cache import PdfCache
from ..integrations.pdf_service_report import ReportPhoto, ServiceReportInfo
from ..models import ReportStatus, ServiceReport
from . import service_reports, timefmt
from .branding import logo_digests
from .documents import document_context


def report_info(session: Session, report: ServiceReport, files_dir: Path) -> ServiceReportInfo:
    tz = timefmt.shop_timezone(session)
    photos = []
    for item in service_reports.photos_of(session, report):
        try:  # a photo gone from disk is left out of the PDF (its row stays), never a failed download
            photos.append(ReportPhoto(item.title, (files_dir / item.storage_name).read_bytes()))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            continue
    return ServiceReportInfo(
        title=service_reports.title_of(report),
        revision=report.revision,
        approved=report.status != ReportStatus.DRAFT.value,
        approved_at=timefmt.date(report.approved_at, tz),
        approved_by=service_reports.approver_name(session, report),
        technician=service_reports.technician_name(session, report),
        findings=report.findings,
        work_done=report.work_done,
        tests_performed=report.tests_performed,
        parts_used=tuple(line for line in report.parts_used.splitlines() if line.strip()),
        photos=tuple(photos),
    )


def render(
    session: Session,
    report: ServiceReport,
    files_dir: Path,
    public_url: str,
    secret_key: str,
    cache: PdfCache | None = None,
) -> tuple[bytes, str, str]:
    """(PDF, media type, file name) of one report; blocking (Pillow, fpdf2): call it in a worker thread.
    With a cache, an unchanged report (text, photos' bytes, shop data, logos) is read back, not redrawn."""
    from ..integrations.pdf_service_report import service_report_pdf

    doc: OrderDocument = document_context(session, report.order_id, public_url, secret_key)
    info = report_info(session, report, files_dir)
    if cache is None:
        body = service_report_pdf(doc, info)
    else:
        body = cache.pdf(service_report_pdf, doc, info, extra=logo_digests(session, files_dir))
    suffix = f"-r{report.revision}" if report.revision > 1 else ""
    draft = "-draft" if report.status == ReportStatus.DRAFT.value else ""
    return body, "application/pdf", f"{doc.order.reference}-service-report{suffix}{draft}.pdf"
