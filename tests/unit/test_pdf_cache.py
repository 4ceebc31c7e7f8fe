"""The PDF cache: equal data is drawn once, any change to the data, the logo or the renderer draws again, a
damaged file is never served, and the folder stays within its bound."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest

from repair_portal.integrations import pdf
from repair_portal.integrations.pdf_cache import MAGIC, PRINTED_DAY, PdfCache, canonical, file_digest, pdf_key
from repair_portal.services.branding import logo_digests, set_logo
from repair_portal.services.documents import document_context

from .. import factories
from ..pdf_world import image
from .document_fixtures import build_order, pdf_text


class Counting:
    """A renderer that counts its calls (the cache keys on the renderer's name, so give each its own)."""

    def __init__(self, name: str = "draw"):
        self.calls = 0
        self.__module__ = "tests"
        self.__qualname__ = name

    def __call__(self, *args) -> bytes:
        self.calls += 1
        return b"%PDF-1.7\n" + repr(args).encode() + f"\n% call {self.calls}\n%%EOF\n".encode()


@dataclasses.dataclass(frozen=True)
class Doc:
    name: str
    amount: int
    image: bytes = b""
    generated_at: str = dataclasses.field(default="2 Nov 2026, 09:30", metadata=PRINTED_DAY)


@pytest.fixture
def cache(tmp_path: Path) -> PdfCache:
    return PdfCache(tmp_path / "cache" / "pdf")


def _files(cache: PdfCache) -> list[Path]:
    return sorted(cache.root.glob("*.pdf"))


def test_the_same_data_is_drawn_once_and_served_byte_for_byte(cache):
    draw = Counting()
    first = cache.pdf(draw, Doc("Zoë", 100))
    again = cache.pdf(draw, Doc("Zoë", 100))
    assert draw.calls == 1 and again == first and first.startswith(b"%PDF-")
    assert len(_files(cache)) == 1
    assert PdfCache(cache.root).pdf(draw, Doc("Zoë", 100)) == first and draw.calls == 1  # a new process too


@pytest.mark.parametrize(
    "changed",
    [
        Doc("Zoe", 100),
        Doc("Zoë", 101),
        Doc("Zoë", 100, image=b"\x89PNG other"),
        Doc("Zoë", 100, generated_at="3 Nov 2026, 09:30"),
    ],
)
def test_any_change_to_the_data_draws_again(cache, changed):
    draw = Counting()
    before = cache.pdf(draw, Doc("Zoë", 100, image=b"\x89PNG one"))
    after = cache.pdf(draw, changed)
    assert draw.calls == 2 and after != before
    assert cache.pdf(draw, changed) == after and draw.calls == 2


def test_a_printed_day_keys_on_its_day_only(cache):
    """ "Produced on 2 Nov 2026, 09:30" is reused through the day while the data stays the same."""
    draw = Counting()
    cache.pdf(draw, Doc("Zoë", 100, generated_at="2 Nov 2026, 09:30"))
    cache.pdf(draw, Doc("Zoë", 100, generated_at="2 Nov 2026, 17:45"))
    assert draw.calls == 1


def test_the_logo_the_renderer_and_its_arguments_are_part_of_the_key(cache):
    draw, other = Counting("draw"), Counting("other")
    cache.pdf(draw, Doc("Zoë", 100), extra=("shop:logo-a.png:aaa",))
    cache.pdf(draw, Doc("Zoë", 100), extra=("shop:logo-a.png:bbb",))
    cache.pdf(other, Doc("Zoë", 100), extra=("shop:logo-a.png:bbb",))
    cache.pdf(draw, Doc("Zoë", 100), "receipt80", extra=("shop:logo-a.png:bbb",))
    assert draw.calls == 3 and other.calls == 1
    key = pdf_key(draw, (Doc("Zoë", 100),))
    assert len(key) == 64 and key == pdf_key(draw, (Doc("Zoë", 100),))


def test_types_it_cannot_key_exactly_are_refused():
    with pytest.raises(TypeError):
        canonical(object())
    assert canonical((b"abc", None, 1.5)) == [
        {"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        None,
        1.5,
    ]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # torn write
        lambda raw: raw[:-3] + b"XXX",  # changed bytes
        lambda raw: raw[len(MAGIC) :],  # no header
        lambda raw: b"",
        lambda raw: MAGIC + b"\0" * 32 + b"%PDF-1.7 not what was drawn",
    ],
)
def test_a_damaged_file_is_never_served_and_is_drawn_again(cache, damage):
    draw = Counting()
    cache.pdf(draw, Doc("Zoë", 100))
    [path] = _files(cache)
    path.write_bytes(damage(path.read_bytes()))
    served = cache.pdf(draw, Doc("Zoë", 100))
    assert draw.calls == 2 and b"% call 2" in served  # drawn again, not read from the damaged file
    assert cache.get(path.stem) == served  # and stored whole again
    assert cache.pdf(draw, Doc("Zoë", 100)) == served and draw.calls == 2


