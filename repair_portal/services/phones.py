"""Phone numbers in one international form, so "07700 900123" and "+44 7700 900123" are the same."""

from __future__ import annotations

import re


def normalise_phone(raw: str, default_country_code: str = "44") -> str:
    """'07700 900123' -> '+447700900123'; '+1 (555) 010-9999' -> '+15550109999'; '' stays ''."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{default_country_code}{digits[1:]}"
    return "+" + digits if len(digits) > 10 else digits
