"""The staff side of issue 14 in a real browser: the order page's Invoice card (a draft from the approved
quote, an extra line, issue, the PDF, paying from store credit) and Service report card (write, approve, the
PDF); a business customer's Sites, Assets, Store credit and Invoices cards; the asset page (record a test
with its certificate); and Settings → Shared files (a folder, a PDF shared with every account), which the
account's portal user then sees and downloads; a staff member's read-only "view as this user" preview
opens the account's invoices (and searches them), the asset and the shared files."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlmodel import select

from ..factories import tiny_pdf
from ..portal_factories import business, portal_user
from . import axe
from .conftest import DESKTOP, shot
from .test_account_money_e2e import _issued, _pdf_text, approved_order, database
from .test_foundation_e2e import _sign_in
from .test_portal_signin_e2e import _password_sign_in


def test_invoice_card_and_service_report_card_on_the_order_page(live_app, desktop):
    from repair_portal.services import audit, store_credit

    with database(live_app) as s:
        account = business(s, "Cardwell Surveys")
        order = approved_order(live_app, s, account)
        store_credit.add_credit(s, account.id, 2000, "Deposit carried over", audit.SYSTEM)
        order_id, reference = order.id, order.reference
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url(f"/staff/orders/{order_id}"))
    card = desktop.locator("#invoice-card")
    expect(card).to_contain_text("No invoice yet.")
    card.locator("#invoice-start").click()
    lines = card.locator(".invoice-line")
    expect(lines).to_have_count(2)  # the approved quote's lines
    expect(card.locator("#invoice-number")).to_have_text("Not issued yet")
    card.locator("#invoice-line-description").fill("Call-out charge")
    card.locator("#invoice-line-price").fill("35.00")
    card.locator("#invoice-line-add").click()
    expect(lines).to_have_count(3)
    expect(lines.nth(2)).to_contain_text("Call-out charge")
    expect(card.locator("#invoice-line-description")).to_have_value("")
    shot(desktop, "staff-order-invoice-draft-desktop")
    card.locator("#invoice-issue").click()
    expect(card.locator("#invoice-number")).to_have_text(re.compile(r"^INV-\d{5}$"))
    number = card.locator("#invoice-number").inner_text()
    expect(card).to_contain_text("Awaiting payment")
    expect(card.locator("#invoice-dates")).to_contain_text("Issued")
    expect(card.locator(".invoice-line-remove")).to_have_count(0)  # an issued invoice is frozen
    text = _pdf_text(desktop, card.get_by_role("link", name=re.compile("Invoice PDF")).get_attribute("href"))
    assert number in text and "Call-out charge" in text, text[:600]

    card.locator("#invoice-credit-pay").click()  # empty amount: as much as the credit allows
    expect(card.locator("#invoice-due-now")).to_contain_text(re.compile(r"Paid £20\.00"))
    expect(card).to_contain_text("Part paid")
    expect(card.locator("#invoice-credit-pay")).to_have_count(0)  # no credit left

    report = desktop.locator("#service-report-card")
    expect(report).to_contain_text("No service report yet.")
    report.locator("#report-edit").click()
    report.locator("#report-findings").fill("Charging port worn; pins bent.")
    report.locator("#report-work_done").fill("Replaced the charging port and cleaned the board.")
    report.locator("#report-tests_performed").fill("Charge test at 65 W: pass")
    report.locator("#report-parts_used").fill("USB-C charging port")
    report.locator("#report-save").click()
    expect(report.locator("#report-status")).to_contain_text("Draft · staff only")
    expect(report).to_contain_text("Charging port worn; pins bent.")
    report.locator("#report-approve").click()
    desktop.locator("#report-approve-yes").click()
    expect(report.locator("#report-status")).to_contain_text("Approved · customer sees it")
    expect(report.locator("#report-approved")).to_contain_text("Approved")
    expect(report.locator("#report-revise")).to_be_visible()
    text = _pdf_text(desktop, report.locator("#report-pdf").get_attribute("href"))
    assert reference in text and "Replaced the charging port" in text, text[:600]
    axe.check(desktop, "staff order with an invoice and a service report")
    shot(desktop, "staff-order-invoice-report-desktop")


def test_customer_cards_asset_page_and_shared_files_reach_the_portal(live_app, desktop, browser, tmp_path):
    from repair_portal.models import ResourceFile

    with database(live_app) as s:
        account = business(s, "Dunmore Estates")
        portal_user(s, email="dora.dunmore@e2e.test", name="Dora Dunmore", customer=account)
        invoice, _ = _issued(live_app, s, account)
        account_id, number = account.id, invoice.number_text
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url(f"/staff/customers/{account_id}"))

    sites = desktop.locator("#customer-sites")
    expect(sites).to_contain_text("No sites yet.")
    sites.locator("#site-add").click()
    desktop.fill("#site-name", "Dunmore House")
    desktop.fill("#site-address", "2 Abbey Road\nYork")
    desktop.click("#site-save")
    expect(sites.locator(".customer-site")).to_have_count(1)
    expect(sites.locator(".customer-site")).to_contain_text("Dunmore House")

    assets = desktop.locator("#customer-assets")
    expect(assets.locator(".customer-asset-row")).to_have_count(1)  # the order's laptop
    assets.locator("#asset-add").click()
    desktop.fill("#asset-asset-tag", "DE-01")
    desktop.fill("#asset-kind", "Boiler")
    desktop.fill("#asset-make", "Worcester")
    desktop.fill("#asset-model", "Greenstar 30i")
    desktop.click("#asset-site")
    desktop.get_by_role("option", name="Dunmore House").click()
    desktop.click("#asset-save")
    expect(assets.locator(".customer-asset-row")).to_have_count(2)
    row = assets.locator(".customer-asset-row", has_text="DE-01")
    expect(row).to_contain_text("Worcester Greenstar 30i")
    expect(row).to_contain_text("Dunmore House")
    expect(sites.locator(".customer-site")).to_contain_text("1 asset · 0 orders")

    credit = desktop.locator("#customer-store-credit")
    credit.locator("#credit-amount").fill("15.00")
    credit.locator("#credit-reason").fill("Goodwill for a missed visit")
    credit.locator("#credit-save").click()
    expect(credit.locator("#credit-balance")).to_have_text("£15.00")
    expect(credit.locator(".credit-row")).to_contain_text("Goodwill for a missed visit")

    invoices = desktop.locator("#customer-invoices")
    expect(invoices.locator(".customer-invoice-row")).to_have_count(1)
    expect(invoices.locator(".customer-invoice-row")).to_contain_text(number)
    statement = invoices.locator("#statement-download").get_attribute("href")
    assert re.search(rf"/customers/{account_id}/statement\.pdf\?from=\d{{4}}-\d\d-\d\d&to=", statement), statement
    assert number in _pdf_text(desktop, statement)
    axe.check(desktop, "staff business customer")
    shot(desktop, "staff-customer-business-desktop")

    row.get_by_role("link", name="DE-01").click()
    expect(desktop).to_have_url(re.compile(r"/staff/assets/\d+/?$"))
    asset_id = int(desktop.url.rstrip("/").rsplit("/", 1)[1])
    expect(desktop.locator("#asset-details")).to_contain_text("Greenstar 30i")
    desktop.click("#test-add")
    expect(desktop.locator("#test-date")).to_have_value(date.today().isoformat())
    desktop.fill("#test-number", "GS-1001")
    desktop.fill("#test-notes", "Flue gas analysis within limits")
    certificate = tmp_path / "Gas safety DE-01.pdf"
    certificate.write_bytes(tiny_pdf("Gas safety record DE-01"))
    desktop.locator("#test-form input[type=file]").set_input_files(str(certificate))
    expect(desktop.locator("#test-form")).to_contain_text("Gas safety DE-01.pdf")
    desktop.click("#test-save")
    tests = desktop.locator(".asset-test-row")
    expect(tests).to_have_count(1)
    expect(tests).to_contain_text("GS-1001")
    expect(tests).to_contain_text("Pass")
    href = tests.get_by_role("link", name=re.compile("Certificate")).get_attribute("href")
    assert "Gas safety record DE-01" in _pdf_text(desktop, href)
    axe.check(desktop, "staff asset")
    shot(desktop, "staff-asset-desktop")

    desktop.goto(live_app.url("/staff/settings/shared-files"))
    desktop.fill("#folder-name", "Gas safety records (e2e)")
    desktop.click("#folder-add")
    folder = desktop.locator(".shared-folder", has_text="Gas safety records (e2e)")
    expect(folder).to_contain_text("No files in this folder yet.")
    desktop.click("#upload-folder")
    desktop.get_by_role("option", name="Gas safety records (e2e)").click()
    manual = tmp_path / "Boiler user guide.pdf"
    manual.write_bytes(tiny_pdf("Boiler user guide"))
    desktop.locator("input[type=file]").set_input_files(str(manual))
    expect(desktop.get_by_text("Boiler user guide.pdf")).to_be_visible()
    desktop.click("#upload-everyone")
    expect(desktop.locator("#upload-everyone")).to_have_attribute("data-state", "checked")
    desktop.click("#shared-upload")
    expect(folder.locator(".shared-file")).to_have_text("Boiler user guide")
    expect(folder).to_contain_text("Every account")
    axe.check(desktop, "staff shared files")
    shot(desktop, "staff-shared-files-desktop")
    with database(live_app) as s:
        item = s.exec(select(ResourceFile).where(ResourceFile.title == "Boiler user guide")).one()
        assert item.shared_with_all and item.content_type == "application/pdf"
        file_id = item.id

    # "View as this user": the read-only pages and their search work in a staff preview.
    desktop.goto(live_app.url(f"/staff/customers/{account_id}"))
    with desktop.context.expect_page() as opened:
        desktop.locator("#portal-access [id^=portal-user-view-as-]").click()
    preview = opened.value
    expect(preview.locator("#preview-banner")).to_contain_text("Nothing can be changed here")
    preview.goto(live_app.url("/portal/invoices"))
    expect(preview.locator(".account-invoice")).to_contain_text(number)
    preview.fill("#invoice-search", "R-NO-SUCH-ORDER")
    expect(preview.locator("#no-invoices")).to_be_visible()
    preview.goto(live_app.url(f"/portal/assets/{asset_id}"))
    expect(preview.locator("#asset-last-test")).to_contain_text("GS-1001")
    preview.goto(live_app.url("/portal/files"))
    expect(preview.locator(".shared-file", has_text="Boiler user guide")).to_be_visible()
    expect(preview.locator("li[data-sonner-toast]")).to_have_count(0)  # nothing was refused
    preview.close()

    # The account's contact sees the new file and the asset's test on the portal.
    context = browser.new_context(**DESKTOP)
    portal = context.new_page()
    try:
        _password_sign_in(portal, live_app, "dora.dunmore@e2e.test")
        expect(portal).to_have_url(re.compile(r"/portal/?$"))
        portal.goto(live_app.url("/portal/files"))
        shared = portal.locator(".shared-folder", has_text="Gas safety records (e2e)")
        expect(shared.locator(".shared-file")).to_contain_text("Boiler user guide")
        assert "Boiler user guide" in _pdf_text(portal, f"/api/portal/files/{file_id}")
        portal.goto(live_app.url(f"/portal/assets/{asset_id}"))
        expect(portal.locator("#asset-last-test")).to_contain_text("GS-1001")
        expect(portal.locator("#asset-facts")).to_contain_text("Dunmore House")
    finally:
        context.close()
