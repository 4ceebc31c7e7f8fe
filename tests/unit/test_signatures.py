"""Signature PNG validation and the append-only hash chain."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from sqlalchemy import text
from sqlmodel import Session, select

from repair_portal.db import session_scope, write_session
from repair_portal.models import Signature
from repair_portal.services import signatures
from repair_portal.services.signatures import (
    GENESIS_HASH,
    SignatureError,
    SignatureImageError,
    record_signature,
    validate_signature_png,
    verify_chain,
)

from .. import factories
from .quote_helpers import approve, data_url, pad_png, shop_with_sent_quote
from .test_quote_concurrency import _run_together

DOC_SHA = hashlib.sha256(b"the data consent form").hexdigest()


def record(session: Session, order_id: int, *, name: str = "Ada Nowak", purpose: str = "data_consent") -> Signature:
    version, _ = signatures.current_consent(purpose)
    return record_signature(
        session,
        order_id=order_id,
        quote_id=None,
        purpose=purpose,
        document_kind="consent_form",
        document_version=version,
        document_sha256=DOC_SHA,
        consent_text_version=version,
        signer_name=name,
        png=pad_png(),
        auth_method="in_person",
        ip="198.51.100.4",
        user_agent="counter-tablet",
    )


def _png(image: Image.Image, **save) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save)
    return buffer.getvalue()


# --- PNG validation -------------------------------------------------------------------------


def test_a_pad_png_is_accepted_and_re_encoded_without_metadata():
    image = Image.open(io.BytesIO(pad_png()))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 51.5N 0.1W")
    tagged = _png(image, pnginfo=info)
    assert b"GPS 51.5N" in tagged
    clean = validate_signature_png(tagged)
    assert clean.startswith(b"\x89PNG") and b"GPS 51.5N" not in clean
    reopened = Image.open(io.BytesIO(clean))
    assert (reopened.format, reopened.size, reopened.mode) == ("PNG", (400, 150), "RGBA")
    assert "Comment" not in reopened.info
    # the drawing itself survives: same pixels as the input
    assert reopened.tobytes() == image.convert("RGBA").tobytes()


def test_a_data_url_is_accepted_as_str_or_bytes():
    png = pad_png()
    for value in (data_url(png), data_url(png).encode()):
        out = validate_signature_png(value)
        assert Image.open(io.BytesIO(out)).size == (400, 150)


def test_a_signature_on_white_paper_is_accepted():
    out = validate_signature_png(pad_png(opaque_background=True))
    assert Image.open(io.BytesIO(out)).size == (400, 150)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "PNG"),
        (b"GIF89a" + b"\x00" * 100, "PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "damaged"),  # right magic bytes, not an image
        (pad_png()[:300], "damaged"),  # truncated
        ("data:image/jpeg;base64,/9j/4AAQ", "PNG"),
        ("data:image/png;base64,@@not-base64@@", "damaged"),
        ("<svg onload=alert(1)>", "PNG"),
        (None, "wasn't received"),
        (12345, "wasn't received"),
    ],
)
def test_fake_files_are_refused(data, message):
    with pytest.raises(SignatureImageError, match=message):
        validate_signature_png(data)


def test_a_jpeg_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(buffer, format="JPEG")
    with pytest.raises(SignatureImageError, match="PNG"):
        validate_signature_png(buffer.getvalue())


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGBA", (400, 150), (0, 0, 0, 0)),  # untouched transparent pad
        Image.new("RGB", (400, 150), "white"),  # untouched white pad
        Image.new("RGBA", (400, 150), (0, 0, 0, 20)),  # a faint haze, not ink
    ],
    ids=["transparent", "white", "haze"],
)
def test_a_blank_pad_is_refused(image):
    with pytest.raises(SignatureImageError, match="empty"):
        validate_signature_png(_png(image))


def test_a_few_stray_dots_are_not_a_signature():
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for x in range(0, 40, 4):
        draw.point((50 + x, 60), fill=(0, 0, 0, 255))
    with pytest.raises(SignatureImageError, match="empty"):
        validate_signature_png(_png(image))


@pytest.mark.parametrize("size", [(49, 100), (400, 19), (2001, 200), (400, 1001)])
def test_unexpected_dimensions_are_refused(size):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, size[0] - 1, size[1] - 1], outline=(0, 0, 0, 255), width=3)
    with pytest.raises(SignatureImageError, match="size"):
        validate_signature_png(_png(image))


def test_the_smallest_and_largest_allowed_sizes_are_accepted():
    for size in [(50, 20), (2000, 1000)]:
        image = Image.new("RGBA", size, (0, 0, 0, 0))
        ImageDraw.Draw(image).line([(0, size[1] // 2), (size[0], size[1] // 2)], fill=(0, 0, 0, 255), width=3)
        assert Image.open(io.BytesIO(validate_signature_png(_png(image)))).size == size


def test_a_file_over_300_kb_is_refused_raw_or_as_data_url():
    noise = Image.frombytes("RGBA", (600, 300), os.urandom(600 * 300 * 4))  # incompressible: ~700 KB
    big = _png(noise)
    assert len(big) > 300 * 1024
    with pytest.raises(SignatureImageError, match="too large"):
        validate_signature_png(big)
    with pytest.raises(SignatureImageError, match="too large"):
        validate_signature_png(data_url(big))
    with pytest.raises(SignatureImageError, match="too large"):
        validate_signature_png("data:image/png;base64," + "A" * 2_000_000)


def test_signer_names_are_trimmed_and_checked():
    assert signatures.validate_signer_name("  Zoë   Wójcik ") == "Zoë Wójcik"
    assert signatures.validate_signer_name("李雷") == "李雷"
    for bad in ["", " ", "Z", "42", "--", "Ada\u202eNowak", "x" * 201, None]:
        with pytest.raises(SignatureError):
            signatures.validate_signer_name(bad)


# --- recording and the chain ----------------------------------------------------------------


def test_records_chain_from_the_genesis_hash(session, clock):
    setup = shop_with_sent_quote(session)
    first = record(session, setup.order_id, name="Ada Nowak")
    clock.advance(minutes=5)
    second = record(session, setup.order_id, name="Ben Nowak", purpose="collection")
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.record_hash != second.record_hash
    assert first.record_hash == signatures.compute_record_hash(first)
    assert (second.consent_text_version, second.purpose) == ("collection-v1", "collection")
    session.commit()
    with session_scope(session.get_bind()) as fresh:  # read back from disk: times and bytes round-trip
        assert verify_chain(fresh) == []


def test_the_record_hash_covers_every_field(session, clock):
    setup = shop_with_sent_quote(session)
    sig = record(session, setup.order_id)
    original = sig.record_hash
    changes = {
        "signer_name": "Someone Else",
        "image_png": pad_png(strokes=2),
        "document_sha256": "f" * 64,
        "document_version": "v9",
        "consent_text_version": "terms-v1",
        "purpose": "terms",
        "auth_method": "link",
        "ip": "192.0.2.1",
        "user_agent": "other",
        "order_id": sig.order_id + 1,
        "quote_id": 5,
        "signed_at": sig.signed_at.replace(microsecond=1),
        "prev_hash": "1" * 64,
    }
    for field, value in changes.items():
        keep = getattr(sig, field)
        setattr(sig, field, value)
        assert signatures.compute_record_hash(sig) != original, field
        setattr(sig, field, keep)
    assert signatures.compute_record_hash(sig) == original
    session.rollback()


def test_verify_detects_a_tampered_signer_name_and_image(engine, write, read, clock):
    with write() as s:
        setup = shop_with_sent_quote(s)
        ids = [record(s, setup.order_id, name=f"Signer {i}").id for i in range(3)]
    with read() as s:
        assert verify_chain(s) == []
    with engine.begin() as conn:  # someone edits the database directly
        conn.execute(text("UPDATE signature SET signer_name = 'Mallory' WHERE id = :id"), {"id": ids[0]})
        conn.execute(
            text("UPDATE signature SET image_png = :png WHERE id = :id"), {"png": pad_png(strokes=2), "id": ids[2]}
        )
    with read() as s:
        problems = verify_chain(s)
    assert [(p.signature_id, p.kind) for p in problems] == [(ids[0], "content"), (ids[2], "image")]
    assert all(p.message for p in problems)
    # the untouched middle record is still fine, and the links are intact (hashes weren't rewritten)
    assert not any(p.signature_id == ids[1] for p in problems)


def test_verify_detects_a_rewritten_hash_and_a_deleted_record(engine, write, read, clock):
    with write() as s:
        setup = shop_with_sent_quote(s)
        ids = [record(s, setup.order_id, name=f"Signer {i}").id for i in range(4)]
    with engine.begin() as conn:
        # a careful forger changes the name AND recomputes that record's own hash...
        conn.execute(text("UPDATE signature SET signer_name = 'Mallory' WHERE id = :id"), {"id": ids[1]})
    with read() as s:
        forged = s.get(Signature, ids[1])
        new_hash = signatures.compute_record_hash(forged)
    with engine.begin() as conn:
        conn.execute(text("UPDATE signature SET record_hash = :h WHERE id = :id"), {"h": new_hash, "id": ids[1]})
        conn.execute(text("DELETE FROM signature WHERE id = :id"), {"id": ids[3]})  # ...and removes the last one
    with read() as s:
        problems = {(p.signature_id, p.kind) for p in verify_chain(s)}
    # the audit trail remembers the original hash, the next record's link no longer matches,
    # and the last record (which no later link covers) is missed by the audit trail
    assert problems == {(ids[1], "hash"), (ids[2], "link"), (ids[3], "missing")}


def test_verify_detects_a_removed_record_in_the_middle(engine, write, read, clock):
    with write() as s:
        setup = shop_with_sent_quote(s)
        ids = [record(s, setup.order_id, name=f"Signer {i}").id for i in range(3)]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM signature WHERE id = :id"), {"id": ids[1]})
    with read() as s:
        assert [(p.signature_id, p.kind) for p in verify_chain(s)] == [(ids[1], "missing"), (ids[2], "link")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purpose", "marriage", "purpose"),
        ("consent_text_version", "data-consent-v0", "consent"),
        ("auth_method", "staff_preview", "Only the customer"),
        ("document_sha256", "abc", "fingerprint"),
        ("document_kind", "", "not identified"),
        ("signer_name", "1", "full name"),
        ("png", pad_png(strokes=0), "empty"),
    ],
)
def test_record_signature_refuses_bad_input(session, clock, field, value, message):
    setup = shop_with_sent_quote(session)
    kwargs = dict(
        order_id=setup.order_id,
        quote_id=None,
        purpose="data_consent",
        document_kind="consent_form",
        document_version="data-consent-v1",
        document_sha256=DOC_SHA,
        consent_text_version="data-consent-v1",
        signer_name="Ada Nowak",
        png=pad_png(),
        auth_method="in_person",
        ip="",
        user_agent="",
    )
    kwargs[field] = value
    with pytest.raises(SignatureError, match=message):
        record_signature(session, **kwargs)
    assert session.exec(select(Signature)).all() == []


@pytest.mark.parametrize("factory", [write_session, session_scope], ids=["write_session", "deferred_session"])
def test_concurrent_appends_keep_a_single_chain(engine, clock, factory):
    with write_session(engine) as s:
        order_id = shop_with_sent_quote(s).order_id
    results = _run_together(
        engine, [lambda s, i=i: record(s, order_id, name=f"Signer {i}") for i in range(6)], session_factory=factory
    )
    assert all(isinstance(r, Signature) for r in results), results
    with session_scope(engine) as s:
        rows = s.exec(select(Signature).order_by(Signature.id)).all()
        assert len(rows) == 6 and len({r.prev_hash for r in rows}) == 6
        assert verify_chain(s) == []


def test_signatures_for_order_lists_what_this_customer_signed(session, clock):
    setup = shop_with_sent_quote(session)
    approve(session, setup.order_id)
    clock.advance(hours=1)
    record(session, setup.order_id, purpose="collection", name="Ada Nowak")
    other = shop_other_order(session, setup)
    record(session, other, name="Someone Else")
    items = signatures.signatures_for_order(session, setup.order_id)
    assert [(i.purpose_label, i.signer_name, i.document_version) for i in items] == [
        ("Repair authorisation", "Ada Nowak", "1"),
        ("Collection", "Ada Nowak", "collection-v1"),
    ]
    quote_sig = session.exec(select(Signature).where(Signature.quote_id == setup.quote_id)).one()
    assert (
        items[0].document_sha256_prefix == quote_sig.document_sha256[:12] and len(items[0].document_sha256_prefix) == 12
    )
    assert items[0].signed_at_text == "2 Nov 2026, 09:30"  # Europe/London = UTC in November
    assert not hasattr(items[0], "image_png") and not hasattr(items[0], "ip")


def shop_other_order(session, setup) -> int:
    from .quote_helpers import make_order

    return make_order(session, setup.location, last_name="Else").id


def test_consent_texts_are_versioned_and_complete():
    for purpose in ("terms", "repair_authorisation", "data_consent", "collection"):
        version, body = signatures.current_consent(purpose)
        assert signatures.CONSENT_TEXTS[version] == body and len(body) > 20
    with pytest.raises(ValueError):
        signatures.current_consent("nonsense")


def test_a_typed_name_becomes_the_signature_image_and_its_method_is_in_the_chain(session):
    """WCAG 2.5.7: signing without drawing. The server draws the typed name; the record says so."""
    import io

    from PIL import Image

    from repair_portal.integrations.typed_signature import render_png

    for name in ("Ada Nowak", "Łukasz Żółć", "Γιώργος Παπαδόπουλος", "O'Brien-Smythe Jr."):
        png = render_png(name)
        assert signatures.validate_signature_png(png)  # real ink, the same checks as a drawn one
        assert Image.open(io.BytesIO(png)).size == (680, 200)
    _, location = factories.shop(session)
    order = factories.order(session, location).order
    sig = signatures.record_signature(
        session,
        order_id=order.id,
        quote_id=None,
        purpose="data_consent",
        document_kind="data_consent",
        document_version="data-consent-v1",
        document_sha256="a" * 64,
        consent_text_version="data-consent-v1",
        signer_name="Ada  Nowak",
        png=signatures.TYPED,
        auth_method="link",
    )
    assert sig.method == "typed" and sig.image_png.startswith(b"\x89PNG")
    assert signatures.verify_chain(session) == []
    sig.method = "drawn"  # claiming afterwards that it was drawn breaks the record's hash
    session.add(sig)
    session.flush()
    assert [p.kind for p in signatures.verify_chain(session)] == ["content"]
