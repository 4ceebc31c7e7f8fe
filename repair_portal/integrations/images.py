"""Image intake with Pillow: type by content, size and pixel caps, metadata stripped.

Every accepted image is decoded and re-encoded, so what we store and serve is
an image we produced (no EXIF/GPS, no trailing payloads, no polyglots).
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40 MP phone photo; bigger is refused (decompression bombs)
MAX_STORED_EDGE = 2560
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # GIF refused: phone cameras never make one
# Pillow's own bomb guard, at our cap: it raises before decoding anything larger.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(ValueError):
    """The message is safe to show to whoever uploaded the file."""


@dataclass(frozen=True)
class StoredImage:
    storage_name: str
    content_type: str
    size_bytes: int
    sha256: str
    width: int
    height: int


def _open_checked(data: bytes) -> Image.Image:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(f"That file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise ImageRejected("That file is empty.")
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ALLOWED_FORMATS:
            raise ImageRejected("That file is not a JPEG, PNG or WebP image.")
        if probe.width * probe.height > MAX_PIXELS:
            raise ImageRejected("That image has too many pixels (over 40 megapixels).")
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected("That file is not a readable image.") from exc
    return image


def normalise_photo(data: bytes) -> tuple[bytes, int, int]:
    """Decode, apply EXIF rotation, shrink to MAX_STORED_EDGE, re-encode as JPEG without metadata."""
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    image.thumbnail((MAX_STORED_EDGE, MAX_STORED_EDGE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def store_photo(data: bytes, files_dir: Path) -> StoredImage:
    """Validate and write a photo under a server-chosen name; returns its record data."""
    encoded, width, height = normalise_photo(data)
    files_dir.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    tmp = files_dir / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(encoded)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, files_dir / name)
    return StoredImage(
        storage_name=name,
        content_type="image/jpeg",
        size_bytes=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        width=width,
        height=height,
    )


def normalise_logo(data: bytes, files_dir: Path) -> str:
    """Validate a logo, fit it in 600×200, re-encode as PNG (keeps transparency); returns the stored name."""
    image = _open_checked(data)
    image = ImageOps.exif_transpose(image).convert("RGBA")
    image.thumbnail((600, 200))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    files_dir.mkdir(parents=True, exist_ok=True)
    name = f"logo-{secrets.token_hex(8)}.png"
    tmp = files_dir / f".{name}.tmp"
    tmp.write_bytes(out.getvalue())
    os.replace(tmp, files_dir / name)
    return name
