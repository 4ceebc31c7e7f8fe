"""The demo's service report (an approved one on a Northwind order) and its shared files: a "Certificates"
folder with a certificate only Northwind sees, a "Manuals" folder every account sees. The PDFs are made
with fpdf2 while seeding."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ..integrations.images import store_photo
from ..models import Attachment, AttachmentKind, Customer, Order
from . import audit, resources, service_reports
from .demo_images import device_photo

MANUALS = [
    (
        "Rugged handheld care guide",
        [
            "Charge the handheld in its cradle at the end of every shift.",
            "Wipe the scanner window with a dry microfibre cloth; never use solvents.",
            "In cold stores, let the device warm up for ten minutes before charging.",
            "Report a cracked screen at once: moisture gets in within days.",
        ],
    ),
    (
        "Laptop battery and charging advice",
        [
            "Keep laptops plugged in at desks only when the battery saver limit is on (80%).",
            "A swollen battery lifts the keyboard or the trackpad: stop using the laptop and call us.",
            "Use the original charger or a USB-C charger of the same wattage.",
        ],
    ),
]
CERTIFICATE = (
    "Northwind Facilities - equipment inspection certificate 2026",
    [
        "Customer: Northwind Facilities Ltd",
        "Scope: 42 laptops, 18 handheld scanners, 9 tablets at three sites",
        "Result: all items passed the visual inspection and the electrical safety test",
        "Next inspection due: within 12 months",
    ],
)


def _pdf(shop_name: str, title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.set_title(title)
    doc.set_author(shop_name)
    doc.add_page()
    doc.set_font("helvetica", "B", 18)
    doc.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("helvetica", size=11)
    for line in lines:
        doc.multi_cell(0, 6, f"- {line}", new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)
    doc.ln(6)
    doc.set_font("helvetica", "I", 9)
    doc.cell(0, 5, f"Issued by {shop_name}. Demo document.")
    return bytes(doc.output())


def seed_shared_files(session: Session, files_dir: Path, shop_name: str, account: Customer, actor: audit.Actor):
    store = resources.storage_dir(files_dir)
    certificates = resources.add_folder(session, "Certificates", actor)
    manuals = resources.add_folder(session, "Manuals", actor)
    for title, lines in MANUALS:
        item = resources.prepare(store, f"{title}.pdf", _pdf(shop_name, title, lines))
        resources.add_file(session, manuals.id, item, shared_with_all=True, actor=actor)
    title, lines = CERTIFICATE
    item = resources.prepare(store, f"{title}.pdf", _pdf(shop_name, title, lines))
    item = resources.add_file(session, certificates.id, item, shared_with_all=False, actor=actor)
    resources.set_sharing(session, item.id, False, [account.id], actor)


def seed_service_report(session: Session, files_dir: Path, order: Order, technician_id: int, actor: audit.Actor):
    """An approved report with a photo the customer can see, on one of the account's finished orders."""
    stored = store_photo(device_photo("tablet", 11, cracked=True, label="Before"), files_dir)
    photo = Attachment(
        order_id=order.id,
        kind=AttachmentKind.PHOTO.value,
        title="Screen before the repair",
        original_filename="before.jpg",
        visible_to_customer=True,
        uploaded_by_id=technician_id,
        **stored.__dict__,
    )
    session.add(photo)
    session.flush()
    form = service_reports.ReportForm(
        findings="Screen delaminating at the lower edge; digitiser intact. Battery health 91%.",
        work_done="Replaced the display assembly and the adhesive seal. Updated the firmware.",
        tests_performed="Touch grid test passed. Drop-seal check passed. Charged and discharged one full cycle.",
        parts_used="Display assembly (Tab Active4 Pro)\nAdhesive seal kit",
        technician_id=str(technician_id),
        photo_ids=str(photo.id),
    )
    draft, _ = service_reports.save_draft(session, order.id, None, service_reports.ReportForm(), form, actor)
    service_reports.approve(session, order.id, draft.id, draft.version, actor)
