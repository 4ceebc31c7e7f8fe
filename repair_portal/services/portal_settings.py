"""Settings → Portal access, the shop-wide switches: the customer portal on or off (with where to send
people when off), the portal password character-mix rule, and which staff roles must use TOTP.

They live on the shop settings row but are saved apart from Settings → Shop, field by field: a save
writes only the switches this editor changed, and is refused (nothing written) when one of those was
changed by someone else since the editor loaded the page. Saving here doesn't move the row's
`updated_at`, so an open Shop settings editor isn't told of a conflict it doesn't have.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from sqlmodel import Session, select

from ..models import AuditEvent, Role, ShopSettings
from ..models.staff import ROLE_LABELS
from . import audit, edits, locking

MAX_URL = 500
LABELS = {
    "portal_enabled": "customer portal on/off",
    "portal_off_url": "redirect address",
    "portal_password_mix": "password character mix",
    "staff_mfa_roles": "staff roles that must use TOTP",
}
AUDIT_ACTION = "settings.portal_changed"


class PortalSettingsInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors


class PortalSettingsConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("the portal settings", changed, by, LABELS)


@dataclass(frozen=True)
class PortalSwitches:
    portal_enabled: bool = True
    portal_off_url: str = ""
    portal_password_mix: bool = False
    staff_mfa_roles: tuple[str, ...] = ()  # Role values, in the roles' own order

    @classmethod
    def of(cls, shop: ShopSettings) -> PortalSwitches:
        return cls(
            portal_enabled=bool(shop.portal_enabled),
            portal_off_url=shop.portal_off_url or "",
            portal_password_mix=bool(shop.portal_password_mix),
            staff_mfa_roles=parse_roles(shop.staff_mfa_roles),
        )

    @classmethod
    def from_input(cls, enabled, off_url, password_mix, roles) -> PortalSwitches:
        """Browser input: flags must be real booleans, unknown roles are dropped."""
        return cls(
            portal_enabled=enabled is True,
            portal_off_url=str(off_url if off_url is not None else "")[: MAX_URL * 4],
            portal_password_mix=password_mix is True,
            staff_mfa_roles=canonical_roles(roles if isinstance(roles, list | tuple | set | frozenset) else ()),
        )


def canonical_roles(roles) -> tuple[str, ...]:
    """Known role values, each once, in the order of `Role` (so equal sets compare equal)."""
    wanted = {str(r) for r in roles}
    return tuple(role.value for role in Role if role.value in wanted)


def parse_roles(stored: str) -> tuple[str, ...]:
    return canonical_roles(part.strip() for part in (stored or "").split(","))


def role_labels(roles) -> str:
    """'Owners and managers' style text for the audit trail and the page."""
    names = [ROLE_LABELS.get(r, r) for r in canonical_roles(roles)]
    return ", ".join(names) if names else "none"


def clean_off_url(raw: str) -> str:
    """The redirect address trimmed, or ValueError with a message for the field.

    Only absolute http(s) addresses with a host: a `javascript:` or `data:` URL, a relative path (which
    would loop back into the app) or an address with a user name and password is refused."""
    url = (raw or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL:
        raise ValueError(f"Keep the address under {MAX_URL} characters.")
    if any(ch.isspace() or ord(ch) < 32 or ch in "\\<>\"'" for ch in url):
        raise ValueError("An address can't contain spaces, quotes or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port that isn't a number
    except ValueError:
        raise ValueError("That doesn't look like a web address.") from None
    del port
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("Use a web address starting with https:// (or http://).")
    if not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        raise ValueError("Include the website's name, like https://www.example.com/contact.")
    if parts.username is not None or parts.password is not None:
        raise ValueError("Leave out a user name or password in the address.")
    return url


def validate(switches: PortalSwitches) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        clean_off_url(switches.portal_off_url)
    except ValueError as exc:
        errors["portal_off_url"] = str(exc)
    return errors


def load(session: Session) -> PortalSwitches:
    return PortalSwitches.of(ShopSettings.current(session))


def _cleaned(switches: PortalSwitches) -> PortalSwitches:
    return PortalSwitches(
        portal_enabled=switches.portal_enabled,
        portal_off_url=clean_off_url(switches.portal_off_url),
        portal_password_mix=switches.portal_password_mix,
        staff_mfa_roles=canonical_roles(switches.staff_mfa_roles),
    )


def _differ(a: PortalSwitches, b: PortalSwitches) -> list[str]:
    return [f.name for f in fields(PortalSwitches) if getattr(a, f.name) != getattr(b, f.name)]


def _last_editor(session: Session) -> str:
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).first()
    return edits.editor_name(session, event)


def save(session: Session, mine: PortalSwitches, *, loaded: PortalSwitches, actor: audit.Actor) -> list[str]:
    """Store the switches this editor changed (from `loaded`, what their page showed); returns their names.

    Raises PortalSettingsInvalid (field messages) or PortalSettingsConflict (someone else changed one of
    the same switches meanwhile; nothing written). Run it in `write_session`."""
    errors = validate(mine)
    if errors:
        raise PortalSettingsInvalid(errors)
    mine, loaded = _cleaned(mine), replace(loaded, portal_off_url=loaded.portal_off_url.strip())
    changed = _differ(loaded, mine)
    if not changed:
        return []
    shop = locking.row(session, ShopSettings, 1) or ShopSettings.current(session)  # compared and written under one lock
    current = PortalSwitches.of(shop)
    clashes = [
        name
        for name in changed  # moved on since loading, to something else than this editor wants
        if getattr(current, name) != getattr(loaded, name) and getattr(current, name) != getattr(mine, name)
    ]
    if clashes:
        raise PortalSettingsConflict(clashes, _last_editor(session))
    changed = [name for name in changed if getattr(current, name) != getattr(mine, name)]
    if not changed:
        return []
    for name in changed:  # only these: a switch someone else changed meanwhile keeps their value
        value = getattr(mine, name)
        setattr(shop, name, ",".join(value) if name == "staff_mfa_roles" else value)
    session.add(shop)
    values = {
        name: [role_labels(getattr(current, name)), role_labels(getattr(mine, name))]
        if name == "staff_mfa_roles"
        else [getattr(current, name), getattr(mine, name)]
        for name in changed
    }
    audit.record(session, actor, AUDIT_ACTION, fields=changed, changes=values)
    return changed


def rebase(loaded: PortalSwitches, mine: PortalSwitches, theirs: PortalSwitches) -> PortalSwitches:
    """The latest saved switches with this editor's own changes on top (after a conflict)."""
    return edits.rebase(theirs, mine, _differ(loaded, mine))
