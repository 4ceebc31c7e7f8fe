"""An order's service report: staff write a draft, an owner or manager approves it, and only approved
revisions reach the customer (the account portal, /track and the PDF).

Approved means frozen. The words a customer read, and perhaps printed, never change under them: to
correct or extend an approved report staff start a new revision (a draft copied from it), and approving
that revision supersedes the old one (kept for the record, no longer shown). "Reopening" an approved report
was rejected because it would silently rewrite a document the customer already holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..models import Attachment, AttachmentKind, AuditEvent, Order, ReportStatus, ServiceReport, StaffUser
from . import audit, clock, edits, locking, timefmt
from .ids import parse_id

LABELS = {
    "findings": "findings",
    "work_done": "work done",
    "tests_performed": "tests performed",
    "parts_used": "parts used",
    "technician_id": "technician",
    "photo_ids": "photos",
}
LIMITS = {"findings": 8000, "work_done": 8000, "tests_performed": 4000, "parts_used": 4000}
MAX_PHOTOS = 6


@dataclass(frozen=True)
class ReportForm:
    """The editor's fields as the form holds them: strings ('' = empty / no technician)."""

    findings: str = ""
    work_done: str = ""
    tests_performed: str = ""
    parts_used: str = ""
    technician_id: str = ""
    photo_ids: str = ""  # attachment ids, comma-separated, ascending


class ReportError(ValueError):
    """A message safe to show to staff."""


class ReportInvalid(ReportError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class ReportConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("this service report", changed, by, LABELS)


class ReportFrozen(ReportError):
    """The report was approved: it can't be edited any more (start a new revision)."""


def photo_ids_of(text: str) -> list[int]:
    ids = {parse_id(part) for part in str(text or "").split(",")}
    return sorted(i for i in ids if i is not None)


def _ids_text(ids) -> str:
    return ",".join(str(i) for i in sorted(set(ids)))


def form_for(report: ServiceReport) -> ReportForm:
    return ReportForm(
        findings=report.findings,
        work_done=report.work_done,
        tests_performed=report.tests_performed,
        parts_used=report.parts_used,
        technician_id=str(report.technician_id or ""),
        photo_ids=_ids_text(_stored_ids(report)),
    )


def _stored_ids(report: ServiceReport) -> list[int]:
    try:
        raw = json.loads(report.photo_ids_json or "[]")
    except ValueError:
        return []
    return [i for i in raw if isinstance(i, int) and not isinstance(i, bool)] if isinstance(raw, list) else []


def _normalised(form: ReportForm) -> ReportForm:
    """Trimmed text and canonical ids, so whitespace or order alone never looks like a change."""
    return ReportForm(
        findings=str(form.findings).strip(),
        work_done=str(form.work_done).strip(),
        tests_performed=str(form.tests_performed).strip(),
        parts_used="\n".join(line.strip() for line in str(form.parts_used).strip().splitlines() if line.strip()),
        technician_id=str(parse_id(form.technician_id) or ""),
        photo_ids=_ids_text(photo_ids_of(form.photo_ids)),
    )


def shareable_photos(session: Session, order_id: int) -> list[Attachment]:
    """The order's photos the customer may already see: the only ones a report may show."""
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.order_id == order_id)
            .where(Attachment.kind == AttachmentKind.PHOTO.value)
            .where(Attachment.visible_to_customer)
            .order_by(Attachment.created_at, Attachment.id)
        )
    )


def validate(session: Session, order_id: int, form: ReportForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            errors[name] = f"Keep it under {limit} characters."
    if form.technician_id:
        user = session.get(StaffUser, int(form.technician_id))
        if user is None or not user.active:
            errors["technician_id"] = "Choose an active staff member."
    chosen = photo_ids_of(form.photo_ids)
    allowed = {a.id for a in shareable_photos(session, order_id)}
    if any(i not in allowed for i in chosen):
        errors["photo_ids"] = "Choose photos of this order that the customer can see."
    elif len(chosen) > MAX_PHOTOS:
        errors["photo_ids"] = f"Choose at most {MAX_PHOTOS} photos."
    return errors


def current(session: Session, order_id: int) -> ServiceReport | None:
    """The order's latest revision (a draft being written, or the approved report)."""
    return session.exec(
        select(ServiceReport)
        .where(ServiceReport.order_id == order_id)
        .where(ServiceReport.status != ReportStatus.SUPERSEDED.value)
        .order_by(ServiceReport.revision.desc())
    ).first()


def new_form(session: Session, order_id: int, staff_id: int | None) -> ReportForm:
    """A blank report: the order's technician (else whoever starts writing) as the technician."""
    order = session.get(Order, order_id)
    technician = (order.assigned_to_id if order else None) or staff_id
    return ReportForm(technician_id=str(technician or ""))


def _last_editor(session: Session, order_id: int) -> str:
    """Who last saved the order's report (an order has one open draft at a time)."""
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order_id)
        .where(AuditEvent.action.in_(("service_report.saved", "service_report.approved")))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).first()
    return edits.editor_name(session, event)


