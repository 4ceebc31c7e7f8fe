"""An order's texts as staff read them (the Texts card, like the Emails card), and the one-tap links that
open the staff member's own Messages or WhatsApp with the text filled in (for shops without a provider)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlmodel import Session

from ..integrations.sms import redact
from ..models import Location, Order, SmsMessage, SmsStatus
from . import clock, phones, sms, timefmt
from .sms_templates import SPECS

STATUS_LABELS = {
    SmsStatus.QUEUED.value: "Queued",
    SmsStatus.SENDING.value: "Sending",
    SmsStatus.SENT.value: "Sent",
    SmsStatus.DELIVERED.value: "Delivered",
    SmsStatus.UNDELIVERED.value: "Undelivered",
    SmsStatus.FAILED.value: "Failed",
    SmsStatus.OUTBOX.value: "In outbox (texts not set up)",
    SmsStatus.RECEIVED.value: "Received",
}
# The badge colour of each status (the words say it too: colour is never the only signal).
TONES = {
    SmsStatus.DELIVERED.value: "green",
    SmsStatus.SENT.value: "green",
    SmsStatus.RECEIVED.value: "blue",
    SmsStatus.FAILED.value: "red",
    SmsStatus.UNDELIVERED.value: "red",
    SmsStatus.QUEUED.value: "gray",
    SmsStatus.SENDING.value: "gray",
}


@dataclass(frozen=True)
class TextItem:
    id: int
    when: str
    outgoing: bool
    direction: str  # "To the customer" / "From the customer"
    text: str  # which text: the template's label, "Typed reply" or "From the customer"
    number: str  # the customer's number, national format in the shop's country
    status: str
    tone: str  # badge colour
    body: str  # private links blanked


def _which(m: SmsMessage) -> str:
    if m.direction == "in":
        return "From the customer"
    if m.template in SPECS:
        return SPECS[m.template].label
    return "Typed reply" if not m.template else m.template


def _wait_label(until: datetime, now: datetime, zone: str) -> str:
    """'Waits until 08:00' (the quiet hours' end, in the location's time); a date when it is further off."""
    local = timefmt.local(until, zone)
    if until - now < timedelta(hours=24):
        return f"Waits until {local:%H:%M}"
    return f"Waits until {local:%-d %b}, {local:%H:%M}"


def status_of(m: SmsMessage, now: datetime, zone: str) -> str:
    """What happened to one text, in words (a provider's error included)."""
    if m.status == SmsStatus.QUEUED.value:
        if m.attempts:
            return f"Retrying (attempt {m.attempts + 1})"
        if m.next_attempt_at and m.next_attempt_at > now:
            return _wait_label(m.next_attempt_at, now, zone)
        return "Queued"
    if m.status == SmsStatus.UNDELIVERED.value and m.error_code:
        return f"Undelivered (code {m.error_code})"
    if m.status == SmsStatus.FAILED.value and m.last_error:
        return f"Failed: {m.last_error}"
    if m.status == SmsStatus.CANCELLED.value:
        return f"Not sent: {m.last_error}" if m.last_error else "Not sent"
    return STATUS_LABELS.get(m.status, m.status)


def text_items(session: Session, order_id: int) -> list[TextItem]:
    """The order's texts, newest first. Bodies are redacted again here: a queued text still holds its
    tracking link (it is blanked only once sent), and state reaches the browser."""
    order = session.get(Order, order_id)
    if order is None:
        return []
    tz = timefmt.shop_timezone(session)
    zone = sms.quiet_zone(session, session.get(Location, order.location_id))
    region = phones.shop_region(session)
    now = clock.now()
    items = []
    for m in sms.texts_for_order(session, order_id):
        outgoing = m.direction != "in"
        when = m.created_at if not outgoing else (m.sent_at or m.created_at)
        items.append(
            TextItem(
                id=m.id,
                when=timefmt.short(when, tz),
                outgoing=outgoing,
                direction="To the customer" if outgoing else "From the customer",
                text=_which(m),
                number=phones.display(m.to_number if outgoing else m.from_number, region),
                status=status_of(m, now, zone),
                tone=TONES.get(m.status, "amber"),
                body=redact(m.body),
            )
        )
    return items


# --- one-tap links for the staff member's own phone ---------------------------------------------

_E164 = re.compile(r"\+[1-9]\d{6,14}")


def textable(number: str | None) -> str | None:
    """The number as E.164 when a text can go to it, else None."""
    value = (number or "").strip()
    return value if _E164.fullmatch(value) else None


def sms_href(number: str, body: str) -> str:
    """`sms:+447700900123?&body=...`: the '?&' form that both iOS and Android read."""
    return f"sms:{number}?&body={quote(body, safe='')}"


def whatsapp_href(number: str, body: str) -> str:
    """`https://wa.me/447700900123?text=...`: wa.me takes the number as digits only."""
    digits = re.sub(r"\D", "", number)
    return f"https://wa.me/{digits}?text={quote(body, safe='')}"
