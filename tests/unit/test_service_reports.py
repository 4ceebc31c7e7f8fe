import io
import threading

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, ReportStatus, Role, ServiceReport
from repair_portal.services import attachments, audit, service_report_document, service_reports
from repair_portal.services.service_reports import ReportForm

from .. import factories
from ..conftest import TEST_SECRET_KEY


def _jpeg(colour="orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def shop(session, tmp_path):
    _, location = factories.shop(session)
    tech = factories.staff(session, email="tech@example.com", role=Role.TECHNICIAN)
    owner = factories.staff(session, email="owner@example.com", role=Role.OWNER, name="Olive Owner")
    new = factories.order(session, location)
    other = factories.order(session, location, last_name="Other")
    shown = attachments.add_attachment(
        session, tmp_path, new.order, "front.jpg", _jpeg(), visible=True, actor=audit.SYSTEM
    )
    hidden = attachments.add_attachment(
        session, tmp_path, new.order, "internal.jpg", _jpeg("red"), visible=False, actor=audit.SYSTEM
    )
    elsewhere = attachments.add_attachment(
        session, tmp_path, other.order, "x.jpg", _jpeg("blue"), visible=True, actor=audit.SYSTEM
    )
    session.commit()
    return {
        "order_id": new.order.id,
        "other_order_id": other.order.id,
        "tech": audit.Actor("staff", tech.id, tech.email),
        "owner": audit.Actor("staff", owner.id, owner.email),
        "tech_id": tech.id,
        "shown": shown.id,
        "hidden": hidden.id,
        "elsewhere": elsewhere.id,
        "files": tmp_path,
    }


def _save(write, shop, report_id, original, mine, actor=None):
    with write() as s:
        report, changed = service_reports.save_draft(
            s, shop["order_id"], report_id, original, mine, actor or shop["tech"]
        )
        return report.id, report.version, changed


def test_a_draft_is_saved_then_approved_and_only_then_listed_for_the_customer(write, read, shop):
    mine = ReportForm(findings="Cracked screen", work_done="Replaced screen", parts_used="Screen\n  \nAdhesive ")
    report_id, version, changed = _save(write, shop, None, ReportForm(), mine)
    assert "findings" in changed and version == 1
    with read() as s:
        assert service_reports.approved_for_order(s, shop["order_id"], lambda i: f"/r/{i}") == []
        assert s.get(ServiceReport, report_id).parts_used == "Screen\nAdhesive"
    with write() as s:
        report = service_reports.approve(s, shop["order_id"], report_id, version, shop["owner"])
        assert report.status == ReportStatus.APPROVED.value and report.approved_by_id is not None
    with read() as s:
        views = service_reports.approved_for_order(s, shop["order_id"], lambda i: f"/r/{i}")
        assert [(v.id, v.title, v.pdf_url) for v in views] == [(report_id, "Service report", f"/r/{report_id}")]
        assert service_reports.shown_to_customer(s, shop["other_order_id"], report_id) is None


def test_an_approved_report_is_frozen_and_a_revision_supersedes_it_only_when_approved(write, read, shop):
    report_id, version, _ = _save(write, shop, None, ReportForm(), ReportForm(findings="First"))
    with write() as s:
        service_reports.approve(s, shop["order_id"], report_id, version, shop["owner"])
    with write() as s, pytest.raises(service_reports.ReportFrozen):
        service_reports.save_draft(
            s, shop["order_id"], report_id, ReportForm(findings="First"), ReportForm(findings="Edited"), shop["tech"]
        )
    with write() as s:
        draft = service_reports.start_revision(s, shop["order_id"], shop["tech"])
        draft_id, draft_version = draft.id, draft.version
        assert (draft.revision, draft.findings) == (2, "First")
    with write() as s, pytest.raises(service_reports.ReportError):
        service_reports.start_revision(s, shop["order_id"], shop["tech"])  # one draft at a time
    _, draft_version, _ = _save(write, shop, draft_id, ReportForm(findings="First"), ReportForm(findings="Second"))
    with read() as s:  # the customer still sees the first revision while the second is a draft
        assert [v.id for v in service_reports.approved_for_order(s, shop["order_id"], str)] == [report_id]
    with write() as s:
        service_reports.approve(s, shop["order_id"], draft_id, draft_version, shop["owner"])
    with read() as s:
        assert [v.title for v in service_reports.approved_for_order(s, shop["order_id"], str)] == [
            "Service report (revision 2)"
        ]
        assert s.get(ServiceReport, report_id).status == ReportStatus.SUPERSEDED.value
        assert s.get(ServiceReport, report_id).findings == "First"  # kept as it was approved


def test_two_editors_merge_different_fields_and_conflict_on_the_same_one(write, read, shop):
    base = ReportForm(findings="Start")
    report_id, _, _ = _save(write, shop, None, ReportForm(), base)
    _save(write, shop, report_id, base, ReportForm(findings="Start", work_done="Mine"))
    _, _, changed = _save(write, shop, report_id, base, ReportForm(findings="Start", tests_performed="Theirs"))
    assert changed == ["tests_performed"]
    with read() as s:
        report = s.get(ServiceReport, report_id)
        assert (report.work_done, report.tests_performed) == ("Mine", "Theirs")
    with pytest.raises(service_reports.ReportConflict) as caught:
        _save(write, shop, report_id, base, ReportForm(findings="Start", work_done="Clash"))
    assert caught.value.changed == ["work_done"] and "Tess Tech" in str(caught.value)
    with read() as s:
        assert s.get(ServiceReport, report_id).work_done == "Mine"


def test_photos_must_be_this_orders_customer_visible_ones(write, read, shop):
    for bad in (shop["hidden"], shop["elsewhere"], 999999):
        with pytest.raises(service_reports.ReportInvalid) as caught:
            _save(write, shop, None, ReportForm(), ReportForm(findings="x", photo_ids=str(bad)))
        assert "photo_ids" in caught.value.errors
    report_id, _, _ = _save(write, shop, None, ReportForm(), ReportForm(findings="x", photo_ids=f" {shop['shown']},²"))
    with read() as s:
        report = s.get(ServiceReport, report_id)
        assert [a.id for a in service_reports.photos_of(s, report)] == [shop["shown"]]
    with write() as s:  # hidden later: no longer printed
        attachments.set_visibility(s, shop["order_id"], shop["shown"], False, audit.SYSTEM)
    with read() as s:
        assert service_reports.photos_of(s, s.get(ServiceReport, report_id)) == []


def test_approval_needs_the_version_shown_and_happens_once(write, read, shop, engine):
    report_id, version, _ = _save(write, shop, None, ReportForm(), ReportForm(findings="x"))
    with write() as s, pytest.raises(service_reports.ReportConflict):
        service_reports.approve(s, shop["order_id"], report_id, version - 1, shop["owner"])
    outcomes = []

    def click():
        try:
            with write_session(engine) as s:
                service_reports.approve(s, shop["order_id"], report_id, version, shop["owner"])
            outcomes.append("ok")
        except service_reports.ReportError:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    with read() as s:
        approvals = s.exec(select(AuditEvent).where(AuditEvent.action == "service_report.approved")).all()
        assert len(approvals) == 1


def test_an_empty_report_cannot_be_approved(write, shop):
    report_id, version, _ = _save(write, shop, None, ReportForm(), ReportForm(tests_performed="Only tests"))
    with write() as s, pytest.raises(service_reports.ReportInvalid):
        service_reports.approve(s, shop["order_id"], report_id, version, shop["owner"])


def test_the_pdf_carries_the_shop_the_report_and_its_photos(write, read, shop):
    mine = ReportForm(
        findings="Battery swollen",
        work_done="Battery replaced",
        tests_performed="Charge cycle OK",
        parts_used="Battery 3000 mAh",
        technician_id=str(shop["tech_id"]),
        photo_ids=str(shop["shown"]),
    )
    report_id, version, _ = _save(write, shop, None, ReportForm(), mine)
    with read() as s:
        draft_pdf, _, draft_name = service_report_document.render(
            s, s.get(ServiceReport, report_id), shop["files"], "http://shop.test", TEST_SECRET_KEY
        )
    assert draft_name.endswith("-service-report-draft.pdf")
    assert "DRAFT" in PdfReader(io.BytesIO(draft_pdf)).pages[0].extract_text()
    with write() as s:
        service_reports.approve(s, shop["order_id"], report_id, version, shop["owner"])
    with read() as s:
        body, media, name = service_report_document.render(
            s, s.get(ServiceReport, report_id), shop["files"], "http://shop.test", TEST_SECRET_KEY
        )
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert media == "application/pdf" and name.endswith("-service-report.pdf")
    for expected in ("Test Repairs", "Service report", "Battery swollen", "Battery replaced", "Charge cycle OK"):
        assert expected in text
    assert "Battery 3000 mAh" in text and "Tess Tech" in text and "Olive Owner" in text and "DRAFT" not in text
    assert any(page.images for page in reader.pages)


def test_a_photo_gone_from_disk_is_left_out_of_the_pdf_not_a_failed_download(write, read, shop):
    from repair_portal.models import Attachment

    report_id, _, _ = _save(write, shop, None, ReportForm(), ReportForm(findings="x", photo_ids=str(shop["shown"])))
    with read() as s:
        (shop["files"] / s.get(Attachment, shop["shown"]).storage_name).unlink()
        info = service_report_document.report_info(s, s.get(ServiceReport, report_id), shop["files"])
        body, _, _ = service_report_document.render(
            s, s.get(ServiceReport, report_id), shop["files"], "http://shop.test", TEST_SECRET_KEY
        )
    assert info.photos == () and body.startswith(b"%PDF-")
