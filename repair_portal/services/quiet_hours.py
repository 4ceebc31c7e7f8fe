"""Quiet hours: automated texts wait until morning, in the location's time zone (else the shop's)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

_HHMM = "%H:%M"


def parse(text: str) -> time | None:
    try:
        return datetime.strptime(str(text or "").strip(), _HHMM).time()
    except ValueError:
        return None


def next_allowed(now: datetime, start: str, end: str, tz: str) -> datetime:
    """`now` if it is outside the quiet hours (start..end, which may run past midnight), else when they end."""
    begin, finish = parse(start), parse(end)
    if begin is None or finish is None or begin == finish:
        return now
    zone = ZoneInfo(tz or "UTC")
    local = now.astimezone(zone)
    at = local.time()
    quiet = (begin <= at or at < finish) if begin > finish else (begin <= at < finish)
    if not quiet:
        return now
    morning = datetime.combine(local.date(), finish, tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), finish, tzinfo=zone)
    return morning.astimezone(now.tzinfo)
