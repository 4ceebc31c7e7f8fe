"""Printable A4 documents for one order: quote, invoice/receipt, signed authorisation (and, re-exported, tickets).

Every function takes the `OrderDocument` built by services.documents and returns PDF bytes.
"""

from __future__ import annotations

import io

from fpdf.enums import XPos, YPos
from PIL import Image, UnidentifiedImageError

from .document_data import OrderDocument, SignatureInfo
from .pdf_common import INK, MONO, MUTED, RULE, DocumentPDF
from .pdf_ticket import device_label_pdf, intake_ticket_pdf

__all__ = ["device_label_pdf", "intake_ticket_pdf", "invoice_pdf", "quote_pdf", "signed_authorisation_pdf"]

STATUS_WORDS = {
    "approved": "Approved",
    "declined": "Declined",
    "sent": "Awaiting your decision",
    "superseded": "Replaced",
}


def quote_pdf(doc: OrderDocument) -> bytes:
    quote = doc.quote
    if quote is None:
        raise ValueError("this order has no quote to print")
    pdf = DocumentPDF(doc, "Quote")
    pdf.add_page()
    pdf.letterhead(
        [
            ("Reference", doc.order.reference),
            ("Quote version", f"v{quote.version}"),
            ("Issued", quote.sent_at.split(",")[0] if quote.sent_at else doc.generated_at.split(",")[0]),
            ("Valid until", quote.valid_until),
        ]
    )
    pdf.parties()
    pdf.field_rows([("Reported fault", doc.order.problem)], label_w=32)
    pdf.section(f"Quote v{quote.version} · {STATUS_WORDS.get(quote.status, quote.status.capitalize())}")
    pdf.lines_table(quote)
    pdf.quote_totals(quote)
    pdf.ln(4)

    notes = []
    if quote.status == "approved" and quote.decided_at:
        who = f" by {quote.decided_by_name}" if quote.decided_by_name else ""
        notes.append(f"Approved on {quote.decided_at}{who}.")
    elif quote.status == "declined":
        notes.append(f"Declined on {quote.decided_at}." if quote.decided_at else "Declined.")
    if quote.valid_until:
        notes.append(f"This quote is valid until {quote.valid_until}.")
    notes.append("Prices include the tax shown.")
    if quote.status == "sent":
        notes.append("Nothing is repaired or charged until you approve the quote.")
    pdf.text_line(" ".join(notes), size=9, color=MUTED)
    if quote.notes:
        pdf.section("Notes")
        pdf.text_line(quote.notes)
    if doc.shop.terms_text:
        pdf.section("Terms and conditions")
        pdf.text_line(doc.shop.terms_text, size=8.5, color=MUTED)
    return pdf.output_bytes()


def invoice_pdf(doc: OrderDocument) -> bytes:
    quote = doc.billed_quote
    settled = doc.balance_minor <= 0 and bool(doc.payments)
    pdf = DocumentPDF(doc, "Receipt" if settled else "Invoice")
    pdf.add_page()
    pdf.letterhead(
        [
            ("Invoice no.", doc.order.reference),
            ("Date", doc.generated_at.split(",")[0]),
            ("Quote version", f"v{quote.version}" if quote else ""),
            ("Balance due", doc.balance),
        ]
    )
    pdf.parties()
    pdf.section("Charges")
    if quote:
        pdf.lines_table(quote, billable_only=True)
        pdf.quote_totals(quote)
    else:
        pdf.text_line("No quote has been approved for this repair yet.", color=MUTED)

    pdf.section("Payments")
    if doc.payments:
        with pdf.table(
            col_widths=(30, 34, pdf.epw - 30 - 34 - pdf.MONEY_W, pdf.MONEY_W),
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
            borders_layout="HORIZONTAL_LINES",
            headings_style=pdf.heading_style(),
            line_height=5,
            padding=(1.4, 2),
            width=pdf.epw,
            align="LEFT",
        ) as table:
            pdf.font(9.5)
            table.row(["Date", "Method", "Reference", "Amount"])
            for payment in doc.payments:
                detail = " · ".join(p for p in (payment.reference, payment.note) if p)
                table.row([payment.received_at, payment.method, detail, payment.amount])
        pdf.ln(2)
    else:
        pdf.text_line("No payments recorded yet.", color=MUTED)
        pdf.ln(2)
    pdf.totals(
        [
            ("Total", quote.total if quote else "—", False),
            ("Paid", doc.paid, False),
            ("Balance due", doc.balance, True),
        ]
    )
    pdf.ln(5)
    if settled:
        pdf.text_line("Paid in full. Thank you for choosing us.", bold=True, color=pdf.accent)
    else:
        pdf.text_line("Please pay the balance when you collect your device.", color=MUTED)
    return pdf.output_bytes()


