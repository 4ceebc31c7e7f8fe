"""What staff do about a customer's portal access (the customer page's Portal access card, and bulk
invitations from the customer list). The handler has checked the staff member's role; every function
here is scoped to `customer_id`, the customer whose page it is, and is audited by the service."""

from __future__ import annotations

from dataclasses import dataclass

from ..db import write_session
from ..services import audit, portal_account_access, portal_users
from ..services.portal_user_links import RESET
from ..services.portal_users import PortalUserError, PortalUserForm
from . import Outcome, done, links, refused


@dataclass(frozen=True)
class LinkSent:
    """The outcome, and the link to show once for copying ('' when none was made)."""

    outcome: Outcome
    url: str = ""
    name: str = ""
    purpose: str = ""


def _refused(exc: PortalUserError) -> Outcome:
    """A field's problem (level "form": shown beside the field, no toast), or the whole action's."""
    if exc.field:
        return Outcome(False, str(exc), "form", errors={exc.field: str(exc)})
    return refused(str(exc))


def set_customer_kind(customer_id: int, kind: str, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            customer = portal_users.set_kind(session, customer_id, kind, actor)
            is_business = customer.kind == "business"
    except PortalUserError as exc:
        return _refused(exc)
    return done("Now a business account: add the people who sign in for it." if is_business else "Now a person.")


def save_portal_user(customer_id: int, user_id: int | None, form: PortalUserForm, actor: audit.Actor) -> Outcome:
    """Add (user_id None) or edit a portal user; field problems come back in `errors` for the dialog."""
    try:
        with write_session() as session:
            user = portal_users.save_user(session, customer_id, user_id, form, actor)
            name = user.name
    except PortalUserError as exc:
        return _refused(exc)
    if user_id:
        return done(f"{name} saved.")
    return done(f"{name} added. Send the invitation so they can choose a password.")


def disable_portal_user(customer_id: int, user_id: int | None, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            ended = portal_users.set_active(session, customer_id, user_id, False, actor)
    except PortalUserError as exc:
        return _refused(exc)
    tail = f" and signed out of {ended} session{'s' if ended != 1 else ''}" if ended else ""
    return done(f"Disabled{tail}. Their unused links no longer work.")


def enable_portal_user(customer_id: int, user_id: int | None, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            portal_users.set_active(session, customer_id, user_id, True, actor)
    except PortalUserError as exc:
        return _refused(exc)
    return done("Enabled again: their password works as before (send a new link if they need one).")


def sign_out_everywhere(customer_id: int, user_id: int | None, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            ended = portal_users.sign_out_everywhere(session, customer_id, user_id, actor)
    except PortalUserError as exc:
        return _refused(exc)
    if not ended:
        return done("They weren't signed in anywhere.", level="info")
    return done(f"Signed out of {ended} session{'s' if ended != 1 else ''}.")


def set_account_access(customer_id: int, enabled: bool, actor: audit.Actor) -> Outcome:
    """The whole account's portal access, on or off (off signs every one of its users out at once)."""
    try:
        with write_session() as session:
            changed = portal_account_access.set_portal_access(session, customer_id, enabled, actor)
    except PortalUserError as exc:
        return _refused(exc)
    if changed.enabled:
        return done("Portal access switched on: its enabled portal users can sign in again.")
    ended = changed.sessions_ended
    tail = f"; signed out of {ended} session{'s' if ended != 1 else ''}" if ended else ""
    return done(f"Portal access switched off: nobody can sign in for this customer{tail}.")


def send_invitation(customer_id: int, user_id: int | None, actor: audit.Actor) -> LinkSent:
    return _send(portal_users.send_invite, customer_id, user_id, actor)


def send_password_reset(customer_id: int, user_id: int | None, actor: audit.Actor) -> LinkSent:
    return _send(portal_users.send_reset, customer_id, user_id, actor)


def _send(issue, customer_id: int, user_id: int | None, actor: audit.Actor) -> LinkSent:
    try:
        with write_session() as session:
            issued = issue(session, links(), customer_id, user_id, actor)
    except PortalUserError as exc:
        return LinkSent(_refused(exc))
    what = "Password reset link" if issued.purpose == RESET else "Invitation"
    return LinkSent(done(f"{what} sent to {issued.email}."), issued.url, issued.name, issued.purpose)


def bulk_invite(customer_ids: list[int], group_id: int | None, require_mfa: bool, actor: audit.Actor) -> Outcome:
    """Invite the selected customers; the message says how many were invited and why others were skipped."""
    try:
        with write_session() as session:
            result = portal_users.bulk_invite(session, customer_ids, group_id, require_mfa, actor, links())
    except PortalUserError as exc:
        return _refused(exc)
    level = "success" if result.invited else "warning"
    return done(result.summary(), level=level)