def _apply(report: ServiceReport, name: str, value: str) -> None:
    if name == "technician_id":
        report.technician_id = int(value) if value else None
    elif name == "photo_ids":
        report.photo_ids_json = json.dumps(photo_ids_of(value))
    else:
        setattr(report, name, value)


def _next_revision(session: Session, order_id: int) -> int:
    top = session.exec(select(func.max(ServiceReport.revision)).where(ServiceReport.order_id == order_id)).one()
    return (top or 0) + 1


def save_draft(
    session: Session,
    order_id: int,
    report_id: int | None,
    original: ReportForm,
    mine: ReportForm,
    actor: audit.Actor,
) -> tuple[ServiceReport, list[str]]:
    """Save the editor's changes to the order's draft (a first save creates it). Returns the report and
    the fields written. A three-way merge like every editor: fields only one side changed merge, a field
    both changed differently refuses the whole save (ReportConflict, nothing written). ReportFrozen once
    approved; ReportInvalid with field messages. Run it in a write transaction (db.write_session): the
    order's row is locked first, so saves of its report (and a first draft started twice) go one at a time."""
    if locking.row(session, Order, order_id) is None:
        raise LookupError("That order no longer exists.")
    original, mine = _normalised(original), _normalised(mine)
    latest = current(session, order_id)
    if report_id is None and latest is not None and latest.status == ReportStatus.DRAFT.value:
        report_id = latest.id  # someone started the draft since this editor opened: merge into theirs
    if report_id is not None:
        report = locking.row(session, ServiceReport, report_id)
        if report is None or report.order_id != order_id:
            raise ReportError("That report isn't on this order.")
        if report.status != ReportStatus.DRAFT.value:
            raise ReportFrozen("This report has been approved and can't be changed. Start a new revision.")
        theirs = _normalised(form_for(report))
    else:
        report, theirs = None, ReportForm()
    names = [f.name for f in fields(ReportForm)]
    mine_changed = [n for n in names if getattr(mine, n) != getattr(original, n)]
    conflicts = [
        n for n in mine_changed if getattr(theirs, n) != getattr(original, n) and getattr(theirs, n) != getattr(mine, n)
    ]
    if conflicts:
        raise ReportConflict(conflicts, _last_editor(session, order_id) if report else "")
    to_apply = [n for n in mine_changed if getattr(theirs, n) != getattr(mine, n)]
    if report is None and not to_apply:
        raise ReportInvalid({"findings": "Write something before saving."})
    errors = {k: v for k, v in validate(session, order_id, mine).items() if k in to_apply}
    if errors:
        raise ReportInvalid(errors)
    now = clock.now()
    if report is None:
        if latest is not None:  # an approved report: changes go into a new revision, never into it
            raise ReportFrozen("This order's report has been approved meanwhile. Start a new revision to change it.")
        report = ServiceReport(
            order_id=order_id, revision=_next_revision(session, order_id), created_by_id=_staff_id(actor)
        )
        report.created_at = now
    elif not to_apply:
        return report, []
    for name in to_apply:
        _apply(report, name, getattr(mine, name))
    report.updated_at = now
    report.version = (report.version or 0) + (1 if report.id else 0)
    session.add(report)
    session.flush()
    audit.record(session, actor, "service_report.saved", order_id=order_id, report_id=report.id, fields=to_apply)
    return report, to_apply


def _staff_id(actor: audit.Actor) -> int | None:
    return actor.id if actor.kind == "staff" else None


