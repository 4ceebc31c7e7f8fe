"""The order's service report card: write and save the draft (optimistic locking), approve, start a revision."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import live
from ..actions import service_reports as report_actions
from ..db import session_scope, write_session
from ..models import ReportStatus
from ..services import service_reports, timefmt
from ..services.ids import parse_id
from ..services.permissions import Action, can
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
from .staff_order import StaffOrderState

NO_TECHNICIAN = "none"
TEXT_FIELDS = ("findings", "work_done", "tests_performed", "parts_used")


@dataclasses.dataclass
class ReportPhotoOption:
    id: int
    title: str
    chosen: bool


@dataclasses.dataclass
class ReportShown:
    """The saved report as the card shows it (drafts included: staff only)."""

    findings: str = ""
    work_done: str = ""
    tests_performed: str = ""
    parts_used: str = ""
    technician: str = ""
    approved: str = ""  # "Approved 2 Dec 2026 by Olive Owner"
    photos: str = ""  # the chosen photos' titles


class StaffOrderReportState(StaffOrderState):
    report_id: int = 0
    report_status: str = ""  # "" (none yet), draft, approved
    report_revision: int = 0
    report_version: int = 0
    report_shown: ReportShown = ReportShown()
    report_live_approved: bool = False  # an approved revision is on the customer's pages meanwhile
    report_editing: bool = False
    report_form_key: int = 0
    report_values: dict[str, str] = {}
    report_photos: list[ReportPhotoOption] = []
    report_errors: dict[str, str] = {}
    report_conflict: str = ""
    can_write_reports: bool = False
    can_approve_reports: bool = False
    _report_original: dict[str, str] = {}

    def _report_order_id(self) -> int:
        return self.current_order_id or self._order_id_from_url()

    def _read_report(self) -> None:
        order_id = self._report_order_id()
        with session_scope() as session:
            report = service_reports.current(session, order_id) if order_id else None
            if report is None:
                self.report_id, self.report_status, self.report_revision, self.report_version = 0, "", 0, 0
                self.report_shown, self.report_live_approved = ReportShown(), False
                return
            photos = service_reports.photos_of(session, report)
            approved_by = service_reports.approver_name(session, report)
            when = timefmt.date(report.approved_at, timefmt.shop_timezone(session))
            self.report_live_approved = bool(
                report.status == ReportStatus.DRAFT.value and service_reports.approved_for_order(session, order_id, str)
            )
            self.report_shown = ReportShown(
                findings=report.findings,
                work_done=report.work_done,
                tests_performed=report.tests_performed,
                parts_used=report.parts_used,
                technician=service_reports.technician_name(session, report),
                approved=f"Approved {when}" + (f" by {approved_by}" if approved_by else "") if when else "",
                photos=", ".join(p.title for p in photos),
            )
            self.report_id, self.report_status = report.id, report.status
            self.report_revision, self.report_version = report.revision, report.version

    def _fill_editor(self, form: service_reports.ReportForm) -> None:
        order_id = self._report_order_id()
        chosen = set(service_reports.photo_ids_of(form.photo_ids))
        with session_scope() as session:
            self.report_photos = [
                ReportPhotoOption(a.id, a.title, a.id in chosen)
                for a in service_reports.shareable_photos(session, order_id)
            ]
        self._report_original = dataclasses.asdict(form)
        self.report_values = {**self._report_original, "technician_id": form.technician_id or NO_TECHNICIAN}
        self.report_form_key += 1

    @rx.event
    @staff_action(Action.VIEW_ORDERS)
    def load_report(self):
        """The card mounts, or the order's live channel moved: re-read the saved report (an open editor
        keeps what is being typed)."""
        role = self._me().role
        self.can_write_reports = can(role, Action.WRITE_REPORTS)
        self.can_approve_reports = can(role, Action.APPROVE_REPORTS)
        self._read_report()

    @rx.event
    @staff_action(Action.WRITE_REPORTS)
    def open_report_editor(self):
        self._read_report()
        order_id = self._report_order_id()
        if self.report_status == ReportStatus.APPROVED.value:
            return rx.toast.info("This report is approved. Start a new revision to change it.")
        with session_scope() as session:
            report = service_reports.current(session, order_id) if order_id else None
            if report is None and not order_id:
                return rx.toast.error("That order no longer exists.")
            form = (
                service_reports.form_for(report)
                if report is not None
                else service_reports.new_form(session, order_id, self._me().user_id)
            )
        self._fill_editor(form)
        self.report_errors, self.report_conflict = {}, ""
        self.report_editing = True
        return None

    @rx.event
    @form_only
    def cancel_report_editor(self):
        self.report_editing = False
        self.report_errors, self.report_conflict = {}, ""

    def _form_from(self, form_data: dict) -> service_reports.ReportForm:
        raw = {k: str(form_data.get(k, self._report_original.get(k, "")))[:9000] for k in TEXT_FIELDS}
        technician = str(form_data.get("technician_id", NO_TECHNICIAN))[:20]
        chosen = [
            parse_id(str(key).removeprefix("photo_"))
            for key, value in form_data.items()
            if str(key).startswith("photo_") and value not in (None, "", False, "off")
        ]
        return service_reports.ReportForm(
            **raw,
            technician_id="" if technician == NO_TECHNICIAN else technician,
            photo_ids=",".join(str(i) for i in chosen[: service_reports.MAX_PHOTOS * 4] if i),
        )

    @rx.event
    @staff_action(Action.WRITE_REPORTS)
    async def handle_save_report(self, form_data: dict):
        identity = self._me()
        if not self.report_editing or not self._report_original:
            return rx.toast.error("Open the report again: nothing was saved.")
        order_id = self._report_order_id()
        mine = self._form_from(form_data if isinstance(form_data, dict) else {})
        original = service_reports.ReportForm(**self._report_original)
        try:
            with write_session() as session:
                _, changed = service_reports.save_draft(
                    session, order_id, self.report_id or None, original, mine, self._actor(identity)
                )
        except service_reports.ReportInvalid as exc:
            self.report_errors = exc.errors
            self._keep_typed(mine)
            return rx.toast.error(str(exc))
        except service_reports.ReportConflict as exc:
            self._read_report()
            with session_scope() as session:
                latest = service_reports.current(session, order_id)
                theirs = service_reports.form_for(latest) if latest else original
            self.report_conflict = str(exc)
            # The editor now shows their saved text with this editor's own edits on top; saving again is deliberate.
            mine_fields = [f for f in self._report_original if getattr(mine, f) != getattr(original, f)]
            self._fill_editor(theirs)
            self._keep_typed(dataclasses.replace(theirs, **{f: getattr(mine, f) for f in mine_fields}))
            self._report_original = dataclasses.asdict(theirs)
            return rx.toast.warning(exc.toast)
        except (service_reports.ReportError, LookupError) as exc:
            self.report_editing = False
            self._read_report()
            return rx.toast.error(str(exc))
        self.report_editing = False
        self.report_errors, self.report_conflict = {}, ""
        self._read_report()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        await live.publish(order_id, report_actions.PART)
        return rx.toast.success("Report saved as a draft. The customer sees it once it is approved.")

    def _keep_typed(self, form: service_reports.ReportForm) -> None:
        """The editor keeps what the user typed (a refused save loses nothing)."""
        chosen = set(service_reports.photo_ids_of(form.photo_ids))
        self.report_values = {**dataclasses.asdict(form), "technician_id": form.technician_id or NO_TECHNICIAN}
        self.report_photos = [ReportPhotoOption(p.id, p.title, p.id in chosen) for p in self.report_photos]
        self.report_form_key += 1

    @rx.event
    @staff_action(Action.APPROVE_REPORTS)
    async def handle_approve_report(self):
        actor, order_id = self._actor(self._me()), self._report_order_id()
        report_id, version = self.report_id or None, self.report_version
        outcome = await rx.run_in_thread(lambda: report_actions.approve_report(order_id, report_id, version, actor))
        self._read_report()
        await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.WRITE_REPORTS)
    async def handle_new_revision(self):
        actor, order_id = self._actor(self._me()), self._report_order_id()
        outcome = await rx.run_in_thread(lambda: report_actions.start_revision(order_id, actor))
        self._read_report()
        await publish(outcome)
        return toast_for(outcome)
