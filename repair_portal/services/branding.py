"""The shop's logo: stored like any image upload (validated, re-encoded), shown on the portal."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from ..integrations.images import ImageRejected, normalise_logo
from ..integrations.pdf_cache import file_digest
from ..models import Location, ShopSettings
from . import audit

DEFAULT_ACCENT = "#0f766e"
MAX_LOGO_BYTES = 5 * 1024 * 1024  # a logo never needs more; the browser's limit isn't trusted


def accent_for(shop: ShopSettings | None, location: Location | None) -> str:
    """The accent colour: the location's override, else the shop's."""
    if location is not None and location.accent_color:
        return location.accent_color
    return shop.accent_color if shop else DEFAULT_ACCENT


def logo_for(session: Session, location_id: int | None) -> str | None:
    """Storage name of the logo to show: the location's own, else the shop's."""
    location = session.get(Location, location_id) if location_id else None
    if location is not None and location.logo_path:
        return location.logo_path
    return ShopSettings.current(session).logo_path or None


def logo_digests(session: Session, files_dir: Path) -> tuple[str, ...]:
    """The shop's and every location's logo by the SHA-256 of its bytes: part of a cached PDF's key, so a new
    or replaced logo file is never printed stale (one small query; a file is re-read only when it changes)."""
    rows = [("shop", ShopSettings.current(session).logo_path)]
    locations = session.exec(select(Location.id, Location.logo_path).order_by(Location.id))
    rows += [(f"location {location_id}", name) for location_id, name in locations]
    return tuple(f"{owner}:{name}:{file_digest(files_dir / name)}" for owner, name in rows if name)


def set_logo(
    session: Session, files_dir: Path, data: bytes, actor: audit.Actor, *, location_id: int | None = None
) -> str:
    if len(data) > MAX_LOGO_BYTES:
        raise ImageRejected(f"That logo is larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB. Try a smaller PNG.")
    stored = normalise_logo(data, files_dir)
    if location_id:
        location = session.get(Location, location_id)
        if location is None:
            raise ValueError("No such location.")
        location.logo_path = stored
        session.add(location)
    else:
        shop = ShopSettings.current(session)
        shop.logo_path = stored
        session.add(shop)
    audit.record(session, actor, "settings.logo_changed", location_id=location_id)
    return stored


def remove_logo(session: Session, actor: audit.Actor, *, location_id: int | None = None) -> bool:
    """Forget the shop's (or one location's) logo; a location then shows the shop's. False if there was none.

    The file stays on disk: a backup or an open page may still point at it, and it is tiny.
    """
    row = session.get(Location, location_id) if location_id else session.get(ShopSettings, 1)
    if row is None:
        raise ValueError("No such location.")
    if not row.logo_path:
        return False
    row.logo_path = None
    session.add(row)
    audit.record(session, actor, "settings.logo_removed", location_id=location_id)
    return True
