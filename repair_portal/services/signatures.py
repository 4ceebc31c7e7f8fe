"""Signatures: validated PNGs in append-only, hash-chained records, and a check of the chain.

Each record's `record_hash` covers every field (the image by its SHA-256) and the previous
record's hash, so editing, deleting or reordering a record shows up in `verify_chain`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session, select

from ..models import AuditEvent, Signature, SignaturePurpose
from . import audit, clock, locking, timefmt

GENESIS_HASH = "0" * 64
HASH_FORMAT = 1  # bump (and branch in _canonical) if the hashed fields ever change
CHAIN_LOCK_KEY = 0x5349_474E  # "SIGN": pg_advisory_xact_lock key serialising chain appends

MAX_PNG_BYTES = 300 * 1024
MAX_NAME = 200  # a signer's typed full name
MIN_SIZE = (50, 20)
MAX_SIZE = (2000, 1000)
MIN_INK_PIXELS = 50
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"

PURPOSE_LABELS = {
    SignaturePurpose.TERMS.value: "Terms and conditions",
    SignaturePurpose.REPAIR_AUTHORISATION.value: "Repair authorisation",
    SignaturePurpose.DATA_CONSENT.value: "Data consent",
    SignaturePurpose.COLLECTION.value: "Collection",
}


def purpose_label(purpose: str) -> str:
    return PURPOSE_LABELS.get(purpose, purpose.replace("_", " ").capitalize())


# The exact sentence shown next to each tick box / signature pad. Never edit a text in place:
# add a new version and point CURRENT_CONSENT at it, so old signatures keep their wording.
CONSENT_TEXTS: dict[str, str] = {
    "terms-v1": "I have read and accept the shop's terms and conditions.",
    "repair-authorisation-v1": (
        "I have read this quote and the shop's terms and conditions, and I authorise the repair "
        "at the price shown, including the optional items I have left ticked."
    ),
    "data-consent-v1": (
        "I agree that the shop may access my device and the data on it as far as needed to diagnose, "
        "repair and test it. I have backed up anything I can't afford to lose."
    ),
    "collection-v1": "I have collected my device and checked that it works.",
}
CURRENT_CONSENT: dict[str, str] = {
    SignaturePurpose.TERMS.value: "terms-v1",
    SignaturePurpose.REPAIR_AUTHORISATION.value: "repair-authorisation-v1",
    SignaturePurpose.DATA_CONSENT.value: "data-consent-v1",
    SignaturePurpose.COLLECTION.value: "collection-v1",
}
AUTH_METHODS = {"link", "link_last_name", "account", "in_person"}
# Passed as the image: "draw the typed name for me" (a signer who can't or won't draw, WCAG 2.5.7).
TYPED = "typed"
METHOD_LABELS = {"drawn": "Drawn on screen", "typed": "Typed name"}


class SignatureError(ValueError):
    """A signature that can't be accepted; the message is safe to show to the signer."""


class SignatureImageError(SignatureError):
    pass


class SignerNameTooLong(SignatureError):
    """A typed name over MAX_NAME characters: refused with a message that says so (never cut)."""


def current_consent(purpose: str) -> tuple[str, str]:
    """(version, text) of the consent sentence to show for a purpose now."""
    version = CURRENT_CONSENT[SignaturePurpose(purpose).value]
    return version, CONSENT_TEXTS[version]


# --- input checks ---------------------------------------------------------------------------


def validate_signer_name(name: str) -> str:
    """A typed full name: trimmed, spaces collapsed, 2–MAX_NAME characters, at least one letter."""
    cleaned = " ".join(unicodedata.normalize("NFC", str(name or "")).split())
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise SignatureError("Please type your name using letters only.")
    if len(cleaned) < 2 or not any(ch.isalpha() for ch in cleaned):
        raise SignatureError("Please type your full name.")
    if len(cleaned) > MAX_NAME:
        raise SignerNameTooLong(f"That name is too long ({MAX_NAME} characters at most).")
    return cleaned


