"""What staff see of each signature on an order: the image, when, where from (channel, IP, browser)
and the words signed, for the order page and the printed signature record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Quote, Signature
from . import consents, timefmt
from .signatures import METHOD_LABELS, purpose_label

CHANNEL_LABELS = {
    "link": "Tracking link",
    "link_last_name": "Tracking link and last name",
    "account": "Customer account",
    "in_person": "In person at the counter",
}


def channel_label(auth_method: str) -> str:
    return CHANNEL_LABELS.get(auth_method, auth_method.replace("_", " ").capitalize())


@dataclass(frozen=True)
class SignatureRow:
    """One line of the order page's signature list."""

    id: int
    label: str
    signer_name: str
    signed_at: str
    channel: str
    quote: bool = False  # a quote authorisation (its own PDF on the quote card)


@dataclass(frozen=True)
class SignatureDetail:
    id: int = 0
    label: str = ""
    signer_name: str = ""
    signed_at: str = ""  # shop time
    signed_at_utc: str = ""
    channel: str = ""
    method: str = ""  # drawn on screen / typed name
    ip: str = ""
    user_agent: str = ""
    text: str = ""  # the words signed (a quote signature: the authorisation sentence; the quote is its own PDF)
    quote_version: int = 0  # 0: not a quote signature
    record_hash: str = ""


def rows_for_order(session: Session, order_id: int) -> list[SignatureRow]:
    tz = timefmt.shop_timezone(session)
    found = session.exec(
        select(Signature).where(Signature.order_id == order_id).order_by(Signature.signed_at, Signature.id)
    ).all()
    return [
        SignatureRow(
            s.id,
            purpose_label(s.purpose),
            s.signer_name,
            timefmt.short(s.signed_at, tz),
            channel_label(s.auth_method),
            s.document_kind == "quote",
        )
        for s in found
    ]


def detail(session: Session, order_id: int, signature_id: int) -> SignatureDetail | None:
    """One signature of this order (None for another order's: ids in requests are never trusted)."""
    sig = session.get(Signature, signature_id)
    if sig is None or sig.order_id != order_id:
        return None
    tz = timefmt.shop_timezone(session)
    quote = session.get(Quote, sig.quote_id) if sig.quote_id else None
    return SignatureDetail(
        id=sig.id,
        label=purpose_label(sig.purpose),
        signer_name=sig.signer_name,
        signed_at=timefmt.short(sig.signed_at, tz),
        signed_at_utc=timefmt.utc_iso(sig.signed_at),
        channel=channel_label(sig.auth_method),
        method=METHOD_LABELS.get(sig.method, sig.method),
        ip=sig.ip,
        user_agent=sig.user_agent,
        text=consents.signed_text(session, sig),
        quote_version=quote.version if quote else 0,
        record_hash=sig.record_hash,
    )


def image_of(session: Session, order_id: int, signature_id: int) -> bytes | None:
    sig = session.get(Signature, signature_id)
    return sig.image_png if sig is not None and sig.order_id == order_id else None
