"""Build real objects through the services (no hand-made rows where a service exists)."""

from __future__ import annotations

from sqlmodel import Session

from repair_portal.models import Customer, Device, Location, Role, ShopSettings
from repair_portal.services import audit, workflow
from repair_portal.services.orders import NewOrder, create_order
from repair_portal.services.staff_auth import create_staff_user

from .conftest import TEST_SECRET_KEY

STAFF_PASSWORD = "correct horse battery staple 42"
ACTOR = audit.Actor(kind="system", label="test")


def shop(session: Session) -> tuple[ShopSettings, Location]:
    settings = ShopSettings(id=1, name="Test Repairs", tax_rate_bp=2000)
    location = Location(name="High Street", phone="+44 20 0000 0000", email="shop@example.com")
    session.add_all([settings, location])
    workflow.create_default_stages(session)
    session.flush()
    return settings, location


def staff(session: Session, email: str = "tech@example.com", role: Role = Role.TECHNICIAN, **kw):
    return create_staff_user(
        session, email=email, name=kw.get("name", "Tess Tech"), password=kw.get("password", STAFF_PASSWORD), role=role
    )


def order(session: Session, location: Location, *, last_name: str = "Nowak", **kw) -> NewOrder:
    customer = Customer(first_name=kw.get("first_name", "Ada"), last_name=last_name, email="ada@example.com")
    session.add(customer)
    session.flush()
    device = Device(customer_id=customer.id, kind="phone", make="Apple", model="iPhone 13", serial="SN123")
    session.add(device)
    session.flush()
    return create_order(
        session,
        TEST_SECRET_KEY,
        customer=customer,
        location=location,
        device=device,
        problem=kw.get("problem", "Cracked screen"),
        actor=ACTOR,
    )


def tiny_pdf(text: str = "Report") -> bytes:
    """A real one-page PDF (fpdf2), as a phone's scanner app would send."""
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text=text)
    return bytes(doc.output())