def test_a_temp_file_left_by_a_crash_is_never_read_and_is_swept(cache):
    draw = Counting()
    key = pdf_key(draw, (Doc("Zoë", 100),))
    cache.root.mkdir(parents=True)
    leftover = cache.root / f".{key}.pdf.tmp"
    leftover.write_bytes(b"%PDF-1.7 half")
    assert cache.get(key) is None
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    assert cache.sweep() == 1 and not leftover.exists()


def test_only_pdfs_and_only_real_keys(cache):
    with pytest.raises(ValueError):
        cache.put("0" * 64, b"<html>")
    with pytest.raises(ValueError):
        cache.get("../../secret_key")


def _age(path: Path, seconds: float) -> None:
    at = time.time() - seconds
    os.utime(path, (at, at))


def test_the_sweep_keeps_the_folder_under_its_bound_least_recently_used_first(tmp_path):
    cache = PdfCache(tmp_path, sweep_every_seconds=3600)
    draw = Counting()
    docs = [Doc("x" * 3000, n) for n in range(4)]  # about 3.1 KB each on disk
    paths = []
    for n, doc in enumerate(docs):
        cache.pdf(draw, doc)
        paths.append(cache.root / (pdf_key(draw, (doc,)) + ".pdf"))
        _age(paths[-1], 100 - n)  # 0 is the oldest
    cache.get(paths[0].stem)  # ...but read just now
    cache.max_bytes = 7_000
    assert cache.sweep() == 2
    assert [n for n, p in enumerate(paths) if p.exists()] == [0, 3]
    assert sum(p.stat().st_size for p in _files(cache)) <= 7_000
    assert cache.pdf(draw, docs[1]) and draw.calls == 5  # a swept document is simply drawn again


def test_files_unused_for_too_long_go_and_writes_sweep_by_themselves(tmp_path):
    cache = PdfCache(tmp_path, max_age_seconds=86400, sweep_every_seconds=3600)
    draw = Counting()
    cache.pdf(draw, Doc("old", 1))
    [old] = _files(cache)
    _age(old, 2 * 86400)
    cache._last_sweep = 0  # the next write is due a sweep
    cache.pdf(draw, Doc("new", 2))
    assert not old.exists() and len(_files(cache)) == 1


def test_a_cache_that_cannot_be_written_still_serves_the_document(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    cache = PdfCache(blocker / "pdf")
    draw = Counting()
    assert cache.pdf(draw, Doc("Zoë", 1)).startswith(b"%PDF-")
    assert cache.pdf(draw, Doc("Zoë", 1)).startswith(b"%PDF-") and draw.calls == 2


# --- with the real documents and the shop's logo ------------------------------------------------------------


def test_a_real_quote_is_drawn_once_and_a_changed_order_draws_again(session, settings, tmp_path):
    built = build_order(session)
    session.commit()
    cache = PdfCache(tmp_path / "pdf")
    calls = []

    def quote_pdf(doc):
        calls.append(doc.customer.full_name)
        return pdf.quote_pdf(doc)

    quote_pdf.__qualname__ = "quote_pdf"

    def doc():
        return document_context(session, built.order.id, settings.public_url, settings.secret_key)

    first = cache.pdf(quote_pdf, doc())
    assert cache.pdf(quote_pdf, doc()) == first and len(calls) == 1
    assert "Zoë Wójcik" in pdf_text(first)
    customer = built.order.customer_id
    from repair_portal.models import Customer

    row = session.get(Customer, customer)
    row.last_name = "Nowak"
    session.add(row)
    session.commit()
    changed = cache.pdf(quote_pdf, doc())
    assert len(calls) == 2 and "Zoë Nowak" in pdf_text(changed)


def test_a_new_or_replaced_logo_changes_the_key(session, settings):
    from repair_portal.services import audit

    factories.shop(session)
    assert logo_digests(session, settings.uploads_dir) == ()
    name = set_logo(session, settings.uploads_dir, image((300, 100), "teal", "PNG"), audit.SYSTEM)
    first = logo_digests(session, settings.uploads_dir)
    assert len(first) == 1 and name in first[0]
    set_logo(session, settings.uploads_dir, image((300, 100), "navy", "PNG"), audit.SYSTEM)
    second = logo_digests(session, settings.uploads_dir)
    assert second != first
    stored = settings.uploads_dir / second[0].split(":")[1]
    stored.write_bytes(image((300, 100), "red", "PNG"))  # the same file replaced in place (a restore)
    os.utime(stored, ns=(1, 1))
    assert logo_digests(session, settings.uploads_dir) != second
    assert file_digest(stored) in logo_digests(session, settings.uploads_dir)[0]
