"""The account portal's assets and shared files in a real browser (issue 14): the asset list with its search
and its site, type and status filters, the defects tab, an asset's page with its last test, the test's
certificate (a real PDF), open and fixed defects with a photo, and its orders; the folders shared with the
account and a download; all on a desktop and on a phone. A group without "Assets: see" and "Shared files:
see" finds neither section and is sent away from both pages."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from ..factories import tiny_pdf
from ..portal_factories import business, portal_user
from . import axe
from .conftest import DESKTOP, PHONE, shot
from .test_account_money_e2e import _no_horizontal_scroll, _pdf_text, approved_order, database
from .test_portal_signin_e2e import _password_sign_in

EMAIL = "hana.harbour@e2e.test"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (190, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _asset(session, account_id: int, site_id, tag: str, kind: str, make: str, model: str, serial: str):
    from repair_portal.services import assets, audit

    form = assets.AssetForm(
        asset_tag=tag,
        kind=kind,
        make=make,
        model=model,
        serial=serial,
        customer_ref=f"PO-{tag}",
        site_id=str(site_id or ""),
        warranty_until=(date.today() + timedelta(days=300)).isoformat(),
    )
    return assets.save_asset(session, account_id, None, form, audit.SYSTEM)


def _assets_account(app) -> dict:
    """Harbourline Depots: two sites, three assets (passed with a certificate, failed, untested), an open
    defect with a photo and a fixed one, an order for the first asset, and a folder of its own; another
    account's asset and file that must never show."""
    from repair_portal.services import asset_records, audit, resources, sites

    files_dir = app.data_dir / "files"
    store = resources.storage_dir(files_dir)
    today = date.today()
    with database(app) as s:
        account = business(s, "Harbourline Depots")
        portal_user(s, email=EMAIL, name="Hana Harbour", customer=account)
        north = sites.save_site(s, account.id, None, "North depot", "1 Quay Road\nHull", audit.SYSTEM)
        south = sites.save_site(s, account.id, None, "South yard", "9 Dock Lane\nHull", audit.SYSTEM)
        laptop = _asset(s, account.id, north.id, "HL-001", "Laptop", "Dell", "Latitude 5440", "SN-HL1")
        scanner = _asset(s, account.id, south.id, "HL-002", "Scanner", "Zebra", "TC52", "SN-HL2")
        _asset(s, account.id, None, "HL-003", "Laptop", "HP", "EliteBook 840", "SN-HL3")
        certificate = asset_records.prepare_certificate(files_dir, "PAT 2026.pdf", tiny_pdf("PAT certificate HL-001"))
        test = asset_records.record_test(
            s,
            laptop.id,
            asset_records.TestForm((today - timedelta(days=3)).isoformat(), "pass", "CERT-881", "Visual and PAT"),
            certificate,
            audit.SYSTEM,
        )
        asset_records.record_test(
            s,
            scanner.id,
            asset_records.TestForm(today.isoformat(), "fail", "CERT-882", "Earth bond"),
            None,
            audit.SYSTEM,
        )
        photos, errors = asset_records.prepare_photos(files_dir, [("hinge.png", _png())])
        assert not errors
        asset_records.record_defect(
            s,
            laptop.id,
            asset_records.DefectForm("high", "Cracked hinge on the left side", today.isoformat()),
            photos,
            audit.SYSTEM,
        )
        fixed = asset_records.record_defect(
            s,
            laptop.id,
            asset_records.DefectForm("low", "Worn keyboard feet", (today - timedelta(days=10)).isoformat()),
            [],
            audit.SYSTEM,
        )
        asset_records.mark_fixed(s, laptop.id, fixed.id, today.isoformat(), audit.SYSTEM)
        order = approved_order(app, s, account, device=laptop)

        folder = resources.add_folder(s, "Harbourline paperwork", audit.SYSTEM)
        item = resources.prepare(store, "Service agreement 2026.pdf", tiny_pdf("Service agreement Harbourline"))
        item = resources.add_file(s, folder.id, item, shared_with_all=False, actor=audit.SYSTEM)
        resources.set_sharing(s, item.id, False, [account.id], audit.SYSTEM)

        other = business(s, "Elsewhere Haulage")
        foreign_asset = _asset(s, other.id, None, "EH-900", "Van", "Ford", "Transit", "SN-EH9")
        secret = resources.prepare(store, "Elsewhere contract.pdf", tiny_pdf("Elsewhere only"))
        secret = resources.add_file(s, folder.id, secret, shared_with_all=False, actor=audit.SYSTEM)
        resources.set_sharing(s, secret.id, False, [other.id], audit.SYSTEM)
        return {
            "laptop": laptop.id,
            "test": test.id,
            "order": order.reference,
            "foreign_asset": foreign_asset.id,
            "file": item.id,
        }