def approve(session: Session, order_id: int, report_id: int | None, version: int, actor: audit.Actor) -> ServiceReport:
    """Approve the draft as the page showed it (`version`): from now on the customer sees it, and the
    revision it replaces is superseded. One conditional UPDATE, so two approvals at once give one outcome."""
    report = session.get(ServiceReport, report_id) if report_id else None
    if report is None or report.order_id != order_id:
        raise ReportError("That report isn't on this order.")
    if report.status != ReportStatus.DRAFT.value:
        raise ReportFrozen("This report is already approved.")
    if report.version != version:
        raise ReportConflict([], _last_editor(session, order_id))
    if not (report.findings.strip() or report.work_done.strip()):
        raise ReportInvalid({"findings": "Write the findings or the work done before approving."})
    now = clock.now()
    done = session.execute(
        update(ServiceReport)
        .where(ServiceReport.id == report.id)
        .where(ServiceReport.status == ReportStatus.DRAFT.value)
        .where(ServiceReport.version == version)
        .values(
            status=ReportStatus.APPROVED.value,
            approved_by_id=_staff_id(actor),
            approved_at=now,
            updated_at=now,
            version=version + 1,
        )
    )
    if not done.rowcount:
        raise ReportFrozen("This report was approved or changed a moment ago.")
    session.execute(
        update(ServiceReport)
        .where(ServiceReport.order_id == order_id)
        .where(ServiceReport.status == ReportStatus.APPROVED.value)
        .where(ServiceReport.id != report.id)
        .values(status=ReportStatus.SUPERSEDED.value, updated_at=now)
    )
    session.refresh(report)
    audit.record(session, actor, "service_report.approved", order_id=order_id, report_id=report.id)
    return report


def start_revision(session: Session, order_id: int, actor: audit.Actor) -> ServiceReport:
    """A new draft copied from the approved report; the approved one stays on the portal until the
    revision is approved."""
    locking.row(session, Order, order_id)  # one new draft, however many press the button at once
    latest = current(session, order_id)
    if latest is None:
        raise ReportError("There is no report yet: write one first.")
    if latest.status == ReportStatus.DRAFT.value:
        raise ReportError("A draft of this report is already open.")
    now = clock.now()
    draft = ServiceReport(
        order_id=order_id,
        revision=_next_revision(session, order_id),
        findings=latest.findings,
        work_done=latest.work_done,
        tests_performed=latest.tests_performed,
        parts_used=latest.parts_used,
        technician_id=latest.technician_id,
        photo_ids_json=latest.photo_ids_json,
        created_by_id=_staff_id(actor),
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    audit.record(session, actor, "service_report.revision_started", order_id=order_id, report_id=draft.id)
    return draft


# --- what staff and customers are shown --------------------------------------------------------------


@dataclass(frozen=True)
class ServiceReportView:
    """One approved report as the customer's pages list it."""

    id: int
    title: str
    approved: str  # the date, in the shop's time zone
    technician: str
    pdf_url: str


def title_of(report: ServiceReport) -> str:
    return "Service report" + (f" (revision {report.revision})" if report.revision > 1 else "")


def _name(session: Session, staff_id: int | None) -> str:
    user = session.get(StaffUser, staff_id) if staff_id else None
    return user.name if user else ""


def approved_for_order(session: Session, order_id: int, pdf_url: Callable[[int], str]) -> list[ServiceReportView]:
    """The order's approved report (what the customer may see), newest first; `pdf_url(report_id)` is
    where this page serves the PDF (/track's link, or the account portal's route)."""
    tz = timefmt.shop_timezone(session)
    rows = session.exec(
        select(ServiceReport)
        .where(ServiceReport.order_id == order_id)
        .where(ServiceReport.status == ReportStatus.APPROVED.value)
        .order_by(ServiceReport.revision.desc())
    )
    return [
        ServiceReportView(
            r.id, title_of(r), timefmt.date(r.approved_at, tz), _name(session, r.technician_id), pdf_url(r.id)
        )
        for r in rows
    ]


def shown_to_customer(session: Session, order_id: int, report_id: int | None) -> ServiceReport | None:
    """The report if it is this order's approved one (a draft, a superseded revision or another order's: None)."""
    report = session.get(ServiceReport, report_id) if report_id else None
    if report is None or report.order_id != order_id or report.status != ReportStatus.APPROVED.value:
        return None
    return report


def photos_of(session: Session, report: ServiceReport) -> list[Attachment]:
    """The report's photos that are still this order's customer-visible photos (re-checked at every render)."""
    allowed = {a.id: a for a in shareable_photos(session, report.order_id)}
    return [allowed[i] for i in _stored_ids(report) if i in allowed][:MAX_PHOTOS]


def approver_name(session: Session, report: ServiceReport) -> str:
    return _name(session, report.approved_by_id)


def technician_name(session: Session, report: ServiceReport) -> str:
    return _name(session, report.technician_id)


def shown_online(session: Session) -> bool:
    """Customers see reports where the shop shares documents online (the portal's "documents" switch)."""
    from ..models import ShopSettings

    return ShopSettings.current(session).show_documents


def for_customer(session: Session, order_id: int, pdf_url: Callable[[int], str]) -> list[ServiceReportView]:
    """What a customer's page lists for the order (/track and the account portal): its approved report,
    or nothing while the shop doesn't share documents online. The caller has authorised the order."""
    return approved_for_order(session, order_id, pdf_url) if shown_online(session) else []
