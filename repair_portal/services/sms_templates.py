"""What each text says: short defaults in code, the shop's own wording (Settings → Texts) over them, filled
for one order. The link is the order's tracking link (the quote tab for a quote)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from .. import routes
from ..models import Customer, Device, Location, Order, SmsTemplateText
from . import portal_links, tracking
from .mail import LinkSettings, branding


@dataclass(frozen=True)
class TextSpec:
    key: str
    label: str
    body: str
    tab: str = ""  # the tracking page tab the link opens


_BOOKED = "{shop_name}: we've booked in your {device} ({reference}). Follow it here: {link}"
_READY = "{shop_name}: your {device} is ready to collect (ref {reference}). {link}"
SPECS: dict[str, TextSpec] = {
    spec.key: spec
    for spec in [
        TextSpec("order_booked", "Order booked in", _BOOKED),
        TextSpec("stage_changed", "Stage changed", "{shop_name}: your repair {reference} is now at '{stage}'. {link}"),
        TextSpec("quote_ready", "Quote ready", "{shop_name}: your quote for {reference} is ready: {link}", "quote"),
        TextSpec("ready_for_collection", "Ready for collection", _READY),
        TextSpec("staff_reply", "Reply from the shop", "{shop_name} about {reference}: {message}", "messages"),
        TextSpec(
            "quote_reminder",
            "Reminder: quote waiting",
            "{shop_name}: a reminder that your quote for {reference} is waiting: {link}",
            "quote",
        ),
        TextSpec(
            "collection_reminder",
            "Reminder: ready to collect",
            "{shop_name}: your {device} is still waiting for you (ref {reference}).",
        ),
        TextSpec(
            "portal_link", "Text link (sent by staff)", "{shop_name}: follow your repair {reference} here: {link}"
        ),
        TextSpec(
            "payment_received", "Payment received", "{shop_name}: thank you, we've received {amount} for {reference}."
        ),
    ]
}
PLACEHOLDERS = ("shop_name", "first_name", "reference", "device", "stage", "link", "message", "amount")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_BODY = 480  # three GSM-7 parts; a typed reply can be longer (it is the staff member's own words)


class TemplateError(ValueError):
    pass


def body_of(session: Session, key: str) -> str:
    custom = session.get(SmsTemplateText, key)
    return custom.body if custom else SPECS[key].body


def save_body(session: Session, key: str, body: str) -> SmsTemplateText:
    if key not in SPECS:
        raise TemplateError("Unknown text.")
    body = " ".join(str(body or "").split())
    if not body:
        raise TemplateError("A text can't be empty.")
    if len(body) > MAX_BODY:
        raise TemplateError(f"Keep it under {MAX_BODY} characters (three texts).")
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(body)} - set(PLACEHOLDERS))
    if unknown:
        raise TemplateError("Unknown placeholder: " + ", ".join("{" + u + "}" for u in unknown))
    row = session.get(SmsTemplateText, key) or SmsTemplateText(key=key, body=body)
    row.body = body
    session.add(row)
    return row


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def values_for(session: Session, links: LinkSettings, key: str, order_id: int, extra: dict | None = None) -> dict:
    order = session.get(Order, order_id)
    customer = session.get(Customer, order.customer_id)
    location = session.get(Location, order.location_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    code = portal_links.current_code(session, links.secret_key, order_id)
    link = f"{links.public_url.rstrip('/')}{routes.track(code)}" if code else ""
    tab = SPECS[key].tab
    if link and tab:
        link = f"{link}?tab={tab}"
    return {
        "shop_name": branding(session, location).shop_name,
        "first_name": customer.first_name or customer.full_name,
        "reference": order.reference,
        "device": device.label if device else "device",
        "stage": tracking.customer_status(session, order).label,
        "link": link,
        **(extra or {}),
    }


def render(session: Session, links: LinkSettings, key: str, order_id: int, extra: dict | None = None) -> str:
    text = fill(body_of(session, key), values_for(session, links, key, order_id, extra))
    return " ".join(text.split())[:1600]
