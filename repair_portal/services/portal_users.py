"""Customer accounts, staff side: a customer's portal users (the people who sign in at /portal for it),
their invitation and password links, and inviting many customers at once from the customer list.

Every function is scoped to the customer the staff page is about: the id of another customer's portal
user is treated as unknown. A person has one portal user; a business account any number. Links are
`portal_auth.issue_token` links (single use, hashed at rest; an invitation lasts 72 hours, a reset 30
minutes), emailed through the outbox and returned once so staff can copy them when mail isn't set up.
Earlier unsent copies of a replaced or cancelled link are blanked in the outbox. What the customer page
lists is in `portal_user_view`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..models import Customer, CustomerKind, PermissionGroup, PortalToken, PortalUser, StaffUser
from . import audit, clock, mail, phones, portal_auth
from .emails import is_valid_email, normalise_email
from .ids import parse_id
from .permissions import DENIED, Action, can
from .portal_user_links import INVITE, RESET, TEMPLATE_FOR, Brands, IssuedLink, forget_sent_links, issue_link

MAX_BULK = 1000  # customers per bulk invitation (a search narrower than that, or several batches)
CHUNK = 500  # ids per IN (...) list
SKIP_REASONS = {
    "has_access": "already has portal access",
    "portal_off": "portal access switched off",
    "no_email": "no email address",
    "bad_email": "email address not valid",
    "email_taken": "email used by another portal user",
    "not_found": "customer no longer exists",
}
GONE = "That portal user no longer exists. Reload the page."


class PortalUserError(ValueError):
    """A refused change; the message is safe to show. `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- the account and its users ---------------------------------------------------------------------


def _authorise(session: Session, actor: audit.Actor) -> None:
    """Defence in depth: the handler checks the role too; a staff actor must still be active and allowed here."""
    if actor.kind == "system":
        return
    user = session.get(StaffUser, actor.id) if actor.kind == "staff" and actor.id else None
    if user is None or not user.active or not can(user.role, Action.EDIT_CUSTOMERS):
        raise PortalUserError(DENIED[Action.EDIT_CUSTOMERS])


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise PortalUserError("This customer doesn't exist (or was removed).")
    return customer


def _user(session: Session, customer_id: int, user_id: int | None) -> PortalUser:
    user = session.get(PortalUser, user_id) if user_id else None
    if user is None or user.customer_id != customer_id:  # another account's user is as good as unknown
        raise PortalUserError(GONE)
    return user


def _count(session: Session, customer_id: int) -> int:
    return session.exec(select(func.count()).select_from(PortalUser).where(PortalUser.customer_id == customer_id)).one()


def set_kind(session: Session, customer_id: int, kind: str, actor: audit.Actor) -> Customer:
    """A person or a business account. A person has one portal user, so switching back needs at most one."""
    _authorise(session, actor)
    customer = _customer(session, customer_id)
    try:
        kind = CustomerKind(str(kind)).value
    except ValueError:
        raise PortalUserError("Choose a person or a business account.") from None
    if customer.kind == kind:
        return customer
    if kind == CustomerKind.PERSON.value and (users := _count(session, customer_id)) > 1:
        raise PortalUserError(f"This account has {users} portal users; a person has one. Keep it a business account.")
    before, customer.kind = customer.kind, kind
    session.add(customer)  # not `updated_at`: that is the contact editor's version token
    audit.record(session, actor, "customer.kind_changed", customer_id=customer.id, before=before, after=kind)
    return customer


@dataclass(frozen=True)
class PortalUserForm:
    """The add/edit dialog as the browser sends it (bounded, untrusted)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    group_id: int | None = None
    require_mfa: bool = False

    @classmethod
    def from_form(cls, data: dict) -> PortalUserForm:
        mfa = data.get("require_mfa")
        return cls(
            name=str(data.get("name", "") or "")[:1000],
            email=str(data.get("email", "") or "")[:1000],
            phone=str(data.get("phone", "") or "")[:1000],
            group_id=parse_id(data.get("group_id")),
            require_mfa=mfa is True or str(mfa or "").lower() in ("on", "true", "1"),
        )


def _checked(session: Session, form: PortalUserForm, user: PortalUser | None) -> tuple[str, str, str, PermissionGroup]:
    """(name, email, phone in E.164, group), or PortalUserError naming the field."""
    name = " ".join(form.name.split())
    if not name:
        raise PortalUserError("Enter their name.", "name")
    if len(name) > 200:
        raise PortalUserError("Keep the name under 200 characters.", "name")
    email = normalise_email(form.email)
    if not email:
        raise PortalUserError("Enter their email address: they sign in with it.", "email")
    if not is_valid_email(email):
        raise PortalUserError("That email address doesn't look right.", "email")
    clash = session.exec(select(PortalUser.id).where(PortalUser.email == email)).first()
    if clash is not None and (user is None or clash != user.id):
        raise PortalUserError("Another portal user already signs in with that email.", "email")
    region = phones.shop_region(session)
    raw_phone = form.phone.strip()
    phone = phones.to_e164(raw_phone, region) if raw_phone else ""
    if raw_phone and not (user is not None and phone == user.phone) and (problem := phones.problem(raw_phone, region)):
        raise PortalUserError(problem, "phone")
    group = session.get(PermissionGroup, form.group_id) if form.group_id else None
    if group is None:
        raise PortalUserError("Choose a permission group.", "group")
    return name, email, phone, group


def save_user(
    session: Session, customer_id: int, user_id: int | None, form: PortalUserForm, actor: audit.Actor
) -> PortalUser:
    """Add a portal user to the account (no password yet: send the invitation next) or edit one. A new
    email address cancels the user's unused links: they went to the old address."""
    _authorise(session, actor)
    customer = _customer(session, customer_id)
    user = _user(session, customer_id, user_id) if user_id else None
    name, email, phone, group = _checked(session, form, user)
    now = clock.now()
    if user is None:
        if customer.kind == CustomerKind.PERSON.value and _count(session, customer_id):
            raise PortalUserError(
                "A person has one portal user. Make this customer a business account to add more people."
            )
        user = PortalUser(
            customer_id=customer_id,
            group_id=group.id,
            email=email,
            name=name,
            phone=phone,
            require_mfa=form.require_mfa,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor,
            "portal_user.created",
            customer_id=customer_id,
            portal_user_id=user.id,
            group=group.name,
            require_mfa=user.require_mfa,
        )
        return user
    before = {"name": user.name, "email": user.email, "phone": user.phone, "group": user.group_id}
    before["require_mfa"] = user.require_mfa
    after = {"name": name, "email": email, "phone": phone, "group": group.id, "require_mfa": form.require_mfa}
    changed = [key for key in after if before[key] != after[key]]
    if not changed:
        return user
    if "email" in changed:
        _cancel_links(session, user, now)
    user.name, user.email, user.phone, user.group_id, user.require_mfa = name, email, phone, group.id, form.require_mfa
    user.updated_at = now
    session.add(user)
    # Email and phone by name only (the row holds the current values); names, group and the MFA flag in full.
    changes = {k: [before[k], after[k]] for k in changed if k in ("name", "require_mfa")}
    if "group" in changed:
        old = session.get(PermissionGroup, before["group"])
        changes["group"] = [old.name if old else "", group.name]
    audit.record(
        session,
        actor,
        "portal_user.updated",
        customer_id=customer_id,
        portal_user_id=user.id,
        fields=changed,
        changes=changes,
    )
    return user


def _cancel_links(session: Session, user: PortalUser, now: datetime) -> int:
    """Spend the user's unused links and blank them in unsent emails; returns how many were spent."""
    spent = session.execute(
        update(PortalToken)
        .where(PortalToken.portal_user_id == user.id)
        .where(PortalToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    forget_sent_links(session, user.email, list(TEMPLATE_FOR.values()))
    return spent or 0


def set_active(session: Session, customer_id: int, user_id: int | None, active: bool, actor: audit.Actor) -> int:
    """Disable (signed out everywhere, unused links cancelled) or enable again; returns sessions ended."""
    _authorise(session, actor)
    user = _user(session, customer_id, user_id)
    if user.active == bool(active):
        raise PortalUserError(f"{user.name} is already {'enabled' if active else 'disabled'}.")
    now = clock.now()
    user.active, user.updated_at = bool(active), now
    session.add(user)
    ended = 0
    if not active:
        ended = portal_auth.revoke_all(session, user.id)
        _cancel_links(session, user, now)
    action = "portal_user.enabled" if active else "portal_user.disabled"
    audit.record(session, actor, action, customer_id=customer_id, portal_user_id=user.id, sessions_ended=ended)
    return ended


def sign_out_everywhere(session: Session, customer_id: int, user_id: int | None, actor: audit.Actor) -> int:
    _authorise(session, actor)
    user = _user(session, customer_id, user_id)
    ended = portal_auth.revoke_all(session, user.id)
    audit.record(
        session, actor, "portal_user.signed_out", customer_id=customer_id, portal_user_id=user.id, sessions_ended=ended
    )
    return ended


# --- invitation and password links -----------------------------------------------------------------


def _sendable(session: Session, customer_id: int, user_id: int | None) -> tuple[PortalUser, Customer]:
    user = _user(session, customer_id, user_id)
    if not user.active:
        raise PortalUserError(f"{user.name} is disabled. Enable them first.")
    customer = _customer(session, customer_id)
    if not customer.portal_enabled:
        raise PortalUserError("Portal access is switched off for this customer. Switch it on first.")
    return user, customer


def send_invite(
    session: Session, links: mail.LinkSettings, customer_id: int, user_id: int | None, actor: audit.Actor
) -> IssuedLink:
    """A 72-hour link to choose a password, for someone who hasn't chosen one yet."""
    _authorise(session, actor)
    user, customer = _sendable(session, customer_id, user_id)
    if user.password_hash is not None:
        raise PortalUserError(f"{user.name} has already chosen a password. Send a password reset link instead.")
    return issue_link(session, links, user, customer, INVITE, actor, Brands(session))


def send_reset(
    session: Session, links: mail.LinkSettings, customer_id: int, user_id: int | None, actor: audit.Actor
) -> IssuedLink:
    """A 30-minute link to choose a new password; someone who never chose one gets a fresh invitation."""
    _authorise(session, actor)
    user, customer = _sendable(session, customer_id, user_id)
    purpose = RESET if user.password_hash is not None else INVITE
    return issue_link(session, links, user, customer, purpose, actor, Brands(session))


# --- bulk invitation from the customer list ----------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    invited: int
    skipped: dict[str, int] = field(default_factory=dict)  # SKIP_REASONS key -> how many

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        invited = f"Invited {self.invited} customer{'s' if self.invited != 1 else ''}."
        if not self.skipped_total:
            return invited
        why = ", ".join(f"{SKIP_REASONS[k]}: {n}" for k, n in self.skipped.items())
        return f"{invited} Skipped {self.skipped_total} — {why}."


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unique_ids(customer_ids) -> list[int]:
    seen: dict[int, None] = {}
    for raw in customer_ids or ():
        if (cid := parse_id(raw)) is not None:
            seen.setdefault(cid, None)
    return list(seen)


def _skip_reason(customer: Customer | None, email: str, has_access: bool, taken: set[str]) -> str | None:
    if customer is None:
        return "not_found"
    if has_access:
        return "has_access"
    if not customer.portal_enabled:
        return "portal_off"
    if not email:
        return "no_email"
    if not is_valid_email(email):
        return "bad_email"
    return "email_taken" if email in taken else None


def bulk_invite(
    session: Session,
    customer_ids,
    group_id: int | None,
    require_mfa: bool,
    actor: audit.Actor,
    links: mail.LinkSettings,
) -> BulkResult:
    """For each customer with an email address and no portal user yet: a portal user with the customer's
    name and email in `group_id`, and an invitation email. The rest are counted by why they were skipped.
    Run it in `write_session` (one transaction: all of them or, on an error, none)."""
    _authorise(session, actor)
    ids = _unique_ids(customer_ids)
    if not ids:
        raise PortalUserError("Select at least one customer.")
    if len(ids) > MAX_BULK:
        raise PortalUserError(f"Invite at most {MAX_BULK:,} customers at a time: narrow the search.")
    group = session.get(PermissionGroup, group_id) if group_id else None
    if group is None:
        raise PortalUserError("Choose a permission group.", "group")
    customers: dict[int, Customer] = {}
    with_access: set[int] = set()
    for chunk in _chunks(ids):
        customers.update((c.id, c) for c in session.exec(select(Customer).where(Customer.id.in_(chunk))).all())
        with_access.update(session.exec(select(PortalUser.customer_id).where(PortalUser.customer_id.in_(chunk))).all())
    wanted = sorted({normalise_email(c.email) for c in customers.values() if c.email.strip()})
    taken: set[str] = set()
    for chunk in _chunks(wanted):
        taken.update(session.exec(select(PortalUser.email).where(PortalUser.email.in_(chunk))).all())
    brands = Brands(session)
    for chunk in _chunks([cid for cid in ids if cid in customers and cid not in with_access]):
        brands.preload(chunk)
    skipped: dict[str, int] = {}
    invited = 0
    now = clock.now()
    for cid in ids:
        customer = customers.get(cid)
        email = normalise_email(customer.email) if customer else ""
        reason = _skip_reason(customer, email, cid in with_access, taken)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        name = " ".join((customer.full_name or customer.company or email.split("@")[0]).split())[:200]
        user = PortalUser(
            customer_id=cid,
            group_id=group.id,
            email=email,
            name=name,
            phone=customer.phone,
            require_mfa=bool(require_mfa),
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        session.flush()
        taken.add(email)
        audit.record(
            session,
            actor,
            "portal_user.created",
            customer_id=cid,
            portal_user_id=user.id,
            group=group.name,
            require_mfa=user.require_mfa,
            bulk=True,
        )
        brands.location_of.setdefault(cid, None)
        issue_link(session, links, user, customer, INVITE, actor, brands, fresh=True)
        invited += 1
    ordered = {k: skipped[k] for k in SKIP_REASONS if k in skipped}
    audit.record(
        session,
        actor,
        "portal_user.bulk_invited",
        invited=invited,
        skipped=ordered,
        group=group.name,
        selected=len(ids),
    )
    return BulkResult(invited, ordered)


def matching_customer_ids(session: Session, search: str, limit: int = MAX_BULK + 1) -> tuple[list[int], int]:
    """(ids, total) of the customers the list shows for this search (all of them without one), A–Z:
    what "all N matching this search" selects. At most `limit` ids are returned."""
    from .search import matching_customer_ids as matching

    term = (search or "").strip()[:100]
    query = select(Customer.id)
    count = select(func.count(Customer.id))
    if term:
        condition = Customer.id.in_(matching(term, session.get_bind().dialect.name, phones.shop_region(session)))
        query, count = query.where(condition), count.where(condition)
    total = session.exec(count).one()
    ids = session.exec(
        query.order_by(func.lower(Customer.last_name), func.lower(Customer.first_name), Customer.id).limit(limit)
    ).all()
    return list(ids), total
