"""One table of document renderers for staff prints and customer downloads. PDFs come through the PDF cache
(integrations/pdf_cache.py), keyed by the document's data and the shop's logos, loaded after the route's
access check."""

from __future__ import annotations

from collections.abc import Callable

Rendered = tuple[bytes, str, str]  # body, media type, file name
Draw = Callable[..., bytes]  # draw(renderer, *args): the renderer's PDF, from the cache when unchanged


def _context(order_id: int):
    """(the order's document data, draw): blocking, call it in a worker thread."""
    from ..db import session_scope
    from ..services.branding import logo_digests
    from ..services.documents import document_context
    from ..settings import get_settings
    from .common import pdf_cache

    settings = get_settings()
    with session_scope() as session:
        doc = document_context(session, order_id, settings.public_url, settings.secret_key)
        logos = logo_digests(session, settings.uploads_dir)
    cache = pdf_cache()
    return doc, lambda renderer, *args: cache.pdf(renderer, *args, extra=logos)


def _ticket(doc, layout: str, draw: Draw) -> Rendered:
    from ..integrations import pdf_ticket

    body = draw(pdf_ticket.intake_ticket_pdf, doc, layout)
    return body, "application/pdf", f"{doc.order.reference}-ticket-{layout}.pdf"


def _label(doc, _layout: str, draw: Draw) -> Rendered:
    from ..integrations import pdf_ticket

    return draw(pdf_ticket.device_label_pdf, doc), "application/pdf", f"{doc.order.reference}-label.pdf"


def _qr(box_size: int) -> Callable:
    def render(doc, _layout: str, _draw: Draw) -> Rendered | None:
        from ..integrations import qr

        if not doc.tracking_url:
            return None
        return qr.qr_png(doc.tracking_url, box_size=box_size), "image/png", f"{doc.order.reference}-qr.png"

    return render


def _quote(doc, _layout: str, draw: Draw) -> Rendered | None:
    from ..integrations import pdf

    if not doc.quote:
        return None
    return draw(pdf.quote_pdf, doc), "application/pdf", f"{doc.order.reference}-quote.pdf"


def _invoice(doc, _layout: str, draw: Draw) -> Rendered | None:
    from ..integrations import pdf

    if not doc.quote:
        return None
    return draw(pdf.invoice_pdf, doc), "application/pdf", f"{doc.order.reference}-invoice.pdf"


def _signed(doc, _layout: str, draw: Draw) -> Rendered | None:
    from ..integrations import pdf

    signed = [s for s in doc.signatures if s.document_kind == "quote"]
    if not signed:
        return None
    body = draw(pdf.signed_authorisation_pdf, doc, signed[-1])
    return body, "application/pdf", f"{doc.order.reference}-signed-authorisation.pdf"


STAFF_DOCUMENTS: dict[str, Callable] = {
    "ticket": _ticket,
    "label": _label,
    "qr": _qr(10),
    "quote": _quote,
    "invoice": _invoice,
    "signed": _signed,
}
PORTAL_DOCUMENTS: dict[str, Callable] = {"qr": _qr(8), "quote": _quote, "invoice": _invoice, "signed": _signed}
SUFFIXES = {
    "ticket": "ticket.pdf",
    "label": "label.pdf",
    "qr": "qr.png",
    "quote": "quote.pdf",
    "invoice": "invoice.pdf",
    "signed": "signed.pdf",
}


def render_signature(order_id: int, signature_id: int) -> Rendered | None:
    """Any one signature of the order as a printable record (blocking: call it in a worker thread)."""
    from ..db import session_scope
    from ..integrations import pdf
    from ..models import Order

    with session_scope() as session:
        if session.get(Order, order_id) is None:
            return None
    doc, draw = _context(order_id)
    found = [s for s in doc.signatures if s.id == signature_id]
    if not found:
        return None
    slug = found[0].purpose_label.lower().replace(" ", "-")
    return draw(pdf.signed_authorisation_pdf, doc, found[0]), "application/pdf", f"{doc.order.reference}-{slug}.pdf"


def render(table: dict[str, Callable], kind: str, order_id: int, layout: str = "a4") -> Rendered | None:
    """Blocking (PDF, PNG): call it in a worker thread."""
    doc, draw = _context(order_id)
    return table[kind](doc, layout, draw)
