"""A customer account's portal access, on or off for all its portal users at once (the customer page's
Portal access card). Off: every session of the account's users ends in the same transaction, their unused
invitation, reset and sign-in links are spent (and blanked in unsent emails), and no way in works while it
stays off (`portal_auth.may_sign_in`). On again: each enabled user signs in as before. The users' own
enabled/disabled state is kept as it was. The account's order tracking links are not affected."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import PortalUser
from . import audit, clock, portal_auth, portal_signin
from .portal_users import PortalUserError, _authorise, _cancel_links, _customer


@dataclass(frozen=True)
class AccessChanged:
    enabled: bool
    sessions_ended: int = 0
    links_cancelled: int = 0


def set_portal_access(session: Session, customer_id: int, enabled: bool, actor: audit.Actor) -> AccessChanged:
    """Switch the account's portal access; audited with what it ended. Run in `write_session()`."""
    _authorise(session, actor)
    customer = _customer(session, customer_id)
    enabled = bool(enabled)
    if customer.portal_enabled == enabled:
        raise PortalUserError(f"Portal access is already {'on' if enabled else 'off'} for this customer.")
    customer.portal_enabled = enabled
    session.add(customer)  # not `updated_at`: that is the contact editor's version token
    ended = cancelled = 0
    if not enabled:
        now = clock.now()
        for user in session.exec(select(PortalUser).where(PortalUser.customer_id == customer_id)).all():
            ended += portal_auth.revoke_all(session, user.id)
            cancelled += _cancel_links(session, user, now)
            portal_signin.forget_sent_links(session, user.email)
    audit.record(
        session,
        actor,
        "customer.portal_access_enabled" if enabled else "customer.portal_access_disabled",
        customer_id=customer_id,
        sessions_ended=ended,
        links_cancelled=cancelled,
    )
    return AccessChanged(enabled, ended, cancelled)
