"""What the shop lets customers see online: one answer for views, handlers, routes and PDFs.

That includes whether the customer portal is open at all: with `ShopSettings.portal_enabled` off,
every customer page (`/track/...`, `/lookup`, `/portal...`) and customer route sends people to the
shop's chosen address, or shows a "not available online, call us" page. Staff previews still work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlmodel import Session, select

from ..models import AttachmentKind, ShopSettings

MAX_OFF_URL = 500
# A host name, an IPv4 address or a bracketed IPv6 address, then an optional port.
_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$")


def visible_attachment_kinds(session: Session) -> set[str]:
    shop = ShopSettings.current(session)
    kinds = set()
    if shop.show_photos:
        kinds.add(AttachmentKind.PHOTO.value)
    if shop.show_documents:
        kinds.add(AttachmentKind.DOCUMENT.value)
    return kinds


def safe_off_url(raw: str | None) -> str:
    """The redirect address if it is a plain http(s) URL with a host, else "" (the "call us" page).

    Checked again where it is used, not only when saved: a value set another way (by hand, an older
    version) never sends customers to `javascript:` or a relative path on our own site."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_OFF_URL or any(ch.isspace() or ord(ch) < 32 or ch in "<>\"'\\" for ch in text):
        return ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return ""
    if not _HOST.match(parts.netloc.lower()):
        return ""
    return text


@dataclass(frozen=True)
class PortalOff:
    """The portal is switched off: send customers to `url`, or (no URL) show the shop's phone number."""

    url: str = ""


def portal_off(session: Session) -> PortalOff | None:
    """None while the customer portal is on (the default)."""
    # Two columns, not the settings row: every customer event asks this.
    row = session.exec(
        select(ShopSettings.portal_enabled, ShopSettings.portal_off_url).where(ShopSettings.id == 1)
    ).first()
    if row is None or row[0]:
        return None
    return PortalOff(safe_off_url(row[1]))
