"""Human-friendly times in the shop's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from . import clock

DEFAULT_TZ = "Europe/London"


def shop_timezone(session) -> str:
    """The shop's time zone (Settings → Shop), for every date shown to staff or customers."""
    from ..models import ShopSettings

    return ShopSettings.current(session).timezone or DEFAULT_TZ


def local(dt: datetime, tz: str = "Europe/London") -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def ago(dt: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or clock.now()) - dt).total_seconds())
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h ago"
    days = hours // 24
    return "yesterday" if days == 1 else f"{days} days ago"


def short(dt: datetime | None, tz: str = "Europe/London") -> str:
    return local(dt, tz).strftime("%-d %b %Y, %H:%M") if dt else ""


def date(dt: datetime | None, tz: str = "Europe/London") -> str:
    return local(dt, tz).strftime("%-d %b %Y") if dt else ""


def utc_iso(dt: datetime) -> str:
    """'2026-12-01T09:30:00Z': the exact moment, for audit trails."""
    from datetime import UTC

    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