def _decode(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("ascii", errors="replace")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SignatureImageError("The signature wasn't received. Please sign again.")
    data = bytes(data)
    if data[:5].lower() == b"data:":
        if not data[: len(DATA_URL_PREFIX)].lower() == DATA_URL_PREFIX.encode():
            raise SignatureImageError("The signature must be a PNG image.")
        payload = data[len(DATA_URL_PREFIX) :]
        if len(payload) > (MAX_PNG_BYTES * 4) // 3 + 8:
            raise SignatureImageError("The signature image is too large.")
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise SignatureImageError("The signature image is damaged. Please sign again.") from None
    if len(data) > MAX_PNG_BYTES:
        raise SignatureImageError("The signature image is too large.")
    if not data.startswith(PNG_MAGIC):
        raise SignatureImageError("The signature must be a PNG image.")
    return data


def validate_signature_png(data: bytes | str) -> bytes:
    """Accept a PNG (raw bytes or a `data:image/png;base64,` URL) that really shows a signature.

    Returns a clean re-encoding (RGBA, no metadata chunks), which is what gets stored.
    """
    raw = _decode(data)
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format != "PNG":
                raise SignatureImageError("The signature must be a PNG image.")
            width, height = probe.size  # from the header, before any pixels are decoded
            if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
                raise SignatureImageError("The signature image has an unexpected size. Please sign again.")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            rgba = image.convert("RGBA")
    except SignatureImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise SignatureImageError("The signature image is damaged. Please sign again.") from None
    # Ink = what stays dark once the drawing is laid on white paper (transparent pixels vanish).
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, rgba).convert("L")
    if sum(grey.histogram()[:160]) < MIN_INK_PIXELS:
        raise SignatureImageError("The signature is empty. Please sign in the box.")
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())  # fresh image: no text/EXIF/ICC chunks
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()


# --- the chain ------------------------------------------------------------------------------


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def image_sha256(png: bytes) -> str:
    return hashlib.sha256(png or b"").hexdigest()


def _fields(sig: Signature) -> dict:
    """Everything a record's hash covers, the image by its SHA-256. How it was made is covered when it
    isn't the original "drawn" (so records made before typed signatures keep their hashes)."""
    fields = {
        "format": HASH_FORMAT,
        "order_id": sig.order_id,
        "quote_id": sig.quote_id,
        "purpose": sig.purpose,
        "document_kind": sig.document_kind,
        "document_version": sig.document_version,
        "document_sha256": sig.document_sha256,
        "consent_text_version": sig.consent_text_version,
        "signer_name": sig.signer_name,
        "image_sha256": image_sha256(sig.image_png),
        "auth_method": sig.auth_method,
        "ip": sig.ip,
        "user_agent": sig.user_agent,
        "signed_at": _iso(sig.signed_at),
        "prev_hash": sig.prev_hash,
    }
    method = getattr(sig, "method", None) or "drawn"
    if method != "drawn":
        fields["method"] = method
    return fields


def _digest(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compute_record_hash(sig: Signature) -> str:
    return _digest(_fields(sig))


def _latest_hash(session: Session) -> str:
    latest = session.exec(select(Signature.record_hash).order_by(Signature.id.desc()).limit(1)).first()
    return latest or GENESIS_HASH


_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def record_signature(
    session: Session,
    *,
    order_id: int,
    quote_id: int | None,
    purpose: str,
    document_kind: str,
    document_version: str,
    document_sha256: str,
    consent_text_version: str,
    signer_name: str,
    png: bytes | str,
    auth_method: str,
    ip: str = "",
    user_agent: str = "",
    actor: audit.Actor | None = None,
) -> Signature:
    """Append a signature to the chain. Call inside a write transaction (`db.write_session`)."""
    try:
        purpose = SignaturePurpose(purpose).value
    except ValueError:
        raise SignatureError(f"Unknown signature purpose {purpose!r}.") from None
    if consent_text_version not in CONSENT_TEXTS:
        raise SignatureError(f"Unknown consent text version {consent_text_version!r}.")
    if auth_method not in AUTH_METHODS:
        raise SignatureError("Only the customer can sign here.")
    if not _SHA256_RE.match(document_sha256 or ""):
        raise SignatureError("The signed document's fingerprint is missing.")
    if not document_kind or len(document_kind) > 40 or not document_version or len(document_version) > 40:
        raise SignatureError("The signed document is not identified.")
    name = validate_signer_name(signer_name)
    method = "typed" if isinstance(png, str) and png == TYPED else "drawn"
    if method == "typed":
        from ..integrations.typed_signature import render_png

        png = render_png(name)
    image = validate_signature_png(png)

    # Serialise appends: the read of the latest hash and our insert must not interleave with another.
    locking.advisory_xact_lock(session, CHAIN_LOCK_KEY)
    locking.hold_sqlite_write_lock(session)
    sig = Signature(
        order_id=order_id,
        quote_id=quote_id,
        purpose=purpose,
        document_kind=document_kind,
        document_version=document_version,
        document_sha256=document_sha256,
        consent_text_version=consent_text_version,
        signer_name=name,
        image_png=image,
        auth_method=auth_method,
        method=method,
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:400],
        signed_at=clock.now(),
        prev_hash=_latest_hash(session),
        record_hash="",
    )
    sig.record_hash = compute_record_hash(sig)
    session.add(sig)
    session.flush()
    who = actor or audit.Actor("customer", None, name, sig.ip, sig.user_agent)
    audit.record(
        session,
        who,
        "signature.recorded",
        order_id=order_id,
        signature_id=sig.id,
        purpose=purpose,
        document_kind=document_kind,
        document_version=document_version,
        document_sha256=document_sha256,
        image_sha256=image_sha256(image),
        method=method,
        record_hash=sig.record_hash,
    )
    return sig


