"""One order with every PDF the app renders on request, and the routes that serve them (staff, the
customer's link, the customer's portal account): shared by the PDF route tests and bench/pdf_first_byte.py."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlmodel import Session, select

from repair_portal.models import Customer, Role, ShopSettings, Signature
from repair_portal.services import attachments, audit, branding, invoices, portal_auth, service_reports
from repair_portal.services.service_reports import ReportForm
from repair_portal.settings import Settings

from . import factories, portal_factories
from .unit.document_fixtures import build_order

OWNER_EMAIL = "owner@example.com"


@dataclass(frozen=True)
class PdfWorld:
    order: int
    code: str
    customer: int
    invoice: int
    signature: int
    report: int
    location: int
    portal_token: str


def image(size: tuple[int, int], colour, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def seed(session: Session, settings: Settings) -> PdfWorld:
    """A shop with a logo and an owner; an order with an approved, signed quote and a payment, its issued
    invoice and an approved service report with a photo; the customer's link opens documents and the
    customer has a portal account. Run it in a write transaction."""
    files: Path = settings.uploads_dir
    actor = audit.SYSTEM
    built = build_order(session)
    owner = factories.staff(session, email=OWNER_EMAIL, role=Role.OWNER, name="Olive Owner")
    shop = session.get(ShopSettings, 1)
    shop.access_mode = "link"
    session.add(shop)
    branding.set_logo(session, files, image((900, 300), (15, 118, 110), "PNG"), actor)
    photo = attachments.add_attachment(
        session, files, built.order, "front.jpg", image((1600, 1200), "orange", "JPEG"), visible=True, actor=actor
    )
    invoice = invoices.issue(session, invoices.create_draft(session, built.order, actor).id, actor)
    signature_id = session.exec(select(Signature.id).where(Signature.order_id == built.order.id)).one()
    form = ReportForm(
        findings="Battery swollen, screen cracked",
        work_done="Battery and screen replaced",
        tests_performed="Charge cycle, touch grid, cameras",
        parts_used="Battery 3000 mAh\nScreen assembly",
        technician_id=str(owner.id),
        photo_ids=str(photo.id),
    )
    staff_actor = audit.Actor("staff", owner.id, owner.email)
    report, _ = service_reports.save_draft(session, built.order.id, None, ReportForm(), form, staff_actor)
    service_reports.approve(session, built.order.id, report.id, report.version, staff_actor)
    customer = session.get(Customer, built.order.customer_id)
    user = portal_factories.portal_user(session, email="zoe@example.com", customer=customer)
    token = portal_auth.open_session(session, settings, user, ip="", user_agent="", mfa_passed=True)
    return PdfWorld(
        order=built.order.id,
        code=built.code,
        customer=built.order.customer_id,
        invoice=invoice.id,
        signature=signature_id,
        report=report.id,
        location=built.order.location_id,
        portal_token=token,
    )


def statement_period() -> str:
    today = datetime.now(UTC).date()
    return f"from={today - timedelta(days=30)}&to={today + timedelta(days=1)}"


def pdf_routes(world: PdfWorld) -> list[tuple[str, str, str]]:
    """(label, path, who asks: "staff", "link" or "portal") for every PDF rendered on request."""
    staff = f"/api/staff/orders/{world.order}"
    track = f"/api/track/{world.code}"
    account = f"/api/portal/orders/{world.order}"
    return [
        ("staff: intake ticket (A4)", f"{staff}/ticket.pdf?layout=a4", "staff"),
        ("staff: intake ticket (80 mm)", f"{staff}/ticket.pdf?layout=receipt80", "staff"),
        ("staff: device label", f"{staff}/label.pdf", "staff"),
        ("staff: quote", f"{staff}/quote.pdf", "staff"),
        ("staff: order invoice", f"{staff}/invoice.pdf", "staff"),
        ("staff: signed authorisation", f"{staff}/signed.pdf", "staff"),
        ("staff: signature record", f"{staff}/signatures/{world.signature}.pdf", "staff"),
        ("staff: numbered invoice", f"/api/staff/invoices/{world.invoice}.pdf", "staff"),
        (
            "staff: account statement",
            f"/api/staff/customers/{world.customer}/statement.pdf?{statement_period()}",
            "staff",
        ),
        ("staff: service report (photo)", f"{staff}/service-reports/{world.report}.pdf", "staff"),
        ("link: quote", f"{track}/quote.pdf", "link"),
        ("link: service report", f"{track}/service-reports/{world.report}.pdf", "link"),
        ("portal: numbered invoice", f"/api/portal/invoices/{world.invoice}.pdf", "portal"),
        ("portal: statement", f"/api/portal/statement.pdf?{statement_period()}", "portal"),
        ("portal: order quote", f"{account}/quote.pdf", "portal"),
        ("portal: service report", f"{account}/service-reports/{world.report}.pdf", "portal"),
    ]
