"""The account portal's money in a real browser (issue 14): a business account's invoices with their status,
search and the paid/unpaid filter, an invoice PDF and a statement PDF (opened with pypdf), the payments list
and the store-credit balance, on a desktop and on a phone; and a permission group without "Invoices: see"
and "Payments: see" finds no Invoices section and is sent away from the page."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from ..portal_factories import business, portal_user
from . import axe
from .conftest import DESKTOP, PHONE, shot
from .test_portal_signin_e2e import _password_sign_in


@contextmanager
def database(app):
    from repair_portal.db import make_engine, write_session

    engine = make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")
    try:
        with write_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def approved_order(app, session, customer, lines=None, *, device=None):
    """An order of `customer` with an approved quote, booked in through the services as the shop would."""
    from repair_portal.models import Device, Location, QuoteStatus
    from repair_portal.services import audit, quotes
    from repair_portal.services.orders import create_order

    if device is None:
        device = Device(customer_id=customer.id, kind="Laptop", make="Lenovo", model="ThinkPad T14")
        session.add(device)
        session.flush()
    key = (app.data_dir / "secret_key").read_text().strip()
    order = create_order(
        session,
        key,
        customer=customer,
        location=session.exec(select(Location)).first(),
        device=device,
        problem="Won't charge",
        actor=audit.SYSTEM,
    ).order
    quote = quotes.create_quote(
        session,
        order,
        lines or [quotes.LineSpec("Charging port", 1, 6000), quotes.LineSpec("Labour", 1, 4000)],
        audit.SYSTEM,
    )
    quotes.send_quote(session, quote, audit.SYSTEM)
    quote.status = QuoteStatus.APPROVED.value
    session.add(quote)
    session.flush()
    return order


def _issued(app, session, customer, *, days_ago: int = 0, due_days: int = 30):
    from repair_portal.services import audit, clock, invoices

    order = approved_order(app, session, customer)
    draft = invoices.create_draft(session, order, audit.SYSTEM)
    at = clock.now() - timedelta(days=days_ago)
    return invoices.issue(session, draft.id, audit.SYSTEM, due_days=due_days, at=at), order


def _money_account(app, email: str) -> dict:
    """A business account with three issued invoices (paid by card, part paid from store credit, overdue),
    a draft (never shown), store credit left over, and an admin portal user."""
    from repair_portal.models import ShopSettings
    from repair_portal.services import audit, invoices, payments, store_credit
    from repair_portal.services.money import format_money

    with database(app) as s:
        account = business(s, "Ledgerby Freight Ltd")
        portal_user(s, email=email, name="Lena Ledger", customer=account)
        paid, paid_order = _issued(app, s, account, days_ago=20)
        payments.record_payment(s, paid_order, paid.total_minor, "card", audit.SYSTEM)
        part, _ = _issued(app, s, account, days_ago=5)
        store_credit.add_credit(s, account.id, 5000, "Goodwill for the late delivery", audit.SYSTEM)
        store_credit.apply_to_invoice(s, part.id, 3000, audit.SYSTEM)
        overdue, _ = _issued(app, s, account, days_ago=45, due_days=30)
        invoices.create_draft(s, approved_order(app, s, account), audit.SYSTEM)  # a draft: never on the portal
        currency = ShopSettings.current(s).currency
        return {
            "account_id": account.id,
            "paid": paid.number_text,
            "part": part.number_text,
            "overdue": overdue.number_text,
            "overdue_id": overdue.id,
            "owed": format_money(part.total_minor - 3000 + overdue.total_minor, currency),
            "credit": format_money(2000, currency),
        }


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll: {width}"


def _pdf_text(page, href: str) -> str:
    """The PDF behind a link, fetched with the page's own cookies (the route authorises from them)."""
    origin = "/".join(page.url.split("/", 3)[:3])  # scheme://host:port
    response = page.context.request.get(origin + href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body[:5] == b"%PDF-", body[:40]
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


def test_invoices_statement_payments_and_credit_on_desktop_and_phone(live_app, desktop, browser):
    email = "lena.ledger@e2e.test"
    made = _money_account(live_app, email)
    _password_sign_in(desktop, live_app, email)
    expect(desktop).to_have_url(re.compile(r"/portal/?$"))
    desktop.click("#nav-invoices")
    expect(desktop).to_have_url(re.compile(r"/portal/invoices/?$"))
    expect(desktop.locator("#nav-invoices")).to_have_attribute("aria-current", "page")
    rows = desktop.locator(".account-invoice")
    expect(rows).to_have_count(3)  # the draft is not among them
    expect(desktop.locator("#account-owed")).to_have_text(made["owed"])
    expect(desktop.locator("#account-credit")).to_have_text(made["credit"])
    expect(rows.filter(has_text=made["paid"])).to_contain_text("Paid")
    expect(rows.filter(has_text=made["part"])).to_contain_text("Part paid")
    expect(rows.filter(has_text=made["overdue"])).to_contain_text("Overdue")
    payments = desktop.locator(".account-payment")
    expect(payments).to_have_count(2)
    expect(payments.filter(has_text="Store credit")).to_contain_text(made["part"])
    expect(payments.filter(has_text="Card")).to_contain_text(made["paid"])
    axe.check(desktop, "portal invoices")
    shot(desktop, "portal-invoices-desktop")

    desktop.click("#invoice-show")
    desktop.get_by_role("option", name="Unpaid").click()
    expect(rows).to_have_count(2)
    expect(desktop.locator("#invoice-list")).not_to_contain_text(made["paid"])
    desktop.click("#invoice-show")
    desktop.get_by_role("option", name="Paid", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(made["paid"])
    desktop.click("#invoice-show")
    desktop.get_by_role("option", name="All invoices").click()
    expect(rows).to_have_count(3)
    desktop.fill("#invoice-search", made["overdue"])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(made["overdue"])
    desktop.fill("#invoice-search", "R-NO-SUCH-ORDER")
    expect(desktop.locator("#no-invoices")).to_be_visible()
    desktop.fill("#invoice-search", "")
    expect(rows).to_have_count(3)

    link = rows.filter(has_text=made["overdue"]).get_by_role("link", name=re.compile("PDF of invoice"))
    expect(link).to_have_attribute("href", f"/api/portal/invoices/{made['overdue_id']}.pdf")
    text = _pdf_text(desktop, link.get_attribute("href"))
    assert made["overdue"] in text, text[:500]

    expect(desktop.locator("#statement-from")).not_to_have_value("")
    desktop.fill("#statement-from", (date.today() + timedelta(days=400)).isoformat())  # after the last day
    expect(desktop.locator("#statement-problem")).to_have_text("The last day comes before the first.")
    expect(desktop.locator("#statement-download")).to_have_count(0)
    start = (date.today() - timedelta(days=200)).isoformat()
    desktop.fill("#statement-from", start)
    expect(desktop.locator("#statement-download")).to_have_attribute("href", re.compile(rf"from={start}&to=\d{{4}}-"))
    text = _pdf_text(desktop, desktop.locator("#statement-download").get_attribute("href"))
    assert all(made[k] in text for k in ("paid", "part", "overdue")), text[:800]
    assert made["owed"].replace("\u00a0", " ") in text.replace("\u00a0", " "), text[:800]  # the closing balance

    context = browser.new_context(**PHONE)
    phone = context.new_page()
    try:
        _password_sign_in(phone, live_app, email)
        expect(phone).to_have_url(re.compile(r"/portal/?$"))
        phone.goto(live_app.url("/portal/invoices"))
        expect(phone.locator(".account-invoice")).to_have_count(3)
        expect(phone.locator(".account-payment")).to_have_count(2)
        _no_horizontal_scroll(phone)
        axe.check(phone, "portal invoices")
        shot(phone, "portal-invoices-phone")
    finally:
        context.close()


def test_a_group_without_invoices_has_no_invoices_section_and_is_sent_away(live_app, browser):
    from repair_portal.services import audit, portal_permissions
    from repair_portal.services.portal_permissions import Perm

    with database(live_app) as s:
        group = portal_permissions.save_group(
            s, None, "Asset viewers (e2e)", {Perm.ASSETS_VIEW, Perm.ORDERS_VIEW_MINE}, False, audit.SYSTEM
        )
        account = business(s, "Nopay Logistics")
        portal_user(s, email="no.invoices@e2e.test", name="Nico Nopay", customer=account, group=group)
        _issued(live_app, s, account)
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    try:
        _password_sign_in(page, live_app, "no.invoices@e2e.test")
        expect(page).to_have_url(re.compile(r"/portal/?$"))
        expect(page.locator("#nav-assets")).to_be_visible()
        expect(page.locator("#nav-invoices")).to_have_count(0)
        expect(page.locator("#nav-files")).to_have_count(0)
        page.goto(live_app.url("/portal/invoices"))
        expect(page.locator("li[data-sonner-toast]")).to_contain_text("Your access doesn't include that")
        expect(page).to_have_url(re.compile(r"/portal/?$"))
        assert page.locator(".account-invoice").count() == 0
    finally:
        context.close()
