"""Which email an event sends. Called by the UI layer after the action's own transaction work."""

from __future__ import annotations

from sqlmodel import Session

from ..models import Order, Stage, StageKind
from . import audit, mail
from .mail import LinkSettings, NotSent


def _queue(
    session: Session, links: LinkSettings, template: str, order_id: int, actor: audit.Actor, *, texted=True, **kw
) -> bool:
    """The email, and for a customer who agreed to texts the same news by text (sms_templates has a text for
    every customer email); returns whether the email was queued."""
    if texted:
        text(session, links, template, order_id, actor, extra=kw.get("extra"))
    try:
        mail.queue_order_email(session, links, template, order_id, actor, **kw)
    except NotSent:
        return False
    return True


def text(
    session: Session, links: LinkSettings, template: str, order_id: int, actor: audit.Actor, *, extra=None
) -> bool:
    """An automated text (consent and quiet hours apply: services/sms.py); nothing when there is no such text."""
    from . import sms, sms_templates

    if template not in sms_templates.SPECS:
        return False
    try:
        sms.queue_order_text(session, links, template, order_id, actor, extra=extra)
    except sms.NotTexted:
        return False
    return True


def order_booked(session: Session, links: LinkSettings, order: Order, actor: audit.Actor) -> bool:
    return _queue(session, links, "order_booked", order.id, actor)


def stage_changed(session: Session, links: LinkSettings, order: Order, stage: Stage, actor: audit.Actor) -> bool:
    """Ready-for-collection has its own email; other stages email only when marked 'notify customer'."""
    if stage.kind == StageKind.READY:
        return _queue(session, links, "ready_for_collection", order.id, actor)
    if stage.kind == StageKind.AWAITING_APPROVAL:
        return False  # the quote email says it, with the quote
    if stage.notify_customer and stage.customer_explanation:
        return _queue(session, links, "stage_changed", order.id, actor)
    return False


def quote_sent(session: Session, links: LinkSettings, order: Order, actor: audit.Actor) -> bool:
    return _queue(session, links, "quote_ready", order.id, actor)


def quote_decided(
    session: Session, links: LinkSettings, order: Order, actor: audit.Actor, *, approved: bool, version: int
) -> bool:
    return _queue(
        session,
        links,
        "quote_decided",
        order.id,
        actor,
        extra={"decision": "approved" if approved else "declined", "quote_version": str(version)},
    )


def customer_message(session: Session, links: LinkSettings, order: Order, actor: audit.Actor, body: str) -> bool:
    return _queue(session, links, "customer_message", order.id, actor, quote_block=body)


def staff_reply(session: Session, links: LinkSettings, order: Order, actor: audit.Actor, body: str) -> bool:
    """The email only: whether the reply also goes by text is the reply's own decision (actions/order_page.py)."""
    return _queue(session, links, "staff_reply", order.id, actor, texted=False, quote_block=body)


def feedback_received(session: Session, links: LinkSettings, order: Order, actor: audit.Actor, body: str) -> bool:
    return _queue(session, links, "feedback_received", order.id, actor, quote_block=body)


def job_requested(session: Session, links: LinkSettings, order: Order, actor: audit.Actor) -> bool:
    """A customer requested a job from their account: the shop (the order's location) is emailed."""
    return _queue(session, links, "job_requested", order.id, actor, quote_block=order.problem)


def send_portal_link(session: Session, links: LinkSettings, order: Order, actor: audit.Actor) -> None:
    """Staff pressed 'Send portal link': explicit, so it goes even without the updates opt-in."""
    mail.queue_order_email(session, links, "portal_link", order.id, actor, respect_consent=False)


def share_text(shop_name: str, reference: str, url: str) -> str:
    """Ready-made text for SMS/WhatsApp."""
    return f"{shop_name}: follow your repair {reference} here: {url} (private link, please don't share)"
