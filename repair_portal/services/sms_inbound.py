"""Texts that come back: a customer's reply lands in their open order's thread (or in the "unmatched texts"
list when it can't be placed), STOP/START/HELP keywords change consent or answer at once, and delivery
reports move an outgoing text's status forward, never back. The caller has verified Twilio's signature."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from ..integrations.sms import masked_number
from ..models import AlertKind, Customer, Location, Order, ShopSettings, SmsMessage, SmsStatus, Stage
from . import alerts, audit, clock, messages, notifications, phones, sms_consent
from .mail import LinkSettings

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
MAX_BODY = 1600
NO_WORDS = "(a text with no words, perhaps a picture)"
TEXTS = audit.Actor(kind="system", label="texts")

# Twilio's message statuses -> ours. Delivered, undelivered and failed are final.
STATUS_MAP = {
    "accepted": SmsStatus.SENT,
    "scheduled": SmsStatus.SENT,
    "queued": SmsStatus.SENT,
    "sending": SmsStatus.SENT,
    "sent": SmsStatus.SENT,
    "delivered": SmsStatus.DELIVERED,
    "read": SmsStatus.DELIVERED,  # WhatsApp's "read" comes after delivered
    "undelivered": SmsStatus.UNDELIVERED,
    "failed": SmsStatus.FAILED,
    "canceled": SmsStatus.FAILED,
}
FINAL = frozenset({SmsStatus.DELIVERED.value, SmsStatus.UNDELIVERED.value, SmsStatus.FAILED.value})
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # direction overrides that can disguise what a text says


@dataclass(frozen=True)
class Inbound:
    outcome: str  # message | unmatched | stop | start | help | duplicate
    order_id: int | None = None
    reply: str = ""  # what to answer the customer with ("" for nothing)


def clean_body(body: str) -> str:
    """Control characters dropped (line breaks kept), at most MAX_BODY characters."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return _BIDI.sub("", text).strip()[:MAX_BODY]


def keyword(body: str) -> str:
    """The whole text as a keyword ("  Stop. " -> "STOP", "stop all" -> "STOPALL"); "" when it isn't one. A short
    text that starts with a stop word ("Stop texting me") stops too: when in doubt, stop."""
    words = re.sub(r"[^\w\s]", " ", body).upper().split()
    word = "".join(words)
    if word in STOP_WORDS | START_WORDS | HELP_WORDS:
        return word
    if words and words[0] in STOP_WORDS and len(words) <= 4:
        return words[0]
    return ""


def open_order(session: Session, customer_id: int) -> Order | None:
    """The customer's most recent order that isn't collected and isn't at a final stage."""
    return session.exec(
        select(Order)
        .join(Stage, Stage.id == Order.stage_id)
        .where(Order.customer_id == customer_id)
        .where(Order.collected_at.is_(None))
        .where(Stage.is_terminal.is_(False))
        .order_by(Order.booked_in_at.desc(), Order.id.desc())
    ).first()


def customers_with(session: Session, number: str) -> list[Customer]:
    if not number.startswith("+"):
        return []
    return list(session.exec(select(Customer).where(Customer.phone == number).order_by(Customer.id)).all())


def place(session: Session, customers: list[Customer]) -> tuple[Customer, Order] | None:
    """The one customer (of those with this number) who has an open order, and that order. Two customers
    with open orders (a shared family phone) is ambiguous: staff choose, from the unmatched list."""
    found = [(c, o) for c in customers if (o := open_order(session, c.id)) is not None]
    return found[0] if len(found) == 1 else None


def _actor(customer: Customer | None, number: str) -> audit.Actor:
    if customer is None:
        return audit.Actor("customer", None, f"text from {masked_number(number)}")
    return audit.Actor("customer", customer.id, customer.full_name or customer.company)


def _help(session: Session, shop: ShopSettings, order: Order | None) -> str:
    location = session.get(Location, order.location_id) if order else None
    if location is None:
        location = session.exec(select(Location).order_by(Location.active.desc(), Location.id)).first()
    phone = phones.display(location.phone, phones.region_or_default(shop.country)) if location else ""
    call = f"call us on {phone} or reply to this text" if phone else "reply to this text"
    return f"{shop.name}: {call}. Reply STOP to stop."


