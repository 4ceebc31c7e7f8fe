"""Believable device photos drawn with Pillow, so the demo needs no downloads."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def device_photo(kind: str, seed: int, *, cracked: bool = False, label: str = "") -> bytes:
    rng = random.Random(seed)
    width, height = 1200, 900
    bench = tuple(rng.randint(180, 215) for _ in range(3))
    image = Image.new("RGB", (width, height), bench)
    draw = ImageDraw.Draw(image)
    # bench mat grid
    for x in range(0, width, 60):
        draw.line([(x, 0), (x, height)], fill=tuple(c - 18 for c in bench), width=2)
    for y in range(0, height, 60):
        draw.line([(0, y), (width, y)], fill=tuple(c - 18 for c in bench), width=2)
    body = tuple(rng.randint(20, 70) for _ in range(3))
    if kind == "laptop":
        draw.rounded_rectangle([200, 180, 1000, 660], radius=24, fill=body)
        draw.rectangle([240, 215, 960, 625], fill=(28, 38, 58))
        draw.polygon([(140, 690), (1060, 690), (1000, 660), (200, 660)], fill=tuple(c + 40 for c in body))
        screen = (240, 215, 960, 625)
    else:
        left = rng.randint(380, 460)
        draw.rounded_rectangle([left, 90, left + 380, 810], radius=56, fill=body)
        draw.rounded_rectangle([left + 20, 130, left + 360, 770], radius=32, fill=(24, 32, 52))
        draw.ellipse([left + 170, 100, left + 210, 118], fill=(10, 10, 10))
        screen = (left + 20, 130, left + 360, 770)
    # screen glare
    draw.polygon(
        [(screen[0], screen[1]), (screen[0] + 140, screen[1]), (screen[0], screen[1] + 220)], fill=(52, 64, 92)
    )
    if cracked:
        cx = rng.randint(screen[0] + 60, screen[2] - 60)
        cy = rng.randint(screen[1] + 60, screen[3] - 60)
        for _ in range(14):
            x, y = cx, cy
            for _ in range(rng.randint(3, 7)):
                nx = x + rng.randint(-90, 90)
                ny = y + rng.randint(-90, 90)
                nx = min(max(nx, screen[0]), screen[2])
                ny = min(max(ny, screen[1]), screen[3])
                draw.line([(x, y), (nx, ny)], fill=(220, 228, 240), width=2)
                x, y = nx, ny
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    if label:
        draw = ImageDraw.Draw(image)
        draw.rectangle([30, height - 70, 30 + 16 * len(label) + 40, height - 25], fill=(255, 255, 255))
        draw.text((50, height - 58), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def shop_logo(name: str) -> bytes:
    """A simple wordmark: a teal badge with a spanner-like mark and the shop's name."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(Path(__file__).resolve().parents[2] / "assets/fonts/DejaVuSans-Bold.ttf"), 64)
    except OSError:
        font = ImageFont.load_default()
    image = Image.new("RGBA", (620, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 10, 100, 110], radius=22, fill=(15, 118, 110, 255))
    draw.ellipse([22, 28, 62, 68], outline="white", width=9)
    draw.line([(56, 62), (82, 90)], fill="white", width=12)
    draw.text((120, 22), name, font=font, fill=(15, 23, 42, 255))
    box = image.getbbox()
    out = io.BytesIO()
    image.crop(box).save(out, format="PNG")
    return out.getvalue()
