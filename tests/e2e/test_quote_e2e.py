"""Quote approval with a drawn signature, decline with a reason, and staff seeing it at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import AuditEvent, Location, Order, Signature
from repair_portal.services import audit, portal_links, quotes
from repair_portal.services.orders import create_order

from .conftest import shot
from .helpers import shown_tracking_url, wait_until_live
from .test_foundation_e2e import _sign_in, demo_links, open_verified


def _engine(app):
    return make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")


def _draw_signature(page) -> None:
    canvas = page.locator("canvas.signature-canvas")
    canvas.scroll_into_view_if_needed()  # mouse coordinates are the viewport's
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 20 + i * 9, box["y"] + box["height"] * (0.6 - 0.3 * ((i % 6) / 6)), steps=2)
    page.mouse.up()


def _new_quoted_order(app, last_name: str) -> tuple[str, str]:
    """Book an order with a sent quote through the service layer, as the shop would; returns (reference, url)."""
    from repair_portal.models import Customer, Device

    engine = _engine(app)
    key = (app.data_dir / "secret_key").read_text().strip()
    with write_session(engine) as s:
        customer = Customer(first_name="Test", last_name=last_name, email="")
        s.add(customer)
        s.flush()
        device = Device(customer_id=customer.id, make="Google", model="Pixel 8")
        s.add(device)
        s.flush()
        new = create_order(
            s,
            key,
            customer=customer,
            location=s.exec(select(Location)).first(),
            device=device,
            problem="No sound",
            actor=audit.SYSTEM,
        )
        quote = quotes.create_quote(
            s,
            new.order,
            [quotes.LineSpec("Speaker module", 1, 4500), quotes.LineSpec("Waterproof seal", 1, 900, True)],
            audit.SYSTEM,
        )
        quotes.send_quote(s, quote, audit.SYSTEM)
        code = portal_links.current_code(s, key, new.order.id)
        reference = new.order.reference
    engine.dispose()
    return reference, app.url(f"/track/{code}")


def test_customer_approves_and_signs_and_staff_see_it_at_once(live_app, phone, desktop):
    reference, _, last_name, url = next(x for x in demo_links(live_app) if x[1] == "Waiting for your approval")
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.fill("#order-search", reference)
    expect(desktop.locator(".order-row")).to_have_count(1)
    expect(desktop.locator(".order-row").first).to_contain_text(reference)
    desktop.locator(".order-row").first.click()
    expect(desktop.locator("#staff-quote-summary")).to_contain_text(": sent")

    open_verified(phone, url + "?tab=quote", last_name)
    expect(phone.locator("#quote-total")).to_have_text(re.compile(r"^£\d"))
    phone.click("#approve-open")
    phone.fill("#signer-name", "Chloé Bennett")
    phone.click("#approve-submit")  # nothing ticked or drawn yet
    expect(phone.locator("#quote-error")).to_contain_text("tick the box")
    phone.click("#agree-terms")
    phone.click("#approve-submit")
    expect(phone.locator("#quote-error")).to_contain_text("sign in the box")
    _draw_signature(phone)
    shot(phone, "track-quote-sign-phone")
    phone.locator("#approve-submit").dblclick()  # a double click must still mean one approval
    expect(phone.locator("#quote-approved")).to_be_visible()
    expect(phone.locator(".signed-item")).to_have_count(1)
    shot(phone, "track-quote-approved-phone")
    # the approval moved the order on: the portal tells the truth and asks for nothing already done
    phone.click("#tab-status")
    expect(phone.locator("#stage-label")).to_have_text("Repair in progress")
    expect(phone.locator(".timeline-step[data-state=done]").last).to_contain_text("Quote approved")
    expect(phone.get_by_text("Waiting for your approval")).to_have_count(0)
    expect(phone.locator("#approve-open")).to_have_count(0)
    phone.click("#tab-quote")

    expect(desktop.locator("#staff-quote-summary")).to_contain_text("approved by Chloé Bennett", timeout=10_000)
    expect(desktop.locator(".staff-signed")).to_have_count(1)
    engine = _engine(live_app)
    with write_session(engine) as s:
        order_id = s.exec(select(Order.id).where(Order.reference == reference)).one()
        assert s.exec(select(func.count()).select_from(Signature).where(Signature.order_id == order_id)).one() == 1
        approvals = s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.order_id == order_id)
            .where(AuditEvent.action == "quote.approved")
        ).one()
        assert approvals == 1
    engine.dispose()
    signed_pdf = desktop.request.get(live_app.url(f"/api/staff/orders/{order_id}/signed.pdf"))
    assert signed_pdf.status == 200 and signed_pdf.body().startswith(b"%PDF")
    # the customer gets the same documents from the portal, on the device that passed the name check
    for link_id in ("#quote-pdf", "#signed-pdf"):
        href = phone.locator(link_id).get_attribute("href")
        response = phone.request.get(live_app.url(href))
        assert response.status == 200 and response.body().startswith(b"%PDF"), link_id
    stranger = phone.context.browser.new_context()
    assert stranger.request.get(live_app.url(href)).status == 403  # the link alone isn't enough
    stranger.close()


def test_customer_drops_an_optional_extra_then_declines_with_a_reason(live_app, phone):
    _, url = _new_quoted_order(live_app, "Okonkwo")
    open_verified(phone, url + "?tab=quote", "okonkwo")
    total_before = phone.locator("#quote-total").inner_text()
    phone.locator(".optional-toggle").first.click()
    expect(phone.locator("#quote-total")).not_to_have_text(total_before)
    assert phone.locator("#quote-total").inner_text() == "£54.00"  # £45 + 20% VAT, without the £9 seal
    phone.click("#decline-open")
    phone.fill("#decline-reason", "Too expensive for an old phone")
    phone.click("#decline-submit")
    expect(phone.locator("#quote-declined")).to_be_visible()
    expect(phone.get_by_text("Too expensive for an old phone")).to_be_visible()


def test_customer_signs_data_consent_and_a_rotated_link_stops_working(live_app, phone, desktop):
    reference, url = _new_quoted_order(live_app, "Fairbanks")
    open_verified(phone, url, "fairbanks")
    expect(phone.locator("#pending-signature")).to_contain_text("Data-handling consent")
    phone.fill("#consent-name", "Sam Fairbanks")
    _draw_signature(phone)
    phone.click("#consent-submit")
    expect(phone.locator("#pending-signature")).to_have_count(0)
    phone.click("#tab-quote")
    expect(phone.locator(".signed-item")).to_contain_text("Data consent")

    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.fill("#order-search", reference)
    expect(desktop.locator(".order-row")).to_have_count(1)
    desktop.locator(".order-row").first.click()
    expect(desktop.locator(".staff-signed")).to_contain_text("Sam Fairbanks")
    old_url = shown_tracking_url(desktop)
    desktop.click("#rotate-link")
    desktop.click("#rotate-confirm")
    expect(desktop.locator("#tracking-url")).not_to_have_text(old_url)
    # the open portal page on the phone is told at once: the old link is dead
    expect(phone.locator("#link-problem")).to_have_text("This link has been replaced", timeout=10_000)


def test_a_new_quote_while_the_customer_signs_resets_the_form_with_the_new_total(live_app, phone, desktop):
    reference, url = _new_quoted_order(live_app, "Okafor")
    open_verified(phone, url + "?tab=quote", "Okafor")
    wait_until_live(phone)
    phone.click("#approve-open")
    phone.fill("#signer-name", "Ngozi Okafor")
    _draw_signature(phone)

    _sign_in(desktop, live_app)
    desktop.fill("#order-search", reference)
    expect(desktop.locator(".order-row")).to_have_count(1)
    desktop.locator(".order-row").first.click()
    desktop.click("#quote-open")
    desktop.locator(".q-price input, input.q-price").first.fill("60")
    desktop.click("#quote-send")
    expect(desktop.locator("#staff-quote-summary")).to_contain_text("Version 2")

    # the open form closed (its signature with it) and says what changed, with the new price
    expect(phone.locator("#quote-error")).to_contain_text("version 2 now totals", timeout=10_000)
    expect(phone.locator("#approve-submit")).to_have_count(0)
    new_total = phone.locator("#quote-total").inner_text()
    assert new_total.startswith("£") and f"totals {new_total}." in phone.locator("#quote-error").inner_text()


def test_the_alert_bell_rings_live_on_another_staff_session_when_a_customer_approves(live_app, phone, desktop):
    reference, url = _new_quoted_order(live_app, "Lindqvist")
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    bell = desktop.locator("#alert-count")
    before = _unread_for_the_signed_in_owner(live_app)  # read from the database, not the bell mid-load
    if before:
        expect(bell).to_have_text(str(before))

    open_verified(phone, url + "?tab=quote", "Lindqvist")
    phone.click("#approve-open")
    phone.click("#agree-terms")
    phone.fill("#signer-name", "Elsa Lindqvist")
    _draw_signature(phone)
    phone.click("#approve-submit")
    expect(phone.locator("#quote-approved")).to_be_visible()

    # the staff member's open board: the bell counts one more, and the order needs attention
    expect(bell).to_have_text(str(before + 1), timeout=10_000)
    desktop.click("#filter-attention")
    desktop.fill("#order-search", reference)
    expect(desktop.locator(".order-row")).to_have_count(1)
    expect(desktop.locator(".order-row .attention")).to_be_visible()
    desktop.click("#alert-bell")
    expect(desktop.locator(".alert-item").first).to_contain_text("Test Lindqvist")
    expect(desktop.locator(".alert-item").first).to_contain_text("Approved the quote")
    desktop.locator(".alert-item .alert-order-link").first.click()
    expect(desktop.locator("#order-attention")).to_contain_text("Approved the quote")
    desktop.click("#alerts-handled")
    expect(desktop.locator("#order-attention")).to_have_count(0)


def _unread_for_the_signed_in_owner(app) -> int:
    from repair_portal.models import StaffUser
    from repair_portal.services import alerts

    from .test_foundation_e2e import _credentials

    email, _ = _credentials(app)
    engine = _engine(app)
    with write_session(engine) as s:
        owner = s.exec(select(StaffUser).where(StaffUser.email == email)).one()
        count = alerts.unread_count(s, owner.id)
    engine.dispose()
    return count
