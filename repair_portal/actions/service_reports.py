"""What staff do with an order's service report (the draft's save is the editor's own: state/staff_order_report.py)."""

from __future__ import annotations

from ..db import write_session
from ..models import Order
from ..services import audit, service_reports
from . import GONE, Outcome, done, refused

PART = "report"  # the part of the order's live pages that changed


def approve_report(order_id: int, report_id: int | None, version: int, actor: audit.Actor) -> Outcome:
    """Approve the draft as the page showed it; the customer's pages list it from now on."""
    try:
        with write_session() as session:
            if session.get(Order, order_id) is None:
                return refused(GONE)
            report = service_reports.approve(session, order_id, report_id, version, actor)
            title = service_reports.title_of(report)
    except service_reports.ReportConflict:
        return refused(
            "Someone changed the report since you opened it. Check the saved text and approve again.",
            level="warning",
            stale=True,
        )
    except service_reports.ReportInvalid as exc:
        return Outcome(False, "Write the findings or the work done before approving.", "error", errors=exc.errors)
    except service_reports.ReportError as exc:
        return refused(str(exc), level="warning", stale=True)
    return done(f"{title} approved: the customer can see it now.", changed=PART, order_id=order_id)


def start_revision(order_id: int, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            if session.get(Order, order_id) is None:
                return refused(GONE)
            draft = service_reports.start_revision(session, order_id, actor)
            revision = draft.revision
    except service_reports.ReportError as exc:
        return refused(str(exc), level="warning", stale=True)
    return done(
        f"Revision {revision} started. The customer keeps seeing the approved report until you approve this one.",
        changed=PART,
        order_id=order_id,
    )
