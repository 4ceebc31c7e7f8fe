import io

import pytest
from PIL import Image

from repair_portal.models import Customer, ResourceFile, ResourceShare
from repair_portal.services import audit, resources
from repair_portal.services.resources import ResourceError

from .. import factories


def _png_with_exif() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (200, 100), "green")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    image.save(out, format="PNG", exif=exif)
    return out.getvalue()


@pytest.fixture
def accounts(session):
    factories.shop(session)
    north = Customer(last_name="Whitfield", company="Northwind", kind="business")
    south = Customer(last_name="South", company="Southwind", kind="business")
    walk_in = Customer(last_name="Walker")
    session.add_all([north, south, walk_in])
    session.commit()
    return north.id, south.id, walk_in.id


def test_folders_have_unique_names_and_only_empty_ones_go(session, tmp_path, accounts):
    folder = resources.add_folder(session, "  Certificates ", audit.SYSTEM)
    assert folder.name == "Certificates"
    with pytest.raises(ResourceError, match="already"):
        resources.add_folder(session, "certificates", audit.SYSTEM)
    with pytest.raises(ResourceError):
        resources.add_folder(session, " ", audit.SYSTEM)
    manuals = resources.add_folder(session, "Manuals", audit.SYSTEM)
    assert manuals.position > folder.position
    resources.rename_folder(session, manuals.id, "User manuals", audit.SYSTEM)
    item = resources.prepare(tmp_path, "cert.pdf", factories.tiny_pdf("Certificate"))
    resources.add_file(session, folder.id, item, shared_with_all=True, actor=audit.SYSTEM)
    with pytest.raises(ResourceError, match="still holds"):
        resources.delete_folder(session, folder.id, audit.SYSTEM)
    resources.delete_folder(session, manuals.id, audit.SYSTEM)
    assert [f.name for f in resources.staff_folders(session)] == ["Certificates"]


def test_files_are_checked_by_content_and_stored_under_server_names(tmp_path):
    pdf = resources.prepare(tmp_path, "Manual v2.pdf", factories.tiny_pdf())
    assert (pdf.content_type, pdf.title) == ("application/pdf", "Manual v2")
    assert (tmp_path / pdf.storage_name).is_file() and "Manual" not in pdf.storage_name
    image = resources.prepare(tmp_path, "diagram.png", _png_with_exif())
    stored = (tmp_path / image.storage_name).read_bytes()
    assert image.content_type == "image/jpeg" and b"SpyCam" not in stored  # re-encoded, metadata gone
    for name, data in (
        ("evil.exe", b"MZ\x90\x00" * 10),
        ("fake.pdf", b"%PDF-1.7\n<script>alert(1)</script>\n%%EOF\n"),
        ("sheet.docx", b"PK\x03\x04" + b"\x00" * 100),  # office files are refused
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ):
        with pytest.raises(ResourceError):
            resources.prepare(tmp_path, name, data)
    with pytest.raises(ResourceError, match="larger than"):
        resources.prepare(tmp_path, "big.pdf", b"%PDF-" + b"0" * resources.MAX_FILE_BYTES)


def test_an_account_sees_files_shared_with_all_or_with_it_and_nothing_else(session, tmp_path, accounts):
    north, south, walk_in = accounts
    certs = resources.add_folder(session, "Certificates", audit.SYSTEM)
    manuals = resources.add_folder(session, "Manuals", audit.SYSTEM)
    resources.add_folder(session, "Empty", audit.SYSTEM)

    def upload(folder, name, everyone):
        item = resources.prepare(tmp_path, name, factories.tiny_pdf(name))
        return resources.add_file(session, folder.id, item, shared_with_all=everyone, actor=audit.SYSTEM)

    upload(manuals, "Manual.pdf", True)
    north_cert = upload(certs, "Northwind PAT.pdf", False)
    unshared = upload(certs, "Draft.pdf", False)
    resources.set_sharing(session, north_cert.id, False, [north, walk_in, 999999, True], audit.SYSTEM)
    session.commit()
    assert resources.shared_account_ids(session, north_cert.id) == [north]  # businesses only

    def seen(customer_id):
        return {f.name: [x.title for x in f.files] for f in resources.account_folders(session, customer_id)}

    assert seen(north) == {"Certificates": ["Northwind PAT"], "Manuals": ["Manual"]}
    assert seen(south) == {"Manuals": ["Manual"]}
    assert resources.file_for_account(session, south, north_cert.id) is None
    assert resources.file_for_account(session, north, unshared.id) is None
    assert resources.file_for_account(session, north, None) is None
    assert resources.file_for_account(session, north, north_cert.id).id == north_cert.id
    sharing = {f.title: f.sharing for folder in resources.staff_folders(session) for f in folder.files}
    assert sharing == {"Manual": "Every account", "Northwind PAT": "1 account", "Draft": "Not shared yet"}
    resources.set_sharing(session, north_cert.id, True, [north], audit.SYSTEM)
    assert resources.shared_account_ids(session, north_cert.id) == []  # every account: no list kept
    assert seen(south)["Certificates"] == ["Northwind PAT"]


def test_deleting_a_file_removes_its_shares_and_returns_what_to_unlink(session, tmp_path, accounts):
    north = accounts[0]
    folder = resources.add_folder(session, "Certificates", audit.SYSTEM)
    item = resources.add_file(
        session,
        folder.id,
        resources.prepare(tmp_path, "a.pdf", factories.tiny_pdf()),
        shared_with_all=False,
        actor=audit.SYSTEM,
    )
    resources.set_sharing(session, item.id, False, [north], audit.SYSTEM)
    name = resources.delete_file(session, item.id, audit.SYSTEM)
    assert name == item.storage_name
    assert session.get(ResourceFile, item.id) is None
    assert session.exec(ResourceShare.__table__.select()).all() == []
    with pytest.raises(ResourceError):
        resources.delete_file(session, item.id, audit.SYSTEM)


def test_an_upload_into_a_folder_that_went_meanwhile_keeps_no_file(tmp_path, app_env, engine, accounts):
    received = [("a.pdf", factories.tiny_pdf())]
    assert resources.add_many(tmp_path, 424242, received, True, audit.SYSTEM) is None
    assert list(tmp_path.glob("*.pdf")) == []
