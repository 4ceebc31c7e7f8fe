"""QR codes for tracking links: PNG bytes for the web, PIL images for PDFs."""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def _matrix_image(url: str, box_size: int, border: int) -> Image.Image:
    if not url:
        raise ValueError("a QR code needs a URL")
    # Level M survives a scuffed or slightly crumpled ticket without making the code dense.
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


def qr_image(url: str, *, box_size: int = 10, border: int = 4) -> Image.Image:
    """A greyscale image (mode L); fpdf2 embeds it losslessly and printers keep the edges crisp."""
    return _matrix_image(url, box_size, border).convert("L")


def qr_png(url: str, *, box_size: int = 10, border: int = 4) -> bytes:
    buffer = io.BytesIO()
    _matrix_image(url, box_size, border).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
