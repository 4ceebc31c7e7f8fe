"""Signing at the counter: staff hand the screen over, the customer signs, the staff password takes it back."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Customer, Device, Location
from repair_portal.services import audit
from repair_portal.services.orders import create_order

from .conftest import shot
from .helpers import wait_until_live
from .test_foundation_e2e import _credentials, _sign_in
from .test_quote_e2e import _draw_signature, _engine


def _new_order(app) -> int:
    engine = _engine(app)
    key = (app.data_dir / "secret_key").read_text().strip()
    with write_session(engine) as s:
        customer = Customer(first_name="Cora", last_name="Counter", email="")
        s.add(customer)
        s.flush()
        device = Device(customer_id=customer.id, make="Apple", model="iPad Air")
        s.add(device)
        s.flush()
        location = s.exec(select(Location)).first()
        new = create_order(
            s, key, customer=customer, location=location, device=device, problem="Cracked glass", actor=audit.SYSTEM
        )
        order_id = new.order.id
    engine.dispose()
    return order_id


def test_the_customer_signs_at_the_counter_and_only_the_staff_password_leaves_the_screen(live_app, desktop):
    order_id = _new_order(live_app)
    _sign_in(desktop, live_app)
    expect(desktop).to_have_url(re.compile(r"/staff/?$"))
    desktop.goto(live_app.url(f"/staff/orders/{order_id}"))
    wait_until_live(desktop)
    desktop.locator(".counter-choice", has_text="Data-handling consent").click()

    expect(desktop).to_have_url(re.compile(r"/staff/counter$"))
    expect(desktop.locator("#counter-title")).to_have_text("Data-handling consent")
    expect(desktop.locator("#counter-name")).to_have_value("Cora Counter")
    # The customer tries to wander off: every staff address leads back to the screen.
    desktop.goto(live_app.url("/staff/customers"))
    expect(desktop).to_have_url(re.compile(r"/staff/counter$"))
    expect(desktop.locator("#counter-title")).to_be_visible()
    shot(desktop, "counter-screen")

    desktop.locator("#counter-submit").click()  # nothing drawn yet
    expect(desktop.locator("#counter-sign-error")).to_contain_text("Please sign in the box above")
    desktop.locator("canvas.signature-canvas").scroll_into_view_if_needed()
    _draw_signature(desktop)
    desktop.locator("#counter-submit").click()
    expect(desktop.locator("#counter-done")).to_have_text("Thank you, Cora Counter")
    shot(desktop, "counter-signed")

    desktop.locator("#counter-unlock-open").click()
    desktop.fill("#counter-password", "not the password at all")
    desktop.locator("#counter-unlock").click()
    expect(desktop.locator("#counter-password-error")).to_contain_text("isn't the password")
    _, password = _credentials(live_app)
    desktop.fill("#counter-password", password)
    desktop.locator("#counter-unlock").click()

    expect(desktop).to_have_url(re.compile(rf"/staff/orders/{order_id}$"))
    row = desktop.locator(".staff-signed", has_text="Data consent")
    expect(row).to_contain_text("In person at the counter")
    expect(desktop.locator(".counter-choice", has_text="Data-handling consent")).to_have_count(0)  # signed now
    row.get_by_role("button", name="View the Data consent signature").click()
    expect(desktop.locator("#signature-text")).to_contain_text("backed up")
    image = desktop.locator("#signature-image")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")  # the PNG loaded through the staff route
    expect(desktop.locator("#signature-print")).to_have_attribute("href", re.compile(r"/signatures/\d+\.pdf$"))
