"""Texting actions: texts staff send by hand from the order page ("Text link"), the tracking link taken to
their own phone's apps (copy, Messages, WhatsApp) for shops without a text provider, a text that found no
order, and the customer switching texts on or off. Each is audited."""

from __future__ import annotations

from ..db import write_session
from ..models import Customer, Order, ShopSettings
from ..services import (
    audit,
    notifications,
    phones,
    portal_links,
    sms,
    sms_consent_view,
    sms_settings,
    sms_views,
    unmatched_texts,
)
from ..settings import get_settings
from . import GONE, Outcome, done, links, refused

STOPPED = sms.STOPPED
NO_LINK = "This order has no live link to send. Issue a link first."
NO_MOBILE = "The customer has no mobile number on file."
SHARE_WAYS = ("copy", "sms", "whatsapp")


def _staff_id(actor: audit.Actor) -> int | None:
    return actor.id if actor.kind == "staff" else None


def text_portal_link(order_id: int, actor: audit.Actor) -> Outcome:
    """Staff pressed "Text link": an explicit action, so it goes without the "text me" tick and outside
    quiet hours, but never to a customer who texted STOP, and never without a live link to send."""
    settings = get_settings()
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        if portal_links.current_code(session, settings.secret_key, order.id) is None:
            return refused(NO_LINK)
        try:
            text = sms.queue_order_text(
                session, links(), "portal_link", order.id, actor, explicit=True, staff_user_id=_staff_id(actor)
            )
        except sms.NotTexted as exc:  # audited as sms.skipped by the service (a STOP included)
            return refused(str(exc) if str(exc) == sms.STOPPED else f"Not texted: {exc}")
        audit.record(session, actor, "sms.link_texted", order_id=order.id, sms_id=text.id)
        number = phones.display(text.to_number, phones.shop_region(session))
        outbox = sms_settings.credentials(session, settings) is None
    tail = " Texts aren't set up, so it stays in the SMS outbox." if outbox else ""
    return done(f"Link texted to {number}.{tail}", changed="texts", order_id=order_id)


def share_link(order_id: int, way: str, actor: audit.Actor) -> tuple[Outcome, str]:
    """The ready-made message with the tracking link, for the clipboard ("copy") or as a link that opens the
    staff member's Messages ("sms") or WhatsApp ("whatsapp") with it filled in, and an audit row saying so.
    The second value holds the tracking link: hand it straight to the browser, never keep it in state."""
    if way not in SHARE_WAYS:
        return refused("Choose how to share the link."), ""
    settings = get_settings()
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE), ""
        code = portal_links.current_code(session, settings.secret_key, order.id)
        if code is None:
            return refused("There is no live link to share."), ""
        number = None
        if way != "copy":
            customer = session.get(Customer, order.customer_id)
            number = sms_views.textable(customer.phone if customer else "")
            if number is None:
                return refused(NO_MOBILE), ""
        text = notifications.share_text(ShopSettings.current(session).name, order.reference, settings.track_url(code))
        audit.record(session, actor, "portal_link.shared", order_id=order.id, way=way)
    if way == "copy":
        return done("Copied: paste it into SMS or WhatsApp."), text
    if way == "sms":
        return done("Opening Messages with the link…", level="info"), sms_views.sms_href(number, text)
    return done("Opening WhatsApp with the link…", level="info"), sms_views.whatsapp_href(number, text)


def attach_text(sms_id: int | None, reference: str, actor: audit.Actor) -> Outcome:
    """The text joins the order's thread (its page and the customer's update live)."""
    try:
        with write_session() as session:
            message = unmatched_texts.attach_to_order(session, sms_id, reference, actor)
            order = session.get(Order, message.order_id)
            order_id, label = order.id, order.reference
    except unmatched_texts.UnmatchedError as exc:
        return refused(str(exc))
    return done(f"Added to {label}'s messages.", changed="messages", order_id=order_id)


def dismiss_text(sms_id: int | None, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            unmatched_texts.dismiss(session, sms_id, actor)
    except unmatched_texts.UnmatchedError as exc:
        return refused(str(exc))
    return done("Dismissed.", level="info")


def set_texts(order_id: int, on: bool, actor: audit.Actor) -> Outcome:
    """The order's customer switched "Text me updates" (the tracking link or the account portal)."""
    try:
        with write_session() as session:
            order = session.get(Order, order_id)
            customer = session.get(Customer, order.customer_id) if order is not None else None
            if customer is None:
                return refused(GONE)
            changed = sms_consent_view.set_from_portal(session, customer, on, actor)
    except sms_consent_view.TextsRefused as exc:
        return refused(str(exc))
    if not changed:
        return done("", level="info")
    return done("We'll text you updates." if on else "Texts are off: we won't text you updates.")
