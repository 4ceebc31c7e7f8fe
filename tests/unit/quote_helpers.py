"""Shared builders for the quote-decision and signature tests: a shop, an order with a sent quote, pad PNGs."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import func
from sqlmodel import Session, select

from repair_portal.models import AuditEvent, Location, Order, Quote, Signature
from repair_portal.services import audit, clock, quote_decisions, quotes

from .. import factories

TERMS = "1. No fix, no fee.\n2. Back up your data first.\n3. 90-day warranty on parts and labour."
CUSTOMER = audit.Actor("customer", None, "tracking link", "203.0.113.7", "pytest-browser/1.0")
LINES = [
    quotes.LineSpec("Replacement screen", 1, 12000),
    quotes.LineSpec("Labour", 2, 1500),
    quotes.LineSpec("Screen protector", 1, 1000, optional=True),
]
# 12000 + 3000 + 1000 = 16000; VAT 20% = 3200; total 19200. Without the protector: 15000 + 3000 = 18000.


def pad_png(size: tuple[int, int] = (400, 150), *, strokes: int = 3, opaque_background: bool = False) -> bytes:
    """What react-signature-canvas produces: a transparent canvas with a few dark pen lines."""
    background = (255, 255, 255, 255) if opaque_background else (0, 0, 0, 0)
    image = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(strokes):
        y = int(h * (i + 1) / (strokes + 1))
        draw.line([(w // 10, y), (w // 2, h - y), (w - w // 10, y)], fill=(10, 10, 40, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@dataclass
class Setup:
    order_id: int
    quote_id: int
    location: Location


def make_order(session: Session, location: Location, last_name: str = "Nowak") -> Order:
    return factories.order(session, location, last_name=last_name).order


def shop_with_sent_quote(session: Session, lines: list[quotes.LineSpec] | None = None) -> Setup:
    shop, location = factories.shop(session)
    shop.terms_text = TERMS
    session.add(shop)
    order = make_order(session, location)
    quote = quotes.create_quote(
        session, order, lines or LINES, factories.ACTOR, valid_until=clock.now() + timedelta(days=14)
    )
    quotes.send_quote(session, quote, factories.ACTOR)
    session.flush()
    return Setup(order.id, quote.id, location)


def sent_quote_for(session: Session, order: Order, lines: list[quotes.LineSpec] | None = None) -> Quote:
    quote = quotes.create_quote(session, order, lines or LINES, factories.ACTOR)
    return quotes.send_quote(session, quote, factories.ACTOR)


def approve(session: Session, order_id: int, version: int = 1, **overrides) -> quote_decisions.Decision:
    """Approve as the customer would from the portal, with the hash of what the portal shows now."""
    if "expected_sha256" not in overrides:
        view = quote_decisions.customer_view_of_quote(session, order_id)
        overrides["expected_sha256"] = view.document_sha256 if view else ""
    kwargs = dict(
        signer_name="Ada Nowak",
        signature_png=pad_png(),
        agreed_to_terms=True,
        auth_method="link_last_name",
        ip="203.0.113.7",
        user_agent="pytest-browser/1.0",
        actor=CUSTOMER,
    )
    kwargs.update(overrides)
    return quote_decisions.approve_quote(session, order_id, version, **kwargs)


def decline(session: Session, order_id: int, version: int = 1, reason: str = "Too expensive for me"):
    return quote_decisions.decline_quote(
        session, order_id, version, reason=reason, actor=CUSTOMER, ip="203.0.113.7", user_agent="pytest-browser/1.0"
    )


def count_audit(session: Session, action: str, order_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    if order_id is not None:
        stmt = stmt.where(AuditEvent.order_id == order_id)
    return session.exec(stmt).one()


def count_signatures(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Signature)).one()
