"""Signatures an order asks for besides the quote: data-handling consent, and collection on pick-up."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Order, ShopSettings, Signature, SignaturePurpose, Stage, StageKind
from . import audit, signatures


@dataclass(frozen=True)
class PendingSignature:
    purpose: str
    title: str
    text: str
    consent_version: str


TITLES = {
    SignaturePurpose.DATA_CONSENT.value: "Data-handling consent",
    SignaturePurpose.COLLECTION.value: "Sign for collection",
}


def _signed(session: Session, order_id: int, purpose: str) -> Signature | None:
    return session.exec(
        select(Signature).where(Signature.order_id == order_id).where(Signature.purpose == purpose)
    ).first()


def pending(session: Session, order: Order) -> list[PendingSignature]:
    """Data consent until given; the collection receipt once the repair is ready (or being collected),
    on the portal only where the shop allows signing for collection remotely (else at the counter)."""
    wanted = [SignaturePurpose.DATA_CONSENT.value]
    stage = session.get(Stage, order.stage_id)
    ready = stage is not None and stage.kind in (StageKind.READY.value, StageKind.COLLECTED.value)
    if ready and ShopSettings.current(session).sign_collection_remotely:
        wanted.append(SignaturePurpose.COLLECTION.value)
    out = []
    for purpose in wanted:
        if _signed(session, order.id, purpose) is None:
            version, text = signatures.current_consent(purpose)
            out.append(PendingSignature(purpose, TITLES[purpose], text, version))
    return out


def _document_sha(order: Order, purpose: str, consent_version: str, text: str) -> str:
    """What the signature covers: the exact sentence shown, for this order."""
    payload = f"{purpose}\n{consent_version}\n{order.reference}\n{text}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ConsentError(ValueError):
    pass


def sign(
    session: Session,
    order: Order,
    purpose: str,
    *,
    signer_name: str,
    png: bytes | str,
    auth_method: str,
    ip: str,
    user_agent: str,
    actor: audit.Actor,
) -> tuple[Signature, bool]:
    """Record the signature; (signature, created). Signing twice returns the first one."""
    existing = _signed(session, order.id, purpose)
    if existing is not None:
        return existing, False
    needed = {p.purpose: p for p in pending(session, order)}
    if purpose not in needed:
        raise ConsentError("That signature isn't needed for this order right now.")
    item = needed[purpose]
    try:
        record = signatures.record_signature(
            session,
            order_id=order.id,
            quote_id=None,
            purpose=purpose,
            document_kind=purpose,
            document_version=item.consent_version,
            document_sha256=_document_sha(order, purpose, item.consent_version, item.text),
            consent_text_version=item.consent_version,
            signer_name=signer_name,
            png=png,
            auth_method=auth_method,
            ip=ip,
            user_agent=user_agent,
            actor=actor,
        )
    except signatures.SignatureError as exc:
        raise ConsentError(str(exc)) from None
    audit.record(session, actor, "portal.signed", order_id=order.id, purpose=purpose, signature_id=record.id)
    return record, True
