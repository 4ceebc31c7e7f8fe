"""A fully populated order for document tests: approved quote, a payment, a signature."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlmodel import Session

from repair_portal.models import Order, Quote, Signature, SignaturePurpose
from repair_portal.services import clock, payments, quotes

from .. import factories

HOURS = {
    "mon": "09:00–17:30",
    "tue": "09:00–17:30",
    "wed": "09:00–17:30",
    "thu": "09:00–19:00",
    "fri": "09:00–17:30",
    "sat": "10:00–16:00",
}
TERMS = (
    "1. We will not start chargeable work until you approve a quote.\n"
    "2. Back up your data: we are not responsible for data loss.\n"
    "3. Repairs carry a 90-day warranty on parts and labour.\n"
    "4. Devices not collected within 90 days of completion may be disposed of."
)
MM_PER_PT = 25.4 / 72
USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


@dataclass
class Built:
    order: Order
    quote: Quote
    code: str


def signature_png() -> bytes:
    """A transparent pad image with a pen stroke, like react-signature-canvas produces."""
    image = Image.new("RGBA", (500, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(30 + x * 4, 90 + int(35 * ((x % 20) - 10) / 10) * (-1) ** (x // 20)) for x in range(110)]
    draw.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_order(session: Session, *, first_name: str = "Zoë", last_name: str = "Wójcik", sign: bool = True) -> Built:
    shop, location = factories.shop(session)
    shop.name = "FixPoint Repairs"
    shop.accent_color = "#0f766e"
    shop.terms_text = TERMS
    location.name = "FixPoint Camden"
    location.address = "12 Parkway, London NW1 7AA"
    location.opening_hours_json = json.dumps(HOURS)
    session.add_all([shop, location])
    new = factories.order(session, location, first_name=first_name, last_name=last_name)
    order = new.order
    order.intake_condition = "Minor scuffs on the back; screen cracked top-left."
    order.promised_at = datetime(2026, 11, 6, 17, 0, tzinfo=UTC)
    session.add(order)

    lines = [
        quotes.LineSpec("Replacement screen assembly (OEM grade)", 1, 14900),
        quotes.LineSpec("Labour: screen replacement", 1, 3540),
        quotes.LineSpec("Tempered glass protector", 1, 1200, optional=True),
    ]
    quote = quotes.create_quote(
        session, order, lines, factories.ACTOR, valid_until=clock.now() + timedelta(days=14), notes=""
    )
    quotes.send_quote(session, quote, factories.ACTOR)
    optional = quotes.lines_of(session, quote.id)[-1]
    optional.decision = "declined"
    quote.status = "approved"
    quote.decided_at = clock.now() + timedelta(hours=2)
    quote.decision_channel = "portal"
    quote.decided_by_name = f"{first_name} {last_name}"
    session.add_all([optional, quote])
    payments.record_payment(session, order, 10000, "card", factories.ACTOR, reference="Deposit")

    if sign:
        digest = hashlib.sha256(b"quote v1 text").hexdigest()
        session.add(
            Signature(
                order_id=order.id,
                quote_id=quote.id,
                purpose=SignaturePurpose.REPAIR_AUTHORISATION.value,
                document_kind="quote",
                document_version="1",
                document_sha256=digest,
                consent_text_version="2026-01",
                signer_name=f"{first_name} {last_name}",
                image_png=signature_png(),
                auth_method="link_last_name",
                ip="203.0.113.7",
                user_agent=USER_AGENT,
                signed_at=clock.now() + timedelta(hours=2),
                prev_hash="0" * 64,
                record_hash=hashlib.sha256(digest.encode()).hexdigest(),
            )
        )
    session.flush()
    return Built(order, quote, new.code)


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


def page_size_mm(data: bytes, index: int = 0) -> tuple[float, float]:
    box = pdf_reader(data).pages[index].mediabox
    return float(box.width) * MM_PER_PT, float(box.height) * MM_PER_PT


def render_page(data: bytes, workdir: Path, *, dpi: int = 300) -> Image.Image:
    """First page as an image via poppler's pdftoppm: what a printer would put on paper."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.fail("pdftoppm not found: install Debian's poppler-utils (apt-get install -y poppler-utils)")
    source = workdir / "page.pdf"
    source.write_bytes(data)
    subprocess.run(
        [exe, "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-singlefile", source, workdir / "page"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    image = Image.open(workdir / "page.png")
    image.load()
    return image


def decode_qr_codes(image: Image.Image) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        pytest.fail("zxing-cpp is not installed: pip install zxing-cpp==3.1.1 (a test dependency)")

    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
