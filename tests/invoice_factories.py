"""Orders with an approved quote and invoices for them, built through the services."""

from __future__ import annotations

from sqlmodel import Session

from repair_portal.models import Customer, Device, Location, Order, QuoteStatus
from repair_portal.services import audit, invoices, quotes
from repair_portal.services.orders import create_order

from .conftest import TEST_SECRET_KEY

ACTOR = audit.Actor(kind="system", label="test")
LINES = [
    quotes.LineSpec("Replacement screen", 1, 12000),
    quotes.LineSpec("Labour", 2, 1500),
    quotes.LineSpec("Screen protector", 1, 1000, optional=True),
]
# Approved without the protector: 12000 + 3000 = 15000; VAT 20% = 3000; total 18000.


def account(session: Session, company: str = "Quay Works Ltd", **kw) -> Customer:
    customer = Customer(first_name=kw.get("first_name", "Pat"), last_name="Quay", company=company, kind="business")
    session.add(customer)
    session.flush()
    return customer


def approved_order(session: Session, location: Location, customer: Customer, lines=None) -> Order:
    """An order of `customer` whose quote was approved (the optional line declined)."""
    device = Device(customer_id=customer.id, kind="laptop", make="Lenovo", model="ThinkPad T14", serial="NW1")
    session.add(device)
    session.flush()
    order = create_order(
        session, TEST_SECRET_KEY, customer=customer, location=location, device=device, problem="Dead", actor=ACTOR
    ).order
    quote = quotes.create_quote(session, order, lines or LINES, ACTOR)
    quotes.send_quote(session, quote, ACTOR)
    for line in quotes.lines_of(session, quote.id):
        if line.optional:
            line.decision = "declined"
            session.add(line)
    quote.status = QuoteStatus.APPROVED.value
    session.add(quote)
    session.flush()
    return order


def issued_invoice(session: Session, location: Location, customer: Customer, *, due_days: int = 30, extra=None):
    """An issued invoice (total 18000 unless `extra` lines are added as (description, qty, unit price))."""
    order = approved_order(session, location, customer)
    invoice = invoices.create_draft(session, order, ACTOR)
    for description, quantity, price in extra or []:
        invoices.add_line(session, invoice.id, description, quantity, price, ACTOR)
    return invoices.issue(session, invoice.id, ACTOR, due_days=due_days)
