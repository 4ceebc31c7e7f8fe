"""Sites, assets, tests and defects: staff services, and what the portal shows of them (scoped to the
account, only the fields the shop chose)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlmodel import select

from repair_portal.models import AssetTest, AuditEvent, DefectPhoto, Device, ShopSettings
from repair_portal.services import asset_fields, asset_portal, asset_records, assets, audit, sites
from repair_portal.services.asset_records import DefectForm, RecordError, TestForm
from repair_portal.services.assets import AssetError, AssetForm
from repair_portal.services.sites import SiteError
from repair_portal.services.text_input import TextInputError

from .. import factories, portal_factories

STAFF = audit.Actor("system", None, "test")


@pytest.fixture
def shop(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        mine = portal_factories.business(s, "Quay Works Ltd")
        other = portal_factories.business(s, "Harbour Ltd")
        person = factories.order(s, location)
    return {"mine": mine.id, "other": other.id, "person": person.order.customer_id}


def _site(write, customer_id, name="Head office", address="5 Wharf Road"):
    with write() as s:
        return sites.save_site(s, customer_id, None, name, address, STAFF).id


def _asset(write, customer_id, **kw):
    values = {"kind": "Laptop", "make": "Lenovo", "model": "T14", "serial": "SN1", **kw}
    with write() as s:
        return assets.save_asset(s, customer_id, None, AssetForm(**values), STAFF).id


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (320, 200), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- sites --------------------------------------------------------------------------------------------------


def test_sites_belong_to_business_accounts_and_are_scoped_to_them(write, read, shop):
    site_id = _site(write, shop["mine"], "Head office", "  5 Wharf Road \n\n London  ")
    with read() as s:
        assert [(r.name, r.address, r.active) for r in sites.list_sites(s, shop["mine"])] == [
            ("Head office", "5 Wharf Road\nLondon", True)
        ]
        assert sites.list_sites(s, shop["other"]) == []
        assert sites.site_of(s, shop["other"], site_id) is None
    with write() as s, pytest.raises(SiteError, match="business"):
        sites.save_site(s, shop["person"], None, "Home", "", STAFF)
    with write() as s, pytest.raises(SiteError) as taken:
        sites.save_site(s, shop["mine"], None, "head OFFICE", "", STAFF)
    assert taken.value.field == "name"
    with write() as s, pytest.raises(SiteError, match="no longer exists"):  # another account's site id
        sites.save_site(s, shop["other"], site_id, "Stolen", "", STAFF)
    with write() as s, pytest.raises(SiteError, match="no longer exists"):
        sites.set_active(s, shop["other"], site_id, False, STAFF)
    with write() as s:
        sites.save_site(s, shop["mine"], site_id, "HQ", "1 New Street", STAFF)
        sites.set_active(s, shop["mine"], site_id, False, STAFF)
    with read() as s:
        assert [(r.name, r.active) for r in sites.list_sites(s, shop["mine"])] == [("HQ", False)]
        assert sites.list_sites(s, shop["mine"], active_only=True) == []
        assert {e.action for e in s.exec(select(AuditEvent))} >= {"site.saved", "site.active"}


# --- assets -------------------------------------------------------------------------------------------------


def test_assets_are_checked_and_scoped_to_their_account(write, read, shop):
    site_id = _site(write, shop["mine"])
    other_site = _site(write, shop["other"], "Their depot")
    asset_id = _asset(
        write,
        shop["mine"],
        asset_tag="NW-001",
        site_id=str(site_id),
        customer_ref="Reception",
        warranty_until="2027-03-31",
    )
    with read() as s:
        device = s.get(Device, asset_id)
        assert (device.asset_tag, device.site_id, device.warranty_until) == ("NW-001", site_id, date(2027, 3, 31))
        assert assets.asset_of(s, shop["other"], asset_id) is None
    bad = [
        ({"kind": ""}, "kind"),
        ({"asset_tag": "nw-001"}, "asset_tag"),  # the account already has it (any case)
        ({"site_id": str(other_site)}, "site_id"),  # another account's site
        ({"site_id": "²"}, "site_id"),
        ({"warranty_until": "31/03/2027"}, "warranty_until"),
        ({"serial": "x" * 101}, "serial"),
    ]
    for change, field in bad:
        with write() as s, pytest.raises(AssetError) as refused:
            assets.save_asset(s, shop["mine"], None, AssetForm(**{"kind": "Laptop", **change}), STAFF)
        assert refused.value.field == field, change
    with write() as s, pytest.raises(AssetError, match="no longer exists"):
        assets.save_asset(s, shop["other"], asset_id, AssetForm(kind="Stolen"), STAFF)
    with write() as s, pytest.raises(AssetError, match="business"):
        assets.save_asset(s, shop["person"], None, AssetForm(kind="Phone"), STAFF)
    _asset(write, shop["other"], asset_tag="NW-001")  # another account may use the same ID
    with write() as s:  # editing keeps its own ID; a deactivated site it already has stays allowed
        sites.set_active(s, shop["mine"], site_id, False, STAFF)
        form = AssetForm.of(s.get(Device, asset_id))
        assets.save_asset(s, shop["mine"], asset_id, form, STAFF)
    with write() as s, pytest.raises(AssetError):  # but a new asset can't pick it
        assets.save_asset(s, shop["mine"], None, AssetForm(kind="Phone", site_id=str(site_id)), STAFF)


def test_tests_certificates_and_the_last_test(write, read, shop, settings, tmp_path):
    asset_id = _asset(write, shop["mine"])
    files = tmp_path / "files"
    certificate = asset_records.prepare_certificate(files, "PAT cert March.pdf", factories.tiny_pdf("PAT"))
    assert certificate.filename == "PAT cert March.pdf" and (files / certificate.storage_name).exists()
    for name, data in (("fake.pdf", b"%PDF-1.7\n%%EOF\n"), ("photo.jpg", _jpeg_with_gps())):
        with pytest.raises(RecordError, match="not a readable PDF"):
            asset_records.prepare_certificate(files, name, data)
    with pytest.raises(RecordError, match="larger than"):
        asset_records.prepare_certificate(files, "big.pdf", b"%PDF-" + b"0" * asset_records.MAX_CERTIFICATE_BYTES)
    with write() as s:
        asset_records.record_test(s, asset_id, TestForm("2026-03-01", "pass", "C-100", ""), certificate, STAFF)
        asset_records.record_test(s, asset_id, TestForm("2026-10-01", "fail", "C-200", "Earth fault"), None, STAFF)
        asset_records.record_test(s, asset_id, TestForm("2026-06-01", "pass", "C-150", ""), None, STAFF)
    for form, field in (
        (TestForm("", "pass"), "tested_on"),
        (TestForm("2026-13-01", "pass"), "tested_on"),
        (TestForm("2026-11-03", "pass"), "tested_on"),  # tomorrow (the clock says 2 Nov 2026)
        (TestForm("2026-10-01", "maybe"), "result"),
        (TestForm("2026-10-01", "pass", "n" * 61), "number"),
    ):
        with write() as s, pytest.raises(RecordError) as refused:
            asset_records.record_test(s, asset_id, form, None, STAFF)
        assert refused.value.field == field
    with read() as s:
        last = assets.last_tests(s, [asset_id])[asset_id]
        assert (last.tested_on, last.result, last.number) == (date(2026, 10, 1), "fail", "C-200")  # by test date
        first = s.exec(select(AssetTest).where(AssetTest.number == "C-100")).one()
        assert asset_records.certificate_of(s, asset_id, first.id).certificate_name == certificate.storage_name
        other_asset = _asset(write, shop["other"])
        assert asset_records.certificate_of(s, other_asset, first.id) is None  # not that asset's test


def test_defects_with_photos_stripped_of_metadata_and_marked_fixed(write, read, shop, tmp_path):
    asset_id = _asset(write, shop["mine"])
    files = tmp_path / "files"
    photos, errors = asset_records.prepare_photos(files, [("a.jpg", _jpeg_with_gps()), ("x.exe", b"MZ\x90")])
    assert len(photos) == 1 and len(errors) == 1 and "x.exe" in errors[0]
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()  # the upload had a camera make and GPS
    stored = Image.open(files / photos[0].storage_name)
    assert not stored.getexif()  # what is kept has neither
    with write() as s:
        defect = asset_records.record_defect(
            s, asset_id, DefectForm("high", "Cracked casing", "2026-10-30"), photos, STAFF
        )
        minor = asset_records.record_defect(s, asset_id, DefectForm("low", "Label faded", "2026-09-01"), [], STAFF)
    for form, field in (
        (DefectForm("urgent", "x", "2026-10-30"), "severity"),
        (DefectForm("low", "  ", "2026-10-30"), "description"),
        (DefectForm("low", "x", ""), "found_on"),
    ):
        with write() as s, pytest.raises(RecordError) as refused:
            asset_records.record_defect(s, asset_id, form, [], STAFF)
        assert refused.value.field == field
    other_asset = _asset(write, shop["other"])
    with write() as s, pytest.raises(RecordError, match="isn't on this asset"):
        asset_records.mark_fixed(s, other_asset, defect.id, "2026-11-01", STAFF)
    with write() as s, pytest.raises(RecordError, match="isn't on this asset"):
        asset_records.add_defect_photos(s, other_asset, defect.id, [], STAFF)
    more, _ = asset_records.prepare_photos(files, [("b.jpg", _jpeg_with_gps())])
    with write() as s:
        asset_records.add_defect_photos(s, asset_id, defect.id, more, STAFF)
    with write() as s, pytest.raises(RecordError, match="before it was found"):
        asset_records.mark_fixed(s, asset_id, minor.id, "2026-08-01", STAFF)
    with write() as s:
        asset_records.mark_fixed(s, asset_id, minor.id, "2026-11-01", STAFF)
    with write() as s, pytest.raises(RecordError, match="already"):
        asset_records.mark_fixed(s, asset_id, minor.id, "2026-11-01", STAFF)
    with read() as s:
        listed = asset_records.defects_of(s, [asset_id])
        assert [(d.description, d.status, len(p)) for d, p in listed] == [
            ("Cracked casing", "open", 2),
            ("Label faded", "fixed", 0),
        ]
        photo_id = listed[0][1][0]
        assert asset_records.photo_of(s, asset_id, photo_id) is not None
        assert asset_records.photo_of(s, other_asset, photo_id) is None
        assert assets.open_defects(s, [asset_id, other_asset]) == {asset_id: 1}
        assert {p.content_type for p in s.exec(select(DefectPhoto))} == {"image/jpeg"}


# --- the portal ---------------------------------------------------------------------------------------------


@pytest.fixture
def fleet(write, shop):
    """Four assets of the account at two sites (passed, failed, untested with an open defect, ...)."""
    head, depot = _site(write, shop["mine"], "Head office"), _site(write, shop["mine"], "Depot")
    ids = {
        "passed": _asset(write, shop["mine"], asset_tag="QW-1", site_id=str(head), serial="AAA111", kind="Laptop"),
        "failed": _asset(write, shop["mine"], asset_tag="QW-2", site_id=str(depot), model="Scanner X", kind="Scanner"),
        "untested": _asset(write, shop["mine"], asset_tag="QW-3", site_id=str(depot), customer_ref="Forklift 7"),
        "no_tag": _asset(write, shop["mine"], make="Dell", model="Latitude", serial="ZZZ999"),
    }
    theirs = _asset(write, shop["other"], asset_tag="QW-9", serial="AAA111")
    with write() as s:
        asset_records.record_test(s, ids["passed"], TestForm("2026-05-01", "pass", "P-1"), None, STAFF)
        asset_records.record_test(s, ids["failed"], TestForm("2026-05-02", "fail", "P-2"), None, STAFF)
        asset_records.record_test(s, ids["no_tag"], TestForm("2026-05-03", "pass", ""), None, STAFF)
        asset_records.record_defect(s, ids["untested"], DefectForm("critical", "Brake worn", "2026-10-01"), [], STAFF)
        asset_records.record_defect(s, theirs, DefectForm("low", "Their secret defect", "2026-10-01"), [], STAFF)
    return {**ids, "theirs": theirs, "head": head, "depot": depot}


def _titles(result) -> list[str]:
    return [c.title for c in result.cards]


def test_the_portal_list_searches_and_filters_only_the_accounts_assets(read, shop, fleet):
    with read() as s:
        everything = asset_portal.asset_list(s, shop["mine"])
        assert _titles(everything) == ["QW-1", "QW-2", "QW-3", "Dell Latitude"] and everything.total == 4
        assert [c.label for c in everything.sites] == ["Depot", "Head office"]
        assert [c.value for c in everything.kinds] == ["Laptop", "Scanner"]
        by = {c.title: c for c in everything.cards}
        assert by["QW-1"].last_test.startswith("Pass · 1 May 2026 · No. P-1") and by["QW-1"].last_result == "pass"
        assert by["QW-3"].last_test == "Not tested yet" and by["QW-3"].open_defects == 1
        for search, expected in (
            ("aaa1", ["QW-1"]),  # serial (only ours: the other account's QW-9 has it too)
            ("qw-2", ["QW-2"]),  # asset tag
            ("scanner x", ["QW-2"]),  # model
            ("forklift", ["QW-3"]),  # customer reference
            ("qw-9", []),
            ("%", []),
        ):
            assert _titles(asset_portal.asset_list(s, shop["mine"], search=search)) == expected, search
        # Over the search's limit: refused with a message (the page shows it and keeps what was typed), never cut.
        assert asset_portal.search_problem("qw-1" + "x" * 96) is None
        assert asset_portal.search_problem("qw-1" + "x" * 97) == (
            "The search is too long: at most 100 characters (this one has 101)."
        )
        for find in (asset_portal.asset_list, asset_portal.defect_list):
            with pytest.raises(TextInputError, match="at most 100 characters"):
                find(s, shop["mine"], search="qw-1" + "x" * 97)
        assert _titles(asset_portal.asset_list(s, shop["mine"], site_id=fleet["depot"])) == ["QW-2", "QW-3"]
        assert _titles(asset_portal.asset_list(s, shop["mine"], kind="scanner")) == ["QW-2"]
        for status, expected in (
            ("passed", ["QW-1", "Dell Latitude"]),
            ("failed", ["QW-2"]),
            ("untested", ["QW-3"]),
            ("open_defects", ["QW-3"]),
        ):
            assert _titles(asset_portal.asset_list(s, shop["mine"], status=status)) == expected, status
        assert asset_portal.asset_list(s, shop["other"]).total == 1


def test_the_asset_page_has_tests_defects_and_orders_and_refuses_other_accounts(write, read, shop, fleet):
    with read() as s:
        page = asset_portal.asset_page(s, shop["mine"], fleet["untested"])
        assert page.card.title == "QW-3" and [d.description for d in page.defects] == ["Brake worn"]
        assert ("Your reference", "Forklift 7") in [(f.label, f.value) for f in page.facts]
        assert asset_portal.asset_page(s, shop["mine"], fleet["theirs"]) is None  # another account's asset
        assert asset_portal.asset_page(s, shop["other"], fleet["untested"]) is None
        assert asset_portal.asset_page(s, shop["mine"], None) is None
        defects = asset_portal.defect_list(s, shop["mine"])
        assert [(d.asset_title, d.description) for d in defects] == [("QW-3", "Brake worn")]
        assert asset_portal.defect_list(s, shop["mine"], search="qw-1") == []
        assert asset_portal.defect_list(s, shop["mine"], status="fixed") == []
        test_id = s.exec(select(AssetTest.id).where(AssetTest.device_id == fleet["passed"])).one()
        assert asset_portal.certificate(s, shop["mine"], fleet["passed"], test_id) is None  # no certificate
        assert asset_portal.certificate(s, shop["other"], fleet["passed"], test_id) is None


def test_only_the_fields_the_shop_chose_are_read_searched_or_filtered(write, read, shop, fleet):
    with write() as s:
        assert asset_fields.save(s, "Tag number", ["kind", "model", "tests", "nonsense"], STAFF)
        assert not asset_fields.save(s, "Tag number", ["model", "kind", "tests"], STAFF)  # the same set
        with pytest.raises(asset_fields.AssetSettingsError):
            asset_fields.save(s, "   ", [], STAFF)
    with read() as s:
        assert s.get(ShopSettings, 1).asset_customer_fields == "kind,model,tests"
        result = asset_portal.asset_list(s, shop["mine"])
        # no asset tag, serial, site or defects: titles fall back to what may be shown
        assert _titles(result) == ["T14", "Scanner X", "T14", "Latitude"]
        assert all(c.serial == c.site == c.customer_ref == "" and c.open_defects == 0 for c in result.cards)
        assert result.sites == [] and [c.value for c in result.statuses] == ["passed", "failed", "untested"]
        assert _titles(asset_portal.asset_list(s, shop["mine"], search="aaa111")) == []  # serial hidden
        assert asset_portal.asset_list(s, shop["mine"], site_id=fleet["head"]).total == 4  # site filter ignored
        assert asset_portal.asset_list(s, shop["mine"], status="open_defects").total == 4
        page = asset_portal.asset_page(s, shop["mine"], fleet["untested"])
        assert page.defects == [] and not page.shows_defects
        assert {f.label for f in page.facts} == {"Type", "Model"}
        assert asset_portal.defect_list(s, shop["mine"]) == []
        assert asset_portal.view_of(s).label == "Tag number"


def test_the_asset_page_lists_its_orders_all_mine_or_none(write, read, shop, fleet):
    from repair_portal.models import Customer, Location
    from repair_portal.services.orders import create_order

    with write() as s:
        account, device = s.get(Customer, shop["mine"]), s.get(Device, fleet["passed"])
        first = create_order(
            s, "k" * 40, customer=account, location=s.get(Location, 1), device=device, problem="A", actor=STAFF
        ).order
        create_order(
            s, "k" * 40, customer=account, location=s.get(Location, 1), device=device, problem="B", actor=STAFF
        )
        user = portal_factories.portal_user(s, customer=account)
        first.requested_by_id = user.id
        reference, user_id = first.reference, user.id
    with read() as s:
        every = asset_portal.asset_page(s, shop["mine"], fleet["passed"])
        mine = asset_portal.asset_page(s, shop["mine"], fleet["passed"], orders_of=user_id)
        none = asset_portal.asset_page(s, shop["mine"], fleet["passed"], orders_of=False)
        assert len(every.orders) == 2 and [o.reference for o in mine.orders] == [reference] and none.orders == []
        assert every.orders[0].stage  # the customer's wording of the stage
