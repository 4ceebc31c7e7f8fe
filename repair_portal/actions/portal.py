"""What a customer does on their order's portal page. The caller has checked that this browser may
act on `order_id` (state/guard.py: customer_action); each action records who, from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..db import write_session
from ..models import AlertKind, Customer, Order, ShopSettings
from ..services import alerts, audit, consents, messages, notifications, portal_access, quote_decisions
from ..services.signatures import purpose_label
from . import GONE, Outcome, done, links, refused


@dataclass(frozen=True)
class Client:
    """Where the customer's request came from, as the audit trail and signatures record it."""

    ip: str
    user_agent: str


def _customer(session: Session, order: Order, client: Client) -> audit.Actor:
    customer = session.get(Customer, order.customer_id)
    return audit.Actor("customer", customer.id, customer.full_name, client.ip, client.user_agent)


def _acting(session: Session, order_id: int, client: Client) -> tuple[Order, audit.Actor] | None:
    """The order and the customer acting on it, as the audit trail records them (None: order gone)."""
    order = session.get(Order, order_id)
    return (order, _customer(session, order, client)) if order is not None else None


def post_message(order_id: int, body: str, client: Client, *, is_feedback: bool) -> Outcome:
    """A message (or feedback) into the order's thread; the shop is emailed."""
    body = str(body)
    with write_session() as session:
        if (acting := _acting(session, order_id, client)) is None:
            return refused(GONE)
        if not ShopSettings.current(session).show_messages:
            return refused("The shop has switched messages off. Please call or email them instead.")
        order, actor = acting
        try:
            messages.post_customer_message(session, order.id, body, actor.label, actor, is_feedback=is_feedback)
        except messages.MessageError as exc:
            return refused(str(exc))
        tell_shop = notifications.feedback_received if is_feedback else notifications.customer_message
        tell_shop(session, links(), order, actor, body[:2000])
        alerts.record(session, order, AlertKind.FEEDBACK if is_feedback else AlertKind.MESSAGE, body[:200])
    thanks = "Thanks! We've got your feedback." if is_feedback else "Message sent."
    return done(thanks, changed=None if is_feedback else "messages", order_id=order_id, alert=True)


def choose_optional_line(order_id: int, line_id: int | None, accepted: bool, client: Client) -> Outcome:
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        actor = audit.Actor("customer", order.customer_id, "", client.ip, client.user_agent)
        try:
            quote_decisions.set_optional_line(session, order.id, line_id or 0, bool(accepted), actor)
        except quote_decisions.DecisionError as exc:
            return refused(str(exc), level="form")
    return done(changed="quote", order_id=order_id)


@dataclass(frozen=True)
class Approval:
    """What the customer confirmed on screen, with the hash of the exact quote they were shown."""

    quote_version: int
    signer_name: str
    agreed_to_terms: bool
    signature_png: str
    shown_sha256: str


def approve_quote(order_id: int, approval: Approval, client: Client) -> Outcome:
    """Approve and sign exactly the version shown; the shop is told once (a double click is one
    approval). A quote changed meanwhile is refused and the page re-reads it."""
    with write_session() as session:
        if (acting := _acting(session, order_id, client)) is None:
            return refused(GONE)
        order, actor = acting
        try:
            decision = quote_decisions.approve_quote(
                session,
                order.id,
                approval.quote_version,
                signer_name=approval.signer_name,
                signature_png=approval.signature_png[:1_500_000],
                agreed_to_terms=approval.agreed_to_terms,
                auth_method=portal_access.access_mode(session, order).value,
                ip=client.ip,
                user_agent=client.user_agent,
                actor=actor,
                expected_sha256=approval.shown_sha256,
            )
        except quote_decisions.DecisionError as exc:
            return refused(str(exc), level="form", stale=True)
        if not decision.already_decided:
            notifications.quote_decided(session, links(), order, actor, approved=True, version=decision.version)
            alerts.record(session, order, AlertKind.APPROVED, f"Quote v{decision.version}, {decision.total}")
    return done(
        "Thank you! Your repair is approved and signed.",
        changed="quote",
        order_id=order_id,
        alert=not decision.already_decided,
    )


def decline_quote(order_id: int, quote_version: int, reason: str, client: Client) -> Outcome:
    with write_session() as session:
        if (acting := _acting(session, order_id, client)) is None:
            return refused(GONE)
        order, actor = acting
        try:
            decision = quote_decisions.decline_quote(
                session,
                order.id,
                quote_version,
                reason=str(reason)[:4000],
                actor=actor,
                ip=client.ip,
                user_agent=client.user_agent,
            )
        except quote_decisions.DecisionError as exc:
            return refused(str(exc), level="form")
        if not decision.already_decided:
            notifications.quote_decided(session, links(), order, actor, approved=False, version=decision.version)
            alerts.record(session, order, AlertKind.DECLINED, f"Quote v{decision.version}: {decision.decline_reason}")
    return done(
        "Thanks for letting us know. We'll be in touch about collecting your device.",
        changed="quote",
        order_id=order_id,
        alert=not decision.already_decided,
    )


def sign_consent(order_id: int, purpose: str, signer_name: str, png: str, client: Client) -> Outcome:
    with write_session() as session:
        if (acting := _acting(session, order_id, client)) is None:
            return refused(GONE)
        order, actor = acting
        try:
            consents.sign(
                session,
                order,
                purpose,
                signer_name=signer_name,
                png=str(png)[:1_500_000],
                auth_method=portal_access.access_mode(session, order).value,
                ip=client.ip,
                user_agent=client.user_agent,
                actor=actor,
            )
        except consents.ConsentError as exc:
            return refused(str(exc), level="form")
        alerts.record(session, order, AlertKind.SIGNED, f"{purpose_label(purpose)}, signed by {signer_name.strip()}")
    return done("Signed. Thank you!", changed="signature", order_id=order_id, alert=True)
