"""How long a text is on the phone network: GSM-7 (160 characters, 153 a part when split; ^{}\\[~]|€ count
twice) or, with any other character, UCS-2 (70, 67 a part; an emoji counts twice)."""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"
_BASIC, _EXTENDED = frozenset(GSM_BASIC), frozenset(GSM_EXTENDED)


@dataclass(frozen=True)
class Length:
    encoding: str  # GSM-7 or UCS-2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # what one part holds in this encoding (as split)

    @property
    def summary(self) -> str:
        parts = "1 text" if self.segments == 1 else f"{self.segments} texts"
        chars = "1 character" if self.units == 1 else f"{self.units} characters"
        return f"{chars} · {parts} · {self.encoding}"


def measure(body: str) -> Length:
    if all(ch in _BASIC or ch in _EXTENDED for ch in body):
        units = sum(2 if ch in _EXTENDED else 1 for ch in body)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return Length(encoding, units, 1 if units else 0, single)
    return Length(encoding, units, -(-units // multi), multi)
