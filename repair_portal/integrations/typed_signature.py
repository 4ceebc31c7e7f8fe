"""A typed name drawn as a signature image, for signers who can't or don't want to draw (WCAG 2.5.7).

Dancing Script (SIL Open Font License, assets/fonts/) in two subsets, latin and latin-ext; a letter in
neither (Greek, Cyrillic, ...) is drawn in DejaVu Sans so every name renders. The image is a PNG of the
same size and kind as a drawn one: it goes through the same checks and into the same chain.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
SCRIPT_FONTS = ("DancingScript-latin.ttf", "DancingScript-latin-ext.ttf")
FALLBACK_FONT = "DejaVuSans.ttf"
WIDTH, HEIGHT = 680, 200
INK = (15, 23, 42, 255)


@lru_cache(maxsize=8)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


@lru_cache(maxsize=4)
def _covered(name: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(FONT_DIR / name), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _font_for(ch: str) -> str:
    for name in SCRIPT_FONTS:
        if ord(ch) in _covered(name):
            return name
    return FALLBACK_FONT


def _runs(text: str) -> list[tuple[str, str]]:
    """Consecutive letters sharing a font, so kerning within each run is kept."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        name = SCRIPT_FONTS[0] if ch == " " else _font_for(ch)
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def render_png(name: str) -> bytes:
    """The name as a handwritten-looking signature on a transparent background."""
    text = " ".join(str(name or "").split())
    runs = _runs(text)
    size = 96
    while size > 28:
        width = sum(_font(font, size).getlength(part) for font, part in runs)
        if width <= WIDTH - 60:
            break
        size -= 6
    image = Image.new("RGBA", (WIDTH, HEIGHT), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x = max(30, (WIDTH - width) / 2)
    baseline = HEIGHT * 0.66
    for font_name, part in runs:
        font = _font(font_name, size)
        draw.text((x, baseline), part, font=font, fill=INK, anchor="ls")
        x += font.getlength(part)
    draw.line([(30, baseline + 14), (WIDTH - 30, baseline + 14)], fill=(148, 163, 184, 255), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
