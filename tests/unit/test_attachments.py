import io

import pytest
from PIL import Image

from repair_portal.services import attachments, audit

from .. import factories


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, format="JPEG")
    return out.getvalue()


def test_photos_and_pdfs_are_stored_privately_and_other_files_refused(session, tmp_path):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    photo = attachments.add_attachment(
        session, tmp_path, new.order, "IMG_0001.HEIC.jpg", _jpeg(), visible=True, actor=audit.SYSTEM
    )
    pdf = attachments.add_attachment(
        session, tmp_path, new.order, "report.pdf", factories.tiny_pdf(), visible=False, actor=audit.SYSTEM
    )
    assert (photo.kind, photo.content_type, photo.visible_to_customer) == ("photo", "image/jpeg", True)
    assert (pdf.kind, pdf.content_type, pdf.visible_to_customer) == ("document", "application/pdf", False)
    assert (tmp_path / photo.storage_name).exists() and (tmp_path / pdf.storage_name).exists()
    assert "IMG" not in photo.storage_name and "report" not in pdf.storage_name  # server-chosen names
    for name, data in (
        ("evil.exe", b"MZ\x90\x00"),
        ("fake.jpg", b"<html>not an image</html>"),
        ("fake.pdf", b"%PDF-1.7\n<script>alert(1)</script>\n%%EOF\n"),  # the signature alone is not a PDF
    ):
        with pytest.raises(attachments.AttachmentError):
            attachments.add_attachment(session, tmp_path, new.order, name, data, visible=True, actor=audit.SYSTEM)
    with pytest.raises(attachments.AttachmentError, match="larger than"):
        attachments.add_attachment(
            session,
            tmp_path,
            new.order,
            "big.pdf",
            b"%PDF-" + b"0" * attachments.MAX_FILE_BYTES,
            visible=True,
            actor=audit.SYSTEM,
        )
    attachments.set_visibility(session, new.order.id, pdf.id, True, audit.SYSTEM)
    assert [r.visible for r in attachments.list_for_order(session, new.order.id)] == [True, True]
    other = factories.order(session, location)
    with pytest.raises(attachments.AttachmentError):  # a forged id from another order
        attachments.set_visibility(session, other.order.id, pdf.id, False, audit.SYSTEM)


def test_pdf_checks_go_beyond_the_signature():
    assert attachments.is_real_pdf(factories.tiny_pdf())
    for data in (b"%PDF-1.7\n%%EOF\n", b"%PDF-" + b"\x00" * 500, factories.tiny_pdf()[:200], b"not a pdf"):
        assert not attachments.is_real_pdf(data)


def test_a_refused_file_leaves_nothing_on_disk(session, tmp_path, monkeypatch):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    monkeypatch.setattr(attachments, "MAX_ORDER_BYTES", 10)  # the order is "full"
    files = tmp_path / "files"
    with pytest.raises(attachments.AttachmentError, match="maximum"):
        attachments.add_attachment(session, files, new.order, "a.jpg", _jpeg(), visible=True, actor=audit.SYSTEM)
    assert list(files.iterdir()) == []
