"""The message thread between a customer and the shop, and customer feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from ..models import Message, MessageDirection
from . import audit, clock, ratelimit
from .text_input import TextInputError, clean_text

MAX_LENGTH = 2000
CUSTOMER_MESSAGE_LIMIT = ratelimit.Limit("portal_messages", 20, timedelta(hours=1))


class MessageError(ValueError):
    pass


def _clean(body: str) -> str:
    try:
        text = clean_text(body, "The message", MAX_LENGTH)
    except TextInputError as exc:
        raise MessageError(str(exc)) from exc
    if not text:
        raise MessageError("Write a message first.")
    return text


def post_customer_message(
    session: Session,
    order_id: int,
    body: str,
    author_name: str,
    actor: audit.Actor,
    *,
    is_feedback: bool = False,
    channel: str = "portal",
) -> Message:
    """A customer's message into the thread. From the portal it is rate-limited; a text ("sms") is not:
    it already arrived through the phone network, and refusing it would lose what the customer said."""
    text = _clean(body)
    if channel == "portal":
        key = f"order:{order_id}"
        if ratelimit.check(session, CUSTOMER_MESSAGE_LIMIT, key).blocked:
            raise MessageError("You've sent a lot of messages in the last hour. Please call us if it's urgent.")
        ratelimit.record_failure(session, CUSTOMER_MESSAGE_LIMIT, key)  # counts messages, not failures
    message = Message(
        order_id=order_id,
        direction=MessageDirection.FROM_CUSTOMER.value,
        author_name=author_name[:200],
        body=text,
        is_feedback=is_feedback,
        channel=channel,
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    action = "feedback" if is_feedback else "message"
    audit.record(session, actor, f"{channel}.{action}", order_id=order_id, message_id=message.id)
    return message


def post_staff_reply(
    session: Session, order_id: int, body: str, staff_name: str, actor: audit.Actor, *, channel: str = "portal"
) -> Message:
    """`channel` "sms": the reply also went to the customer's phone (services/sms_replies.py)."""
    message = Message(
        order_id=order_id,
        direction=MessageDirection.TO_CUSTOMER.value,
        author_staff_id=actor.id,
        author_name=staff_name[:200],
        body=_clean(body),
        channel=channel,
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    audit.record(session, actor, "order.message_sent", order_id=order_id, message_id=message.id, channel=channel)
    return message


@dataclass(frozen=True)
class ThreadItem:
    id: int
    from_customer: bool
    author: str
    body: str
    at: str
    is_feedback: bool
    by_text: bool = False  # came or went by SMS (the thread says "By text")


def thread(session: Session, order_id: int, tz: str) -> list[ThreadItem]:
    from . import timefmt

    rows = session.exec(select(Message).where(Message.order_id == order_id).order_by(Message.created_at, Message.id))
    return [
        ThreadItem(
            m.id,
            m.direction == MessageDirection.FROM_CUSTOMER.value,
            m.author_name,
            m.body,
            timefmt.short(m.created_at, tz),
            m.is_feedback,
            m.channel in ("sms", "sms_other"),
        )
        for m in rows
    ]
