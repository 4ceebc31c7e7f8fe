"""Which texts go out, and when: only to a customer who agreed to texts (a staff member's "Text link" is an
explicit action and goes regardless, audited), never outside quiet hours when automated, always to the
number on the customer record in E.164."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Customer, Location, Order, ShopSettings, SmsMessage, SmsStatus
from . import audit, clock, quiet_hours, sms_consent, sms_templates
from .mail import LinkSettings

STOPPED = "The customer replied STOP to our texts: no texts go to them until they text START."


class NotTexted(Exception):
    """Why a text wasn't queued (no mobile number, no consent): said to staff, recorded in the audit."""


def _skipped(session: Session, actor: audit.Actor, order_id: int, template: str, reason: str, message: str):
    audit.record(session, actor, "sms.skipped", order_id=order_id, template=template, reason=reason)
    raise NotTexted(message)


def quiet_zone(session: Session, location: Location | None) -> str:
    return (location.timezone if location and location.timezone else None) or ShopSettings.current(session).timezone


def queue_text(
    session: Session,
    order: Order,
    body: str,
    actor: audit.Actor,
    *,
    template: str = "",
    explicit: bool = False,
    staff_user_id: int | None = None,
) -> SmsMessage:
    """A text to the order's customer. Automated (not `explicit`): needs their consent, waits out quiet hours."""
    customer = session.get(Customer, order.customer_id)
    number = (customer.phone or "").strip() if customer else ""
    if not number.startswith("+"):
        _skipped(session, actor, order.id, template, "no_mobile", "The customer has no mobile number on file.")
    if sms_consent.number_stopped(session, number):
        _skipped(session, actor, order.id, template, "stopped", STOPPED)
    if not explicit and not customer.sms_updates:
        _skipped(session, actor, order.id, template, "no_consent", "The customer hasn't agreed to texts.")
    now = clock.now()
    send_at = now
    if not explicit:
        shop = ShopSettings.current(session)
        zone = quiet_zone(session, session.get(Location, order.location_id))
        send_at = quiet_hours.next_allowed(now, shop.quiet_hours_start, shop.quiet_hours_end, zone)
    text = SmsMessage(
        direction="out",
        order_id=order.id,
        customer_id=customer.id,
        template=template,
        to_number=number,
        body=body[:1600],
        status=SmsStatus.QUEUED.value,
        next_attempt_at=send_at,
        staff_user_id=staff_user_id,
        created_at=now,
    )
    session.add(text)
    session.flush()
    audit.record(
        session, actor, "sms.queued", order_id=order.id, template=template, sms_id=text.id,
        waits=send_at > now, explicit=explicit,
    )  # fmt: skip
    return text


def queue_order_text(
    session: Session,
    links: LinkSettings,
    key: str,
    order_id: int,
    actor: audit.Actor,
    *,
    explicit: bool = False,
    extra: dict | None = None,
    staff_user_id: int | None = None,
) -> SmsMessage:
    """A template's text for an order (the notifications and "Text link")."""
    order = session.get(Order, order_id)
    body = sms_templates.render(session, links, key, order_id, extra)
    return queue_text(session, order, body, actor, template=key, explicit=explicit, staff_user_id=staff_user_id)


def texts_for_order(session: Session, order_id: int) -> list[SmsMessage]:
    return list(
        session.exec(select(SmsMessage).where(SmsMessage.order_id == order_id).order_by(SmsMessage.id.desc())).all()
    )
