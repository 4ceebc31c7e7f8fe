"""Pay online on a phone through the demo's Stripe stand-in; the staff order page shows it without a reload.
The stand-in is the app's own demo mount (no internet): the real `stripe` client creates the checkout, the
hosted page imitation sends a correctly signed webhook, and only that webhook records the payment."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import Customer, Device, Location, Order, OutboxMessage, Payment, ProviderEvent
from repair_portal.services import audit, portal_links, quotes
from repair_portal.services.orders import create_order

from . import axe
from .conftest import shot
from .test_foundation_e2e import _sign_in, open_verified


def _engine(app):
    return make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")


def _approved_order(app, last_name: str) -> tuple[int, str, str]:
    """A walk-in order with an approved £54.00 quote (45.00 + VAT); returns (id, reference, tracking url)."""
    engine = _engine(app)
    key = (app.data_dir / "secret_key").read_text().strip()
    with write_session(engine) as s:
        customer = Customer(first_name="Priya", last_name=last_name, email=f"{last_name.lower()}@e2e.test")
        s.add(customer)
        s.flush()
        device = Device(customer_id=customer.id, make="Apple", model="iPhone 13")
        s.add(device)
        s.flush()
        new = create_order(
            s,
            key,
            customer=customer,
            location=s.exec(select(Location)).first(),
            device=device,
            problem="Cracked screen",
            actor=audit.SYSTEM,
        )
        quote = quotes.create_quote(s, new.order, [quotes.LineSpec("Screen", 1, 4500)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        quote.status = "approved"
        s.add(quote)
        code = portal_links.current_code(s, key, new.order.id)
        order_id, reference = new.order.id, new.order.reference
    engine.dispose()
    return order_id, reference, app.url(f"/track/{code}")


def test_a_customer_pays_the_balance_on_a_phone_and_staff_see_it_live(live_app, phone, desktop):
    order_id, reference, url = _approved_order(live_app, "Paywell")
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url(f"/staff/orders/{order_id}"))
    expect(desktop.locator("#staff-money")).to_contain_text("balance £54.00")

    open_verified(phone, url, "paywell")
    pay = phone.locator("#pay-balance")
    expect(pay).to_have_text(re.compile(r"Pay £54\.00"))
    expect(phone.locator("#pay-demo-note")).to_contain_text("no money moves")
    axe.check(phone, "track page with Pay")
    shot(phone, "track-pay-phone")
    pay.click()

    expect(phone.get_by_text("Demo checkout — no money moves")).to_be_visible()  # the stand-in's hosted page
    expect(phone.locator("body")).to_contain_text("£54.00")
    shot(phone, "demo-checkout-phone")
    phone.get_by_role("button", name="Decline").click()
    expect(phone.get_by_role("alert")).to_contain_text("declined")
    phone.get_by_role("button", name="Pay (test card)").click()
    clicked = time.perf_counter()

    expect(phone).to_have_url(re.compile(r"/pay/return/?$"))
    expect(phone.locator("#pay-result-heading")).to_have_text("Payment received", timeout=15_000)
    expect(phone.locator("#pay-return")).to_contain_text("£54.00")
    axe.check(phone, "payment received")
    shot(phone, "pay-return-phone")
    expect(desktop.locator("#staff-money")).to_contain_text("balance £0.00", timeout=15_000)
    print(f"webhook-to-staff-screen (from the stand-in's Pay click): {time.perf_counter() - clicked:.2f} s")
    expect(desktop.locator("#online-payments")).to_contain_text("£54.00 online")
    shot(desktop, "staff-paid-online-desktop")

    phone.click("#pay-back")  # back to the tracking page this tab came from
    expect(phone).to_have_url(re.compile(r"/track/"))
    expect(phone.locator("#balance-due")).to_have_text("£0.00")
    expect(phone.locator("#pay-balance")).to_have_count(0)

    engine = _engine(live_app)
    with write_session(engine) as s:
        paid = s.exec(select(Payment).where(Payment.order_id == order_id)).all()
        assert [(p.amount_minor, p.method) for p in paid] == [(5400, "card_online")]
        assert s.exec(select(ProviderEvent).where(ProviderEvent.type == "checkout.session.completed")).first()
        receipt = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.order_id == order_id, OutboxMessage.template == "payment_received"
            )
        ).one()
        assert "£54.00" in receipt.subject and reference in receipt.subject
        assert s.get(Order, order_id) is not None
    engine.dispose()


def test_cancelling_on_the_payment_page_takes_nothing_and_says_so(live_app, phone):
    order_id, _reference, url = _approved_order(live_app, "Backout")
    open_verified(phone, url, "backout")
    phone.click("#pay-balance")
    expect(phone.get_by_text("Demo checkout — no money moves")).to_be_visible()
    phone.get_by_role("link", name=re.compile("Back")).click()
    expect(phone.locator("#pay-result-heading")).to_have_text("Payment cancelled")
    expect(phone.locator("#pay-return")).to_contain_text("Nothing was taken")
    shot(phone, "pay-cancelled-phone")
    phone.click("#pay-back")
    expect(phone.locator("#balance-due")).to_have_text("£54.00")
    engine = _engine(live_app)
    with write_session(engine) as s:
        assert s.exec(select(Payment).where(Payment.order_id == order_id)).all() == []
    engine.dispose()


def _quoted_order_at_a_deposit_location(app, last_name: str) -> tuple[int, str]:
    """A sent £54.00 quote at a location of its own that asks for a 50% deposit (other tests' orders keep
    the shop's rule: none)."""
    engine = _engine(app)
    key = (app.data_dir / "secret_key").read_text().strip()
    with write_session(engine) as s:
        location = Location(name=f"Deposit desk {last_name}", deposit_rule="percent", deposit_value=5000)
        s.add(location)
        customer = Customer(first_name="Dee", last_name=last_name, email="")
        s.add(customer)
        s.flush()
        device = Device(customer_id=customer.id, make="Samsung", model="Galaxy S23")
        s.add(device)
        s.flush()
        new = create_order(
            s, key, customer=customer, location=location, device=device, problem="Battery", actor=audit.SYSTEM
        )
        quote = quotes.create_quote(s, new.order, [quotes.LineSpec("Battery", 1, 4500)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        code = portal_links.current_code(s, key, new.order.id)
        order_id = new.order.id
    engine.dispose()
    return order_id, app.url(f"/track/{code}")


def test_approving_a_quote_offers_the_deposit_which_can_be_skipped_or_paid(live_app, phone):
    order_id, url = _quoted_order_at_a_deposit_location(live_app, "Depositor")
    open_verified(phone, url + "?tab=quote", "depositor")
    phone.click("#approve-open")
    phone.click("#agree-terms")
    phone.fill("#signer-name", "Dee Depositor")
    phone.click("#sign-method-typed")
    phone.click("#approve-submit")
    expect(phone.locator("#quote-approved")).to_be_visible()
    offer = phone.locator("#deposit-offer")
    expect(offer).to_contain_text("We ask for a deposit of £27.00")
    expect(phone.locator("#pay-deposit")).to_have_text(re.compile(r"Pay the £27\.00 deposit now"))
    shot(phone, "track-deposit-offer-phone")
    phone.click("#skip-deposit")
    expect(offer).to_have_count(0)
    expect(phone.locator("#quote-approved")).to_be_visible()
    phone = phone.context.new_page()  # another visit (a new tab): skipped then, offered again now
    phone.goto(url + "?tab=quote")
    expect(phone.locator("#pay-deposit")).to_be_visible()
    phone.click("#pay-deposit")
    expect(phone.get_by_text("Demo checkout — no money moves")).to_be_visible()
    expect(phone.locator("body")).to_contain_text("£27.00")
    phone.get_by_role("button", name="Pay (test card)").click()
    expect(phone.locator("#pay-result-heading")).to_have_text("Payment received", timeout=15_000)
    phone.click("#pay-back")
    expect(phone.locator("#balance-due")).to_have_text("£27.00")
    phone.click("#tab-quote")
    expect(phone.locator("#quote-approved")).to_be_visible()
    expect(phone.locator("#deposit-offer")).to_have_count(0)  # paid: nothing more is asked
    engine = _engine(live_app)
    with write_session(engine) as s:
        paid = s.exec(select(Payment).where(Payment.order_id == order_id)).all()
        assert [(p.amount_minor, p.method) for p in paid] == [(2700, "card_online")]
    engine.dispose()
