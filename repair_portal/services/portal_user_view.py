"""What staff pages show of portal access: an account's users with their group, MFA state, whether they
have chosen a password or have an invitation pending; the permission groups with their members and
permissions in words (Settings → Portal access) and as choices for a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from ..models import Customer, Passkey, PermissionGroup, PortalToken, PortalUser
from . import clock, phones, portal_permissions
from .portal_user_links import INVITE


@dataclass(frozen=True)
class GroupChoice:
    id: int
    name: str
    builtin: str
    require_mfa: bool


@dataclass(frozen=True)
class PortalUserRow:
    id: int
    name: str
    email: str
    phone: str  # as people in the shop's country write it
    group_id: int
    group_name: str
    require_mfa: bool  # the user's own flag
    group_requires_mfa: bool
    mfa_enrolled: bool  # an authenticator app or a passkey
    active: bool
    password_set: bool
    invite_pending: bool  # a live, unused invitation link
    invited_at: datetime | None
    last_login_at: datetime | None

    @property
    def mfa_required(self) -> bool:
        return self.require_mfa or self.group_requires_mfa


@dataclass(frozen=True)
class Account:
    customer_id: int
    kind: str
    name: str  # the company, or the person's name
    contact_name: str  # the customer record's person
    email: str  # the customer's own: the first portal user's, to start with
    phone: str
    users: list[PortalUserRow]
    portal_enabled: bool = True  # the whole account's portal access (services/portal_account_access.py)


def _in_order(session: Session) -> list[PermissionGroup]:
    """Admin first, then the shop's own groups A–Z, the non-portal visitor group last."""
    rows = session.exec(select(PermissionGroup)).all()
    order = {portal_permissions.ADMIN: 0, None: 1, portal_permissions.VISITOR: 2}
    return sorted(rows, key=lambda g: (order.get(g.builtin, 1), g.name.casefold(), g.id))


def groups(session: Session) -> list[GroupChoice]:
    return [GroupChoice(g.id, g.name, g.builtin or "", g.require_mfa) for g in _in_order(session)]


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    builtin: str  # admin, visitor or ""
    members: int
    perms: tuple[str, ...]  # Perm values, in the table's order
    labels: tuple[str, ...]  # the same, in words
    require_mfa: bool


def group_table(session: Session) -> list[GroupRow]:
    counts = dict(session.exec(select(PortalUser.group_id, func.count()).group_by(PortalUser.group_id)).all())
    rows = []
    for g in _in_order(session):
        granted = portal_permissions.parse(g.permissions_json)
        perms = tuple(p for p in portal_permissions.Perm if p in granted)
        rows.append(
            GroupRow(
                id=g.id,
                name=g.name,
                builtin=g.builtin or "",
                members=int(counts.get(g.id, 0)),
                perms=tuple(p.value for p in perms),
                labels=tuple(portal_permissions.LABELS[p] for p in perms),
                require_mfa=g.require_mfa,
            )
        )
    return rows


def account(session: Session, customer_id: int) -> Account | None:
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    region = phones.shop_region(session)
    users = session.exec(
        select(PortalUser).where(PortalUser.customer_id == customer_id).order_by(PortalUser.name, PortalUser.id)
    ).all()
    ids = [u.id for u in users]
    now = clock.now()
    pending, with_passkey = set(), set()
    if ids:
        pending = set(
            session.exec(
                select(PortalToken.portal_user_id)
                .where(PortalToken.portal_user_id.in_(ids))
                .where(PortalToken.purpose == INVITE)
                .where(PortalToken.used_at.is_(None))
                .where(PortalToken.expires_at > now)
            ).all()
        )
        with_passkey = set(
            session.exec(
                select(Passkey.owner_id).where(Passkey.owner_kind == "portal").where(Passkey.owner_id.in_(ids))
            )
        )
    group_of = {g.id: g for g in session.exec(select(PermissionGroup)).all()}
    rows = []
    for u in sorted(users, key=lambda u: (not u.active, u.name.casefold(), u.id)):
        group = group_of.get(u.group_id)
        rows.append(
            PortalUserRow(
                id=u.id,
                name=u.name,
                email=u.email,
                phone=phones.display(u.phone, region),
                group_id=u.group_id,
                group_name=group.name if group else "—",
                require_mfa=u.require_mfa,
                group_requires_mfa=bool(group and group.require_mfa),
                mfa_enrolled=u.totp_enabled_at is not None or u.id in with_passkey,
                active=u.active,
                password_set=u.password_hash is not None,
                invite_pending=u.id in pending and u.password_hash is None,
                invited_at=u.invited_at,
                last_login_at=u.last_login_at,
            )
        )
    return Account(
        customer_id=customer.id,
        kind=customer.kind,
        name=customer.company or customer.full_name,
        contact_name=customer.full_name,
        email=customer.email,
        phone=phones.display(customer.phone, region),
        users=rows,
        portal_enabled=customer.portal_enabled,
    )
