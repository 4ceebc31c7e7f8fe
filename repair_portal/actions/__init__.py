"""One plain function per user action: its transaction, the domain calls, which email goes out and
which part of the order's live page changed. No Reflex here (unit-tested on a real database): the
state handler has already authorised the call (state/guard.py), runs the action in a worker
thread, shows the outcome and publishes `outcome.changed`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..services.mail import LinkSettings
from ..settings import get_settings


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str = ""
    level: str = "success"  # how the page shows `message`: success, info, warning or error
    changed: str | None = None  # the part of the order's live page to refresh (stage, payments, ...)
    order_id: int | None = None
    stale: bool = False  # the page showed something outdated: re-read before trying again
    detail: str = ""  # what to show beside the form (e.g. which files were refused and why)
    errors: dict[str, str] = field(default_factory=dict)  # field name → what to fix
    alert: bool = False  # a customer action staff must see: the bell and the board move


def done(
    message: str = "",
    *,
    changed: str | None = None,
    order_id: int | None = None,
    level: str = "success",
    alert: bool = False,
):
    return Outcome(True, message, level, changed, order_id, alert=alert)


def refused(message: str, *, level: str = "error", stale: bool = False) -> Outcome:
    return Outcome(False, message, level, stale=stale)


GONE = "That order no longer exists."


def links() -> LinkSettings:
    """Where email links point."""
    settings = get_settings()
    return LinkSettings(settings.public_url, settings.secret_key)
