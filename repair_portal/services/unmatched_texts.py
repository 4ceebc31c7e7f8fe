"""Texts that came in but found no order (a number on no customer, on several, or a customer with no open
order): the staff list on the Alerts page, where a text is added to the order staff name, or dismissed.

An unmatched text is an inbound SmsMessage with no order and not yet handled. Attaching and dismissing each
claim it with one conditional UPDATE, so two staff members acting at once get one outcome, and an id that
isn't an unmatched text (an outbound one, an attached one, a forged one) is refused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..models import Customer, Message, MessageDirection, Order, SmsMessage
from . import audit, clock, locking, phones, timefmt
from .order_lookup import parse_reference

PAGE = 100
NOT_UNMATCHED = "That text was already dealt with (or isn't one we couldn't match)."
BAD_REFERENCE = "Type the order's reference, like R-10042."


class UnmatchedError(ValueError):
    """A message safe to show staff; nothing was written."""


def _is_unmatched():
    return (SmsMessage.direction == "in") & SmsMessage.order_id.is_(None) & SmsMessage.handled_at.is_(None)


@dataclass(frozen=True)
class UnmatchedText:
    id: int
    at: str  # when it came, in the shop's time zone
    ago: str
    number: str  # as people in the shop's country write it
    body: str
    customer: str = ""  # the name on file when the number is one customer's (with no open order)


def count_unmatched(session: Session) -> int:
    return session.exec(select(func.count()).select_from(SmsMessage).where(_is_unmatched())).one()


def list_unmatched(session: Session, tz: str, region: str, *, limit: int = PAGE) -> list[UnmatchedText]:
    """Newest first."""
    rows = session.exec(
        select(SmsMessage, Customer)
        .outerjoin(Customer, Customer.id == SmsMessage.customer_id)
        .where(_is_unmatched())
        .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
        .limit(max(0, limit))
    ).all()
    return [
        UnmatchedText(
            id=sms.id,
            at=timefmt.short(sms.created_at, tz),
            ago=timefmt.ago(sms.created_at),
            number=phones.display(sms.from_number, region),
            body=sms.body,
            customer=customer.full_name if customer is not None else "",
        )
        for sms, customer in rows
    ]


def _unmatched(session: Session, sms_id: int | None) -> SmsMessage | None:
    if not sms_id:
        return None
    return session.exec(select(SmsMessage).where(SmsMessage.id == sms_id).where(_is_unmatched())).first()


def _claim(session: Session, sms_id: int, **values) -> bool:
    """Mark the text handled (and whatever else), only while it is still unmatched: one winner."""
    result = session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == sms_id)
        .where(_is_unmatched())
        .values(handled_at=clock.now(), **values)
    )
    return result.rowcount == 1


def find_order(session: Session, reference_text: str) -> Order:
    reference = parse_reference(reference_text)
    if reference is None:
        raise UnmatchedError(BAD_REFERENCE)
    order = session.exec(select(Order).where(Order.reference == reference)).first()
    if order is None:
        raise UnmatchedError(f"There is no order {reference}.")
    return order


def attach_to_order(session: Session, sms_id: int | None, reference_text: str, actor: audit.Actor) -> Message:
    """The text joins the order's thread as a message from the customer (channel "sms", at the time it came).
    Raises UnmatchedError (not an unmatched text, not a reference, no such order). Run in `db.write_session`."""
    locking.hold_sqlite_write_lock(session)
    sms = _unmatched(session, sms_id)
    if sms is None:
        raise UnmatchedError(NOT_UNMATCHED)
    order = find_order(session, reference_text)
    region = phones.shop_region(session)
    customer = session.get(Customer, order.customer_id)
    # The order's customer by name only when the number is theirs; otherwise the number speaks for itself.
    same = customer is not None and (sms.customer_id == customer.id or (customer.phone or "") == sms.from_number)
    author = customer.full_name if same else f"Text from {phones.display(sms.from_number, region)}"
    # Who sent it stays recorded; a reply goes by text only to the order's own customer's number, so a text
    # from another number is kept as "by text from another number" (sms_replies reads channel "sms" only).
    if not _claim(
        session, sms.id, order_id=order.id, customer_id=sms.customer_id or (order.customer_id if same else None)
    ):
        raise UnmatchedError(NOT_UNMATCHED)
    message = Message(
        order_id=order.id,
        direction=MessageDirection.FROM_CUSTOMER.value,
        author_name=author[:200],
        body=sms.body[:5000],
        channel="sms" if same else "sms_other",
        created_at=sms.created_at,
    )
    session.add(message)
    session.flush()
    audit.record(session, actor, "sms.unmatched_attached", order_id=order.id, sms_id=sms.id, message_id=message.id)
    return message


def dismiss(session: Session, sms_id: int | None, actor: audit.Actor) -> None:
    """Off the list, kept as it was (spam, a wrong number). Raises UnmatchedError when it isn't listed."""
    locking.hold_sqlite_write_lock(session)
    if not sms_id or not _claim(session, sms_id):
        raise UnmatchedError(NOT_UNMATCHED)
    audit.record(session, actor, "sms.unmatched_dismissed", sms_id=sms_id)
