"""Signatures an order asks for besides the quote: data-handling consent, collection on pick-up and,
at the counter, the shop's terms. The exact words signed are kept (`SignedText`) by the fingerprint
the signature covers, so a later change to the shop's terms never changes what someone signed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Order, ShopSettings, Signature, SignaturePurpose, SignedText, Stage, StageKind
from . import audit, signatures


@dataclass(frozen=True)
class PendingSignature:
    purpose: str
    title: str
    text: str
    consent_version: str


TITLES = {
    SignaturePurpose.TERMS.value: "Terms and conditions",
    SignaturePurpose.DATA_CONSENT.value: "Data-handling consent",
    SignaturePurpose.COLLECTION.value: "Sign for collection",
}


def signature_of(session: Session, order_id: int, purpose: str) -> Signature | None:
    return session.exec(
        select(Signature).where(Signature.order_id == order_id).where(Signature.purpose == purpose)
    ).first()


def _ready(session: Session, order: Order) -> bool:
    stage = session.get(Stage, order.stage_id)
    return stage is not None and stage.kind in (StageKind.READY.value, StageKind.COLLECTED.value)


def _text_for(shop: ShopSettings, purpose: str, consent_text: str) -> str:
    """The terms are the shop's own words followed by the sentence signed; the others are the sentence."""
    if purpose == SignaturePurpose.TERMS.value:
        return f"{shop.terms_text.strip()}\n\n{consent_text}"
    return consent_text


def pending(session: Session, order: Order, *, at_counter: bool = False) -> list[PendingSignature]:
    """Data consent until given; the collection receipt once the repair is ready (or being collected),
    on the portal only where the shop allows signing for collection remotely (else at the counter).
    At the counter the shop's terms can be signed too, when the shop has written some."""
    shop = ShopSettings.current(session)
    wanted = []
    if at_counter and shop.terms_text.strip():
        wanted.append(SignaturePurpose.TERMS.value)
    wanted.append(SignaturePurpose.DATA_CONSENT.value)
    if _ready(session, order) and (at_counter or shop.sign_collection_remotely):
        wanted.append(SignaturePurpose.COLLECTION.value)
    out = []
    for purpose in wanted:
        if signature_of(session, order.id, purpose) is None:
            version, sentence = signatures.current_consent(purpose)
            out.append(PendingSignature(purpose, TITLES[purpose], _text_for(shop, purpose, sentence), version))
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
    at_counter: bool = False,
) -> tuple[Signature, bool]:
    """Record the signature; (signature, created). Signing twice returns the first one."""
    existing = signature_of(session, order.id, purpose)
    if existing is not None:
        return existing, False
    needed = {p.purpose: p for p in pending(session, order, at_counter=at_counter)}
    if purpose not in needed:
        raise ConsentError("That signature isn't needed for this order right now.")
    item = needed[purpose]
    fingerprint = _document_sha(order, purpose, item.consent_version, item.text)
    try:
        record = signatures.record_signature(
            session,
            order_id=order.id,
            quote_id=None,
            purpose=purpose,
            document_kind=purpose,
            document_version=item.consent_version,
            document_sha256=fingerprint,
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
    _keep_text(session, fingerprint, item.text)
    audit.record(session, actor, "portal.signed", order_id=order.id, purpose=purpose, signature_id=record.id)
    return record, True


def _keep_text(session: Session, fingerprint: str, text: str) -> None:
    if session.exec(select(SignedText.id).where(SignedText.sha256 == fingerprint)).first() is None:
        session.add(SignedText(sha256=fingerprint, body=text))
        session.flush()


def signed_text(session: Session, signature: Signature) -> str:
    """The words a signature covered: kept since counter signing began; before that, the versioned sentence."""
    kept = session.exec(select(SignedText.body).where(SignedText.sha256 == signature.document_sha256)).first()
    if kept is not None:
        return kept
    return signatures.CONSENT_TEXTS.get(signature.consent_text_version, "")