def _signature_image(png: bytes) -> Image.Image | None:
    """Signatures were checked with Pillow on the way in; still, a bad blob must not break the document."""
    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if image.mode in ("RGBA", "LA", "P"):
        # Flatten onto white: transparent pad strokes otherwise print on black in some viewers.
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image).convert("RGB")
    return image


def _signature_block(pdf: DocumentPDF, signature: SignatureInfo) -> None:
    """The pen image above a signing line, with who and when beside it."""
    box_w, box_h = 80.0, 26.0
    pdf.ensure_space(box_h + 4)
    x, y = pdf.l_margin, pdf.get_y()
    image = _signature_image(signature.image_png)
    if image is not None:
        scale = min((box_w - 4) / image.width, (box_h - 3) / image.height)
        w, h = image.width * scale, image.height * scale
        pdf.image(image, x=x + 2, y=y + (box_h - h) / 2, w=w, h=h)
    else:
        pdf.set_xy(x, y + box_h / 2 - 3)
        pdf.font(9, color=MUTED)
        pdf.cell(box_w, 6, "(signature image unavailable)", align="C")
    pdf.set_draw_color(*INK)
    pdf.line(x, y + box_h, x + box_w, y + box_h)
    pdf.set_draw_color(*RULE)
    info_x, info_w = x + box_w + 10, pdf.epw - box_w - 10
    pdf.set_xy(info_x, y + box_h - 15)
    pdf.font(8, color=MUTED)
    pdf.cell(info_w, 4.5, "Signed by", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.font(11, bold=True)
    pdf.multi_cell(info_w, 5.5, signature.signer_name, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.font(9, color=MUTED)
    pdf.cell(info_w, 4.8, signature.signed_at_local, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), y + box_h) + 3)


def signed_authorisation_pdf(doc: OrderDocument, signature: SignatureInfo) -> bytes:
    quote = signature.quote
    pdf = DocumentPDF(doc, signature.purpose_label)
    pdf.add_page()
    pdf.letterhead(
        [
            ("Reference", doc.order.reference),
            ("Quote version", f"v{quote.version}" if quote else ""),
            ("Signed", signature.signed_at_local),
        ]
    )
    pdf.parties()
    pdf.section("What was signed")
    if quote:
        pdf.text_line(
            f"{signature.signer_name} authorised {doc.shop.name or 'the shop'} to carry out the work in quote "
            f"v{quote.version} for a total of {quote.total} (including {quote.tax_label}).",
            size=10,
        )
        pdf.ln(3)
        pdf.lines_table(quote)
        pdf.quote_totals(quote)
    else:
        pdf.text_line(f"{signature.signer_name} signed this ({signature.purpose_label.lower()}):", size=10)
        pdf.ln(2)
        for paragraph in (signature.text or "").split("\n"):
            if paragraph.strip():
                pdf.text_line(paragraph.strip(), size=9.5)

    pdf.section("Signature")
    _signature_block(pdf, signature)
    pdf.ensure_space(62)
    pdf.section("Audit trail")
    rows = [
        ("Signer", signature.signer_name, False),
        ("Signed at (UTC)", signature.signed_at_utc, True),
        ("IP address", signature.ip, True),
        ("User agent", signature.user_agent, False),
        ("Verified by", signature.channel or signature.auth_method, False),
        ("Signature", signature.method, False),
        ("Document", f"{signature.document_kind}, version {signature.document_version}", False),
        ("Quote version", f"v{quote.version}" if quote else "", False),
        ("Consent text", f"version {signature.consent_text_version}" if signature.consent_text_version else "", False),
        ("Document SHA-256", signature.document_sha256, True),
        ("Record hash", signature.record_hash, True),
    ]
    for label, value, mono in rows:
        if not value:
            continue
        pdf.font(8.5, color=MUTED)
        pdf.cell(36, 4.8, label)
        if mono:
            pdf.set_font(MONO, "", 8.5)
            pdf.set_text_color(*INK)
            value = value.encode("latin-1", "replace").decode("latin-1")  # core fonts are Latin-1 only
        else:
            pdf.font(8.5)
        pdf.multi_cell(pdf.epw - 36, 4.8, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.text_line(
        "The document SHA-256 identifies the exact text shown to the signer; the record hash chains this "
        "signature to the ones recorded before it, so later changes can be detected.",
        size=7.5,
        color=MUTED,
    )
    return pdf.output_bytes()
