"""Rendered PDFs kept on disk under a SHA-256 of everything that decides their bytes: the renderer (its
name, a version constant, its source code and the libraries drawing it), the frozen plain data it is called
with (document_data / invoice_data) and the shop's logo files. Any change to any of them is a new key, so a
stale PDF is never served; an unchanged document is read back instead of being drawn again (fpdf2 takes
0.1–0.5 s a page, a read takes well under a millisecond).

Keys are computed from data the caller loaded after its access check; they never appear in a URL. Each
file carries a digest of its body and is written to a temp file then renamed into place, so a torn or
damaged file is detected, deleted and rendered again rather than served. The folder is bounded by a cheap
sweep after writes: files unused for `max_age` go, then the least recently used until under `max_bytes`."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

RENDERER_VERSION = "1"  # bump to retire every cached PDF at once (e.g. a font file replaced in place)
PRINTED_DAY = {"pdf_cache_key": "day"}  # dataclass field metadata: key on the day only ("3 Nov 2026, 14:05")
MAGIC = b"RPPDF1\n"
DIGEST = 32
SUFFIX = ".pdf"
_HERE = Path(__file__).resolve().parent
_RENDERER_SOURCES = ("pdf*.py", "qr.py", "document_data.py", "invoice_data.py")


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """The drawing code and what it draws with: editing a renderer retires its cached PDFs by itself."""
    from importlib.metadata import version

    digest = hashlib.sha256(RENDERER_VERSION.encode())
    sources = sorted({p for pattern in _RENDERER_SOURCES for p in _HERE.glob(pattern) if p.name != Path(__file__).name})
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    from .pdf_common import FONT_DIR

    for path in sorted(FONT_DIR.glob("*.ttf")):
        digest.update(f"{path.name}:{path.stat().st_size}\0".encode())
    for package in ("fpdf2", "pillow", "qrcode"):
        try:
            digest.update(f"{package}=={version(package)}\0".encode())
        except Exception:  # not installed under that name: the source digest still covers our side
            digest.update(f"{package}?\0".encode())
    return digest.hexdigest()


def canonical(value, day_only: bool = False):
    """Plain JSON-able form of a renderer's arguments, with every type named (two dataclasses with the same
    fields never collide) and bytes by their SHA-256. Anything else is refused rather than keyed loosely."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict = {"@": f"{type(value).__module__}.{type(value).__qualname__}"}
        for field in dataclasses.fields(value):
            out[field.name] = canonical(getattr(value, field.name), field.metadata.get("pdf_cache_key") == "day")
        return out
    if isinstance(value, str):
        return value.split(",", 1)[0] if day_only else value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, datetime | date):
        return {"@": type(value).__name__, "iso": value.isoformat()}
    raise TypeError(f"A cached PDF can't be keyed on a {type(value).__name__}")


def pdf_key(render: Callable[..., bytes], args: tuple, extra: tuple[str, ...] = ()) -> str:
    blob = {
        "code": renderer_fingerprint(),
        "renderer": f"{render.__module__}.{render.__qualname__}",
        "args": canonical(args),
        "extra": list(extra),
    }
    text = json.dumps(blob, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


_file_digests: dict[str, tuple[tuple, str]] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read again only when its size, mtime or inode changes ("" if missing)."""
    try:
        st = path.stat()
    except OSError:
        return ""
    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
    known = _file_digests.get(str(path))
    if known and known[0] == stamp:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if len(_file_digests) > 256:
        _file_digests.clear()
    _file_digests[str(path)] = (stamp, digest)
    return digest


class PdfCache:
    def __init__(
        self,
        root: Path,
        *,
        max_bytes: int = 256 * 1024 * 1024,
        max_age_seconds: float = 30 * 86400,
        sweep_every_seconds: float = 300,
    ):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.max_age = max_age_seconds
        self.sweep_every = sweep_every_seconds
        self._last_sweep = 0.0  # a new process sweeps on its first write
        self._written = 0
        self._sweeping = threading.Lock()

    def pdf(self, render: Callable[..., bytes], *args, extra: tuple[str, ...] = ()) -> bytes:
        """`render(*args)`, or the bytes it gave before for equal arguments. Blocking: call it in a thread."""
        key = pdf_key(render, args, extra)
        body = self.get(key)
        if body is None:
            body = render(*args)
            self.put(key, body)
        return body

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a cache key")
        return self.root / (key + SUFFIX)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        body = raw[len(MAGIC) + DIGEST :]
        if raw[: len(MAGIC)] != MAGIC or hashlib.sha256(body).digest() != raw[len(MAGIC) : len(MAGIC) + DIGEST]:
            path.unlink(missing_ok=True)  # torn or damaged: never served, drawn again
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last used: what the sweep keeps
        return body

    def put(self, key: str, body: bytes) -> None:
        """Store atomically (temp file, then rename); a failing disk only costs the next render."""
        if not body.startswith(b"%PDF-"):
            raise ValueError("only PDFs are cached")
        path = self._path(key)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(MAGIC + hashlib.sha256(body).digest() + body)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._written += len(body)
        if time.time() - self._last_sweep >= self.sweep_every or self._written > self.max_bytes // 8:
            self.sweep()

    def sweep(self) -> int:
        """Drop files unused for max_age, then the least recently used above max_bytes, and temp files
        left by a crash. Returns how many files went; skipped while another thread sweeps."""
        if not self._sweeping.acquire(blocking=False):
            return 0
        try:
            self._last_sweep, self._written = time.time(), 0
            now, removed, kept = time.time(), 0, []
            try:
                entries = list(os.scandir(self.root))
            except OSError:
                return 0
            for entry in entries:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                temp = entry.name.endswith(".tmp")
                if (temp and now - st.st_mtime > 3600) or (not temp and now - st.st_mtime > self.max_age):
                    removed += _unlink(entry.path)
                elif entry.name.endswith(SUFFIX):
                    kept.append((st.st_mtime, st.st_size, entry.path))
            total = sum(size for _, size, _ in kept)
            for _, size, path in sorted(kept):
                if total <= self.max_bytes:
                    break
                removed += _unlink(path)
                total -= size
            return removed
        finally:
            self._sweeping.release()


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0
