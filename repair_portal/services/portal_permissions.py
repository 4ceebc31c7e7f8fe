"""What a portal user may do: permission groups (access-rights profiles) and their permissions. One
table, checked on the server by every portal handler and route (state/guard.py `portal_action`)."""

from __future__ import annotations

import json
from enum import StrEnum

from sqlmodel import Session, func, select

from ..models import PermissionGroup, PortalUser
from . import audit, clock


class Perm(StrEnum):
    ORDERS_VIEW_ALL = "orders.view_all"
    ORDERS_VIEW_MINE = "orders.view_mine"
    ORDERS_REQUEST = "orders.request"
    QUOTES_DECIDE = "quotes.decide"
    INVOICES_VIEW = "invoices.view"
    INVOICES_PAY = "invoices.pay"
    PAYMENTS_VIEW = "payments.view"
    FILES_VIEW = "files.view"
    FILES_UPLOAD = "files.upload"
    ASSETS_VIEW = "assets.view"
    RESOURCES_VIEW = "resources.view"
    OVERVIEW_VIEW = "overview.view"
    MESSAGES_SEND = "messages.send"
    PRIVACY_MANAGE = "privacy.manage"


LABELS: dict[Perm, str] = {
    Perm.ORDERS_VIEW_ALL: "Orders: see all of the account's",
    Perm.ORDERS_VIEW_MINE: "Orders: see their own",
    Perm.ORDERS_REQUEST: "Orders: request new work",
    Perm.QUOTES_DECIDE: "Quotes: approve and decline",
    Perm.INVOICES_VIEW: "Invoices: see",
    Perm.INVOICES_PAY: "Invoices: pay online",
    Perm.PAYMENTS_VIEW: "Payments: see",
    Perm.FILES_VIEW: "Photos and documents: see",
    Perm.FILES_UPLOAD: "Photos and documents: upload",
    Perm.ASSETS_VIEW: "Assets: see",
    Perm.RESOURCES_VIEW: "Shared files: see",
    Perm.OVERVIEW_VIEW: "Account overview and balances: see",
    Perm.MESSAGES_SEND: "Messages: send",
    Perm.PRIVACY_MANAGE: "Privacy settings: manage",
}

ADMIN = "admin"
VISITOR = "visitor"
# The permissions an order's tracking link can use (a link shows one order: no lists, requests, assets,
# shared files, overview or uploads). The "Non-portal visitor" group decides which of them a link has.
LINK_PERMS = frozenset(
    {
        Perm.QUOTES_DECIDE,
        Perm.INVOICES_VIEW,
        Perm.INVOICES_PAY,
        Perm.PAYMENTS_VIEW,
        Perm.FILES_VIEW,
        Perm.MESSAGES_SEND,
        Perm.PRIVACY_MANAGE,
    }
)
# What someone who arrives by an order's link (or the lookup) may do on that one order, by default: all of
# it (migration 0015 seeded five of these; 0024 adds paying online and the texts switch, which links did).
VISITOR_PERMS = LINK_PERMS
BUILTIN = {
    ADMIN: ("Admin", frozenset(Perm)),
    VISITOR: ("Non-portal visitor", VISITOR_PERMS),
}


class GroupError(ValueError):
    """A message safe to show on the settings page."""


def parse(permissions_json: str) -> frozenset[Perm]:
    """The stored list, unknown values dropped (a permission removed from the code grants nothing)."""
    try:
        raw = json.loads(permissions_json or "[]")
    except ValueError:
        return frozenset()
    known = {p.value for p in Perm}
    return (
        frozenset(Perm(v) for v in raw if isinstance(v, str) and v in known) if isinstance(raw, list) else frozenset()
    )


def dump(perms) -> str:
    return json.dumps(sorted({Perm(p).value for p in perms}))


def group_perms(session: Session, group_id: int) -> frozenset[Perm]:
    group = session.get(PermissionGroup, group_id)
    return parse(group.permissions_json) if group is not None else frozenset()


def visitor_perms(session: Session) -> frozenset[Perm]:
    """What an order's link may do now: the built-in visitor group as stored (read at every call, so a
    change in Settings → Portal access applies to the next click), or the default if the row is gone."""
    group = session.exec(select(PermissionGroup).where(PermissionGroup.builtin == VISITOR)).first()
    return parse(group.permissions_json) if group is not None else VISITOR_PERMS


def has(session: Session, user: PortalUser, perm: Perm) -> bool:
    return Perm(perm) in group_perms(session, user.group_id)


def builtin_group(session: Session, key: str) -> PermissionGroup:
    group = session.exec(select(PermissionGroup).where(PermissionGroup.builtin == key)).first()
    if group is None:  # created by migration 0015; rebuilt if someone removed it by hand
        name, perms = BUILTIN[key]
        group = PermissionGroup(name=name, builtin=key, permissions_json=dump(perms))
        session.add(group)
        session.flush()
    return group


def save_group(
    session: Session, group_id: int | None, name: str, perms, require_mfa: bool, actor: audit.Actor
) -> PermissionGroup:
    name = " ".join(str(name or "").split())
    if not name or len(name) > 80:
        raise GroupError("Give the group a name (80 characters at most).")
    clash = session.exec(select(PermissionGroup).where(func.lower(PermissionGroup.name) == name.lower())).first()
    if clash is not None and clash.id != group_id:
        raise GroupError(f"There is already a group called “{clash.name}”.")
    chosen = {Perm(p) for p in perms if p in {x.value for x in Perm}}
    group = session.get(PermissionGroup, group_id) if group_id else PermissionGroup(name=name)
    if group is None:
        raise GroupError("That group no longer exists.")
    if group.builtin == ADMIN and chosen != set(Perm):
        raise GroupError("The Admin group always has every permission.")
    if Perm.ORDERS_VIEW_ALL in chosen and group.builtin != ADMIN:  # (Admin keeps the full set, as migrated)
        chosen.discard(Perm.ORDERS_VIEW_MINE)  # "all" includes "mine"
    group.name, group.permissions_json, group.require_mfa = name, dump(chosen), bool(require_mfa)
    group.updated_at = clock.now()
    session.add(group)
    session.flush()
    audit.record(session, actor, "portal_group.saved", group=group.name, permissions=sorted(p.value for p in chosen))
    return group


def delete_group(session: Session, group_id: int, actor: audit.Actor) -> None:
    group = session.get(PermissionGroup, group_id)
    if group is None:
        raise GroupError("That group no longer exists.")
    if group.builtin:
        raise GroupError(f"“{group.name}” is built in and can't be deleted.")
    members = session.exec(select(func.count()).select_from(PortalUser).where(PortalUser.group_id == group_id)).one()
    if members:
        raise GroupError(f"“{group.name}” still has {members} portal user(s): move them to another group first.")
    session.delete(group)
    audit.record(session, actor, "portal_group.deleted", group=group.name)
