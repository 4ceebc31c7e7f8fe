"""Database ids from browser input (URLs, select values, event arguments): never trusted, never a crash."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # SQLite and PostgreSQL bigint


def parse_id(value) -> int | None:
    """A positive id, or None for anything else ("²", "-1", "1e3", 20 digits, True, None...)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 18 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number > 0 else None


def is_digits(text: str) -> bool:
    """0-9 only. str.isdigit() also accepts "²" and other digits int() can't read."""
    return bool(text) and text.isascii() and text.isdigit()