def _choose(page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def test_assets_an_asset_page_and_shared_files_on_desktop_and_phone(live_app, desktop, browser):
    made = _assets_account(live_app)
    _password_sign_in(desktop, live_app, EMAIL)
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    desktop.click("#nav-assets")
    expect(desktop).to_have_url(re.compile(r"/portal/assets/?$"))
    cards = desktop.locator(".asset-card")
    expect(cards).to_have_count(3)
    expect(desktop.locator("#assets-summary")).to_have_text("3 assets")
    expect(cards.filter(has_text="HL-001")).to_contain_text("North depot")
    expect(cards.filter(has_text="HL-001")).to_contain_text("1 open defect")
    expect(cards.filter(has_text="HL-002")).to_contain_text("Fail")
    expect(desktop.locator("#account-assets")).not_to_contain_text("EH-900")
    axe.check(desktop, "portal assets")
    shot(desktop, "portal-assets-desktop")

    desktop.fill("#asset-search", "SN-HL2")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("HL-002")
    desktop.click("#assets-clear")
    expect(cards).to_have_count(3)
    expect(desktop.locator("#asset-search")).to_have_value("")
    _choose(desktop, "#asset-site-filter", "North depot")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("HL-001")
    _choose(desktop, "#asset-site-filter", "All sites")
    _choose(desktop, "#asset-kind-filter", "Laptop")
    expect(cards).to_have_count(2)
    _choose(desktop, "#asset-status-filter", "Not tested yet")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("HL-003")
    desktop.click("#assets-clear")
    expect(cards).to_have_count(3)

    desktop.click("#tab-defects")
    defects = desktop.locator("#defect-list .asset-defect")
    expect(defects).to_have_count(1)
    expect(defects.first).to_contain_text("Cracked hinge on the left side")
    expect(defects.first.locator("img")).to_have_attribute("src", re.compile(r"/api/portal/assets/\d+/photos/\d+\.jpg"))
    _choose(desktop, "#defect-status", "Fixed defects")
    expect(defects).to_have_count(1)
    expect(defects.first).to_contain_text("Worn keyboard feet")
    _choose(desktop, "#defect-status", "All defects")
    expect(defects).to_have_count(2)
    axe.check(desktop, "portal defects")
    shot(desktop, "portal-defects-desktop")
    desktop.fill("#defect-search", "HL-002")
    expect(desktop.locator("#defects-empty")).to_be_visible()

    desktop.click("#tab-assets")
    cards.filter(has_text="HL-001").click()
    expect(desktop).to_have_url(re.compile(rf"/portal/assets/{made['laptop']}/?$"))
    expect(desktop.locator("#asset-title")).to_have_text("HL-001")
    expect(desktop.locator("#asset-last-test")).to_contain_text("Pass")
    expect(desktop.locator("#asset-last-test")).to_contain_text("CERT-881")
    expect(desktop.locator("#asset-facts")).to_contain_text("Latitude 5440")
    expect(desktop.locator("#asset-tests .asset-test")).to_have_count(1)
    expect(desktop.locator("#asset-open-defects .asset-defect")).to_have_count(1)
    expect(desktop.locator("#asset-fixed-defects .asset-defect")).to_contain_text("Worn keyboard feet")
    expect(desktop.locator("#asset-orders .asset-order")).to_contain_text(made["order"])
    photo = desktop.locator("#asset-open-defects img").first
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0  # the photo route served a real image
    certificate = desktop.locator("#asset-tests").get_by_role("link", name=re.compile("Download the certificate"))
    href = certificate.get_attribute("href")
    assert href == f"/api/portal/assets/{made['laptop']}/certificates/{made['test']}.pdf"
    assert "PAT certificate HL-001" in _pdf_text(desktop, href)
    axe.check(desktop, "portal asset")
    shot(desktop, "portal-asset-desktop")

    desktop.goto(live_app.url(f"/portal/assets/{made['foreign_asset']}"))  # another account's asset
    expect(desktop.locator("#asset-not-found")).to_be_visible()
    assert desktop.locator("#asset-title").count() == 0

    desktop.click("#nav-files")
    expect(desktop).to_have_url(re.compile(r"/portal/files/?$"))
    folder = desktop.locator(".shared-folder", has_text="Harbourline paperwork")
    expect(folder.locator(".shared-file")).to_have_count(1)
    expect(folder).to_contain_text("Service agreement 2026")
    expect(desktop.locator("#shared-folders")).not_to_contain_text("Elsewhere contract")
    download = folder.get_by_role("link", name="Download Service agreement 2026")
    assert download.get_attribute("href") == f"/api/portal/files/{made['file']}"
    assert "Service agreement Harbourline" in _pdf_text(desktop, download.get_attribute("href"))
    axe.check(desktop, "portal shared files")
    shot(desktop, "portal-files-desktop")

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    try:
        _password_sign_in(phone, live_app, EMAIL)
        expect(phone).to_have_url(re.compile(r"/portal/?$"))
        for path, marker, name in (
            ("/portal/assets", ".asset-card", "assets"),
            (f"/portal/assets/{made['laptop']}", "#asset-tests .asset-test", "asset"),
            ("/portal/files", ".shared-file", "files"),
        ):
            phone.goto(live_app.url(path))
            expect(phone.locator(marker).first).to_be_visible()
            _no_horizontal_scroll(phone)
            clipped = phone.evaluate(
                "[...document.querySelectorAll('.asset-card, .asset-test, .shared-file')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 40))"
            )
            assert not clipped, f"content cut off on a phone: {clipped}"
            axe.check(phone, f"portal {name}")
            shot(phone, f"portal-{name}-phone")
        phone.goto(live_app.url("/portal/assets?tab=defects"))
        expect(phone.locator("#defect-list .asset-defect")).to_have_count(1)
        _no_horizontal_scroll(phone)
        axe.check(phone, "portal defects")
        shot(phone, "portal-defects-phone")
    finally:
        context.close()


def test_a_group_without_assets_and_files_has_neither_section(live_app, browser):
    from repair_portal.services import audit, portal_permissions
    from repair_portal.services.portal_permissions import Perm

    with database(live_app) as s:
        group = portal_permissions.save_group(s, None, "Accounts only (e2e)", {Perm.INVOICES_VIEW}, False, audit.SYSTEM)
        account = business(s, "Paperwork Only Ltd")
        portal_user(s, email="paper.only@e2e.test", name="Pia Paper", customer=account, group=group)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    try:
        _password_sign_in(page, live_app, "paper.only@e2e.test")
        expect(page).to_have_url(re.compile(r"/portal/?$"))
        expect(page.locator("#nav-invoices")).to_be_visible()
        expect(page.locator("#nav-assets")).to_have_count(0)
        expect(page.locator("#nav-files")).to_have_count(0)
        for path in ("/portal/assets", "/portal/files"):
            page.goto(live_app.url(path))
            expect(page).to_have_url(re.compile(r"/portal/?$"))
            expect(page.locator("li[data-sonner-toast]").first).to_contain_text("Your access doesn't include that")
        assert page.locator(".asset-card, .shared-file").count() == 0
    finally:
        context.close()
