"""Set-password links for portal users (an invitation, 72 hours; a reset, 30 minutes): the token from
`portal_auth.issue_token` (single use, only its hash stored), the email that carries it through the
outbox, and blanking the link in earlier unsent copies once it is replaced or cancelled. The raw link is
returned once, for staff to copy when mail isn't set up; it is never stored or logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from .. import routes
from ..models import Customer, Location, Order, OutboxMessage, PortalTokenPurpose, PortalUser
from . import audit, clock, mail, portal_auth
from .email_templates import PORTAL_USER_TEMPLATES, Branding, render

INVITE, RESET = PortalTokenPurpose.INVITE.value, PortalTokenPurpose.RESET.value
TEMPLATE_FOR = {INVITE: "portal_invite", RESET: "portal_reset_by_shop"}
_LINK_IN_TEXT = re.compile(r"(/portal/set-password/)[A-Za-z0-9_-]{16,}")


@dataclass(frozen=True)
class IssuedLink:
    """The link just created. `url` is shown once to staff and never stored."""

    user_id: int
    name: str
    email: str
    url: str
    purpose: str
    expires_at: datetime


def valid_for(purpose: str) -> str:
    delta = portal_auth.TOKEN_LIFETIMES[purpose]
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hours" if hours >= 2 else f"{int(delta.total_seconds() // 60)} minutes"


def forget_sent_links(session: Session, email: str, templates: list[str]) -> None:
    """Blank the set-password links in this address's earlier, unsent emails: they were replaced or cancelled."""
    rows = session.exec(
        select(OutboxMessage).where(OutboxMessage.to_email == email).where(OutboxMessage.template.in_(templates))
    ).all()
    for row in rows:
        text = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.text_body)
        html = _LINK_IN_TEXT.sub(r"\1[link no longer valid]", row.html_body)
        if (text, html) != (row.text_body, row.html_body):
            row.text_body, row.html_body = text, html
            session.add(row)


class Brands:
    """Each customer's emails carry the branding of the location of their latest order (cached per location)."""

    def __init__(self, session: Session):
        self.session, self.by_location = session, {}
        self.location_of: dict[int, int] = {}

    def preload(self, customer_ids: list[int]) -> None:
        for customer_id, location_id in self.session.exec(
            select(Order.customer_id, Order.location_id)
            .where(Order.customer_id.in_(customer_ids))
            .order_by(Order.booked_in_at, Order.id)
        ).all():
            self.location_of[customer_id] = location_id  # the latest wins

    def of(self, customer_id: int) -> Branding:
        if customer_id not in self.location_of:
            self.preload([customer_id])
        location_id = self.location_of.get(customer_id)
        if location_id not in self.by_location:
            location = self.session.get(Location, location_id) if location_id else None
            self.by_location[location_id] = mail.branding(self.session, location)
        return self.by_location[location_id]


def issue_link(
    session: Session,
    links: mail.LinkSettings,
    user: PortalUser,
    customer: Customer,
    purpose: str,
    actor: audit.Actor,
    brands: Brands,
    *,
    fresh: bool = False,
) -> IssuedLink:
    """A fresh link of this kind (older unused ones die), emailed through the outbox. `fresh`: a user
    created in this transaction, who has no earlier emails to blank."""
    template = TEMPLATE_FOR[purpose]
    if not fresh:
        forget_sent_links(session, user.email, [template])
    raw = portal_auth.issue_token(session, user, purpose, created_by_id=actor.id if actor.kind == "staff" else None)
    now = clock.now()
    url = links.public_url.rstrip("/") + routes.portal_set_password(raw)
    spec = PORTAL_USER_TEMPLATES[template]
    brand = brands.of(customer.id)
    values = {
        "user_name": user.name or "there",
        "shop_name": brand.shop_name,
        "account_name": customer.company or customer.full_name or user.name,
        "valid_for": valid_for(purpose),
    }
    rendered = render(spec, spec.subject, spec.intro, values, brand, url)
    message = OutboxMessage(
        order_id=None,
        template=template,
        audience="customer",
        to_email=user.email,
        to_name=user.name,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    session.flush()
    audit.record(session, actor, "email.queued", template=template, message_id=message.id, to=user.email)
    if purpose == INVITE:
        user.invited_at = now
        session.add(user)
    audit.record(
        session,
        actor,
        "portal_user.invite_sent" if purpose == INVITE else "portal_user.reset_sent",
        customer_id=customer.id,
        portal_user_id=user.id,
    )
    return IssuedLink(user.id, user.name, user.email, url, purpose, now + portal_auth.TOKEN_LIFETIMES[purpose])
