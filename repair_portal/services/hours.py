"""Opening hours: one type, one reading of a location's `opening_hours_json`, one way of writing it.

The JSON holds the open days only: `{"mon": "09:00–17:30", "sat": "10:00–14:00"}`."""

from __future__ import annotations

import json
import re

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
DAYS = tuple(DAY_NAMES)  # mon..sun, the keys of opening_hours_json
CLOSED = "Closed"
Hours = dict[str, tuple[str, str] | None]  # day -> (open, close) as "HH:MM", or None when closed

_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_RANGE = re.compile(r"\s*(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})\s*")


def closed_week() -> Hours:
    return {day: None for day in DAYS}


def parse(raw: str | None) -> Hours:
    """opening_hours_json -> {day: (open, close) | None}. Unreadable JSON or days count as closed."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        data = {}
    hours = closed_week()
    if not isinstance(data, dict):
        return hours
    for day in DAYS:
        match = _RANGE.fullmatch(str(data.get(day) or ""))
        if match:
            hours[day] = (match.group(1).zfill(5), match.group(2).zfill(5))
    return hours


def to_json(hours: Hours) -> str:
    """{day: (open, close) | None} -> opening_hours_json; closed days left out."""
    return json.dumps({day: span_text(span) for day in DAYS if (span := hours.get(day))}, ensure_ascii=False)


def span_text(span: tuple[str, str] | None) -> str:
    return f"{span[0]}–{span[1]}" if span else CLOSED


def validate(hours: Hours) -> dict[str, str]:
    """Per-day messages keyed 'hours_<day>'."""
    errors: dict[str, str] = {}
    for day in DAYS:
        span = hours.get(day)
        if span is None:
            continue
        opens, closes = (str(part or "").strip() for part in span)
        if not _TIME.fullmatch(opens) or not _TIME.fullmatch(closes):
            errors[f"hours_{day}"] = "Enter opening and closing times like 09:00 and 17:30, or mark the day closed."
        elif opens >= closes:
            errors[f"hours_{day}"] = "The closing time must be after the opening time."
    return errors


def clean(hours: Hours | None) -> Hours:
    cleaned = closed_week()
    for day in DAYS:
        span = (hours or {}).get(day)
        if span is not None:
            opens, closes = (str(part or "").strip() for part in span)
            cleaned[day] = (opens, closes)
    return cleaned


def by_day(raw: str | None, *, include_closed: bool = False) -> list[tuple[str, str]]:
    """("Monday", "09:00–17:30") for the open days; with `include_closed` every day of the week,
    closed ones saying so. Nothing at all when no day is open (the shop set no hours)."""
    hours = parse(raw)
    if not any(hours.values()):
        return []
    return [(DAY_NAMES[d], span_text(hours[d])) for d in DAYS if include_closed or hours[d]]


def merged(raw: str | None) -> tuple[tuple[str, str], ...]:
    """The week with equal neighbouring days merged, for print: ("Mon–Fri", "09:00–17:30"), ("Sun", "Closed")."""
    hours = parse(raw)
    if not any(hours.values()):
        return ()
    rows: list[tuple[str, str, str]] = []  # first day, last day, hours
    for day in DAYS:
        text, label = span_text(hours[day]), DAY_NAMES[day][:3]
        if rows and rows[-1][2] == text:
            rows[-1] = (rows[-1][0], label, text)
        else:
            rows.append((label, label, text))
    return tuple((first if first == last else f"{first}–{last}", text) for first, last, text in rows)
