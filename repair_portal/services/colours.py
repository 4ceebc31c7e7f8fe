"""The shop's accent colour read for legibility (WCAG 2.2): what colour text on it must be, a darker
shade of it for text on white, and whether a shop may choose it at all."""

from __future__ import annotations

import re

_COLOUR = re.compile(r"#?([0-9a-fA-F]{6})")
INK = "#111827"  # dark text on a light accent
WHITE = "#ffffff"
TEXT_MIN = 4.5  # normal text
GRAPHIC_MIN = 3.0  # progress bars, step markers, focus rings


def normalise(raw: str) -> str | None:
    """'#0F766E' or '0f766e' -> '#0f766e'; anything else -> None."""
    match = _COLOUR.fullmatch((raw or "").strip())
    return f"#{match.group(1).lower()}" if match else None


def luminance(colour: str) -> float:
    rgb = (normalise(colour) or "#000000").lstrip("#")

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(rgb[0:2]) + 0.7152 * channel(rgb[2:4]) + 0.0722 * channel(rgb[4:6])


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(accent: str) -> str:
    """White or near-black, whichever reads better on the accent (buttons, the portal header)."""
    return WHITE if contrast(WHITE, accent) >= contrast(INK, accent) else INK


def _darkened_until(accent: str, readable) -> str:
    colour = normalise(accent) or "#2563eb"
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    step = 0
    while not readable(f"#{r:02x}{g:02x}{b:02x}") and step < 40:
        r, g, b = (int(c * 0.92) for c in (r, g, b))
        step += 1
    return f"#{r:02x}{g:02x}{b:02x}"


def as_text_on_white(accent: str) -> str:
    """The accent, darkened just enough to be read as text on white (≥ 4.5:1)."""
    return _darkened_until(accent, lambda c: contrast(c, WHITE) >= TEXT_MIN)


def surface(accent: str) -> str:
    """The accent as a background for text (buttons, the header): itself when white or near-black
    text reads on it at 4.5:1, else darkened until white does (pure red, say)."""
    colour = normalise(accent) or "#2563eb"
    if max(contrast(WHITE, colour), contrast(INK, colour)) >= TEXT_MIN:
        return colour
    return _darkened_until(colour, lambda c: contrast(WHITE, c) >= TEXT_MIN)


def accent_problem(accent: str) -> tuple[str, str]:
    """(error, warning) for a chosen accent: refused below 3:1 on white (its bars and markers would
    vanish), warned below 4.5:1 (text in it is darkened on the portal)."""
    ratio = contrast(accent, WHITE)
    if ratio < GRAPHIC_MIN:
        return (
            f"That colour is too light to see on white ({ratio:.1f}:1; at least 3:1 is needed). Choose a darker one.",
            "",
        )
    if ratio < TEXT_MIN:
        return "", f"Light colour ({ratio:.1f}:1 on white): the portal writes text in a darker shade of it."
    return "", ""