@dataclass(frozen=True)
class ChainProblem:
    signature_id: int
    kind: str  # link, content, image, hash, missing
    message: str


def _recorded_at_signing(session: Session) -> dict[int, dict]:
    """What the audit trail noted when each signature was made (a second witness for the diagnosis)."""
    notes: dict[int, dict] = {}
    for detail in session.exec(select(AuditEvent.detail).where(AuditEvent.action == "signature.recorded")):
        try:
            data = json.loads(detail or "{}")
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("signature_id"), int):
            notes.setdefault(data["signature_id"], data)
    return notes


def verify_chain(session: Session, *, batch: int = 200) -> list[ChainProblem]:
    """Recompute every record; report each one whose content, image or link no longer matches."""
    witnesses = _recorded_at_signing(session)
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    last_id = 0
    while True:
        # Plain rows, not ORM objects: nothing enters (or is refreshed in) the caller's identity map.
        rows = session.execute(
            select(*Signature.__table__.columns).where(Signature.id > last_id).order_by(Signature.id).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            sig = SimpleNamespace(**row._mapping)
            problems.extend(_check_one(sig, expected_prev, witnesses.get(sig.id)))
            expected_prev = sig.record_hash
            last_id = sig.id
            witnesses.pop(sig.id, None)
    # Signatures the audit trail saw being made but that are gone (the last record has no later link).
    for missing_id in sorted(witnesses):
        problems.append(ChainProblem(missing_id, "missing", "the record was deleted"))
    return sorted(problems, key=lambda p: p.signature_id)


def _check_one(sig: Signature, expected_prev: str, witness: dict | None) -> list[ChainProblem]:
    found = []
    if sig.prev_hash != expected_prev:
        found.append(
            ChainProblem(sig.id, "link", "the link to the previous record is broken (a record was removed or altered)")
        )
    if compute_record_hash(sig) != sig.record_hash:
        image_changed = witness is not None and witness.get("image_sha256") != image_sha256(sig.image_png)
        if image_changed:
            found.append(ChainProblem(sig.id, "image", "the signature image was changed after signing"))
        fields_changed = not image_changed or _fields_changed(sig, witness)
        if fields_changed:
            found.append(
                ChainProblem(sig.id, "content", "the signed details (signer, document, time, ...) were changed")
            )
    if witness is not None and witness.get("record_hash") not in (None, sig.record_hash):
        found.append(ChainProblem(sig.id, "hash", "the record's hash differs from the one noted when it was signed"))
    return found


def _fields_changed(sig: Signature, witness: dict) -> bool:
    """With the image hash noted at signing put back, does the record still fail its hash?"""
    fields = _fields(sig)
    fields["image_sha256"] = witness.get("image_sha256")
    return _digest(fields) != sig.record_hash


# --- what the customer signed ---------------------------------------------------------------


@dataclass(frozen=True)
class SignatureSummary:
    id: int
    purpose: str
    purpose_label: str
    signer_name: str
    signed_at: datetime
    signed_at_text: str
    document_kind: str
    document_version: str
    document_sha256_prefix: str
    consent_text_version: str


def signatures_for_order(session: Session, order_id: int) -> list[SignatureSummary]:
    tz = timefmt.shop_timezone(session)
    rows = session.exec(
        select(Signature).where(Signature.order_id == order_id).order_by(Signature.signed_at, Signature.id)
    ).all()
    return [
        SignatureSummary(
            id=s.id,
            purpose=s.purpose,
            purpose_label=purpose_label(s.purpose),
            signer_name=s.signer_name,
            signed_at=s.signed_at,
            signed_at_text=timefmt.short(s.signed_at, tz),
            document_kind=s.document_kind,
            document_version=s.document_version,
            document_sha256_prefix=s.document_sha256[:12],
            consent_text_version=s.consent_text_version,
        )
        for s in rows
    ]
