"""Email addresses typed by staff and customers: one check and one normal form for the whole app."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_valid_email(email: str) -> bool:
    """Something@somewhere.tld, at most 254 characters (what mail servers accept); not a deliverability check."""
    return len(email) <= MAX_EMAIL and EMAIL_RE.match(email) is not None
