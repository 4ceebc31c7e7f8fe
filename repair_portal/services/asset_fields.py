"""The shop's words for assets and what portal users see of them: the asset ID's label (renameable) and
the asset fields shown on the portal (a comma-separated set of keys on the shop settings row)."""

from __future__ import annotations

from sqlmodel import Session

from ..models import ShopSettings
from ..models.shop import DEFAULT_ASSET_FIELDS
from . import audit

MAX_LABEL = 40
DEFAULT_LABEL = "Asset ID"
# key → label on the settings page ("asset_tag" reads as the shop's own label).
FIELDS: dict[str, str] = {
    "asset_tag": "Asset ID",
    "kind": "Type",
    "make": "Make",
    "model": "Model",
    "serial": "Serial number",
    "customer_ref": "Customer reference",
    "description": "Description",
    "site": "Site",
    "warranty_until": "Warranty end",
    "tests": "Tests, last test and certificates",
    "defects": "Defects and their photos",
}
DEFAULT_FIELDS = tuple(DEFAULT_ASSET_FIELDS.split(","))


class AssetSettingsError(ValueError):
    """A message safe to show on the settings page."""


def canonical(keys) -> tuple[str, ...]:
    """Known keys, each once, in the order of FIELDS (equal sets compare equal)."""
    wanted = {str(k).strip() for k in keys}
    return tuple(key for key in FIELDS if key in wanted)


def parse(stored: str) -> frozenset[str]:
    return frozenset(canonical((stored or "").split(",")))


def label(shop: ShopSettings) -> str:
    return (shop.asset_label or "").strip() or DEFAULT_LABEL


def customer_fields(session: Session) -> frozenset[str]:
    """The asset fields portal users see (and the only ones sent to their browser)."""
    return parse(ShopSettings.current(session).asset_customer_fields)


def save(session: Session, new_label: str, keys, actor: audit.Actor) -> bool:
    """Store the label and the visible fields; False when nothing changed. Run it in `write_session`."""
    text = " ".join(str(new_label or "").split())
    if not text:
        raise AssetSettingsError("Give the asset ID a name, e.g. “Asset ID” or “Tag number”.")
    if len(text) > MAX_LABEL:
        raise AssetSettingsError(f"Keep the name under {MAX_LABEL} characters.")
    chosen = ",".join(canonical(keys if isinstance(keys, list | tuple | set | frozenset) else ()))
    shop = session.get(ShopSettings, 1)
    if shop is None:
        raise AssetSettingsError("Set the shop up first (Settings → Shop).")
    before = (shop.asset_label, shop.asset_customer_fields)
    if before == (text, chosen):
        return False
    shop.asset_label, shop.asset_customer_fields = text, chosen
    session.add(shop)
    audit.record(
        session, actor, "settings.assets_changed", label=[before[0], text], customer_fields=[before[1], chosen]
    )
    return True