def _consent(session: Session, customers: list[Customer], granted: bool, word: str, number: str) -> int:
    """STOP is kept for every customer on the number (even one who never agreed: the number said stop);
    START only turns back on what a STOP by text turned off. Returns how many customers changed."""
    changed = 0
    for customer in customers:
        if granted and not sms_consent.opted_out_by_keyword(session, customer.id):
            continue
        before = bool(customer.sms_updates)
        sms_consent.set_consent(
            session, customer, granted, "keyword", _actor(customer, number), wording=f"Texted {word} to the shop.",
            always=not granted,
        )  # fmt: skip
        changed += before != bool(granted)
    return changed


def receive(
    session: Session,
    links: LinkSettings,
    from_number: str,
    to_number: str,
    body: str,
    message_sid: str,
    now: datetime | None = None,
) -> Inbound:
    """One inbound text, exactly once per MessageSid (Twilio may post the same one again)."""
    sid = (message_sid or "").strip()[:64]
    if sid and session.exec(select(SmsMessage.id).where(SmsMessage.provider_sid == sid)).first() is not None:
        return Inbound("duplicate")
    now = now or clock.now()
    number = (from_number or "").strip()[:20]
    text = clean_body(body)
    shop = ShopSettings.current(session)
    customers = customers_with(session, number)
    placed = place(session, customers)
    customer, order = placed if placed else (customers[0] if len(customers) == 1 else None, None)
    word = keyword(text)
    if word == "YES" and not any(sms_consent.opted_out_by_keyword(session, c.id) for c in customers):
        word = ""  # "Yes" to a question from the shop is an answer, unless the number stopped texts by keyword
    reply, message_id = "", None
    if word in STOP_WORDS:
        outcome = "stop"
        already = sms_consent.number_stopped(session, number)
        _consent(session, customers, False, word, number)
        if not already:  # confirmed once
            reply = f"You won't get texts from {shop.name} any more. Reply START to get them again."
    elif word in START_WORDS:
        outcome = "start"
        if _consent(session, customers, True, word, number):
            reply = f"Texts from {shop.name} are back on. Reply STOP to stop."
    elif word in HELP_WORDS:
        outcome, reply = "help", _help(session, shop, order)
    elif order is not None:
        outcome = "message"
        actor = _actor(customer, number)
        thread_body = text or NO_WORDS
        posted = messages.post_customer_message(
            session, order.id, thread_body, customer.full_name or customer.company, actor, channel="sms"
        )
        message_id = posted.id
        notifications.customer_message(session, links, order, actor, thread_body)
        alerts.record(session, order, AlertKind.MESSAGE, f"By text: {thread_body[:200]}")
    else:
        outcome = "unmatched"
    row = SmsMessage(
        direction="in",
        order_id=order.id if order else None,
        customer_id=customer.id if customer else None,
        to_number=(to_number or "").strip()[:20],
        from_number=number,
        body=text,
        status=SmsStatus.RECEIVED.value,
        backend="twilio",
        provider_sid=sid or None,
        handled_at=now if word else None,  # keywords are dealt with here: never "unmatched"
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session, _actor(customer, number), "sms.received", order_id=row.order_id, sms_id=row.id, outcome=outcome,
        keyword=word, message_id=message_id, replied=bool(reply), from_number=masked_number(number),
    )  # fmt: skip
    return Inbound(outcome, row.order_id, reply)


def record_status(session: Session, message_sid: str, status: str, error_code: str | int | None) -> SmsMessage | None:
    """A delivery report for a text we sent. Reports may arrive out of order: a final status stays."""
    sid = (message_sid or "").strip()[:64]
    text = session.exec(
        select(SmsMessage).where(SmsMessage.provider_sid == sid).where(SmsMessage.direction == "out")
    ).first()
    if not sid or text is None:
        return None
    new = STATUS_MAP.get((status or "").strip().lower())
    movable = (SmsStatus.QUEUED.value, SmsStatus.SENDING.value, SmsStatus.SENT.value)
    if new is None or text.status not in movable or new.value == text.status:
        return text
    text.status = new.value
    code = str(error_code or "").strip()[:20]
    if code:
        text.error_code = code
    if new == SmsStatus.DELIVERED:
        text.delivered_at = clock.now()
    elif new.value in FINAL:
        text.last_error = f"Twilio reported {status.strip().lower()[:20]}" + (f" (error {code})" if code else "")
    session.add(text)
    if new.value in FINAL:
        audit.record(
            session, TEXTS, f"sms.{new.value}", order_id=text.order_id, sms_id=text.id, error_code=code or None
        )
    return text
