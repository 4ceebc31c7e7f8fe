"""Text people type, checked the same way everywhere: too long is refused with a message (never cut
silently), and a NUL character is refused (PostgreSQL can't store one, and nothing typed needs it).

`clean_text` is for one value; `has_nul` looks through handler arguments and form data (dicts, lists)
for the guards in state/guard.py and the HTTP middleware.
"""

from __future__ import annotations

NUL = "\x00"
NUL_IN_FIELD = "contains a character that can't be saved (a NUL byte). Remove it and try again."
NUL_MESSAGE = f"That text {NUL_IN_FIELD}"


class TextInputError(ValueError):
    """What is wrong with a typed value; `field` names the form field when the caller gave one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def too_long_message(field_label: str, max_len: int, length: int) -> str:
    return f"{field_label} is too long: at most {max_len:,} characters (this one has {length:,})."


def clean_text(value, field_label: str, max_len: int, *, one_line: bool = False, field: str = "") -> str:
    """The value as a stripped string (`one_line`: runs of spaces and line breaks become one space).
    Raises TextInputError for a NUL character or more than `max_len` characters."""
    text = "" if value is None else str(value)
    if NUL in text:
        raise TextInputError(f"{field_label} {NUL_IN_FIELD}", field)
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > max_len:
        raise TextInputError(too_long_message(field_label, max_len, len(text)), field)
    return text


def text_problem(value, field_label: str, max_len: int, *, one_line: bool = False) -> str | None:
    """The message `clean_text` would raise, or None: for forms that collect every field's problem."""
    try:
        clean_text(value, field_label, max_len, one_line=one_line)
    except TextInputError as exc:
        return str(exc)
    return None


def has_nul(value, _depth: int = 0) -> bool:
    """A NUL anywhere in `value`: a string, bytes-free containers (dict keys and values, lists, tuples,
    sets) looked through to a sane depth (deeper nesting counts as suspicious)."""
    if isinstance(value, str):
        return NUL in value
    if _depth > 32:
        return True
    if isinstance(value, dict):
        return any(has_nul(k, _depth + 1) or has_nul(v, _depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(has_nul(item, _depth + 1) for item in value)
    return False
