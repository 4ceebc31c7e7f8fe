"""An order's audit trail in words staff can read: who did what, when, from where."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import AuditEvent, StaffUser
from . import money, timefmt
from .order_edit import LABELS

METHODS = {
    "card": "card",
    "cash": "cash",
    "bank_transfer": "bank transfer",
    "other": "other",
    "store_credit": "store credit",
    "card_online": "card, paid online",
}
PURPOSES = {
    "repair_authorisation": "repair authorisation",
    "terms": "terms",
    "data_consent": "data consent",
    "collection": "collection",
}

DOCUMENTS = {
    "ticket": "Printed the intake ticket",
    "label": "Printed the device label",
    "quote": "Downloaded the quote PDF",
    "invoice": "Downloaded the invoice",
    "signed": "Downloaded the signed authorisation",
}


@dataclass(frozen=True)
class ActivityItem:
    at: str
    who: str
    what: str
    icon: str


def _money(minor) -> str:
    try:
        value = int(minor)
    except (TypeError, ValueError):
        return ""
    return money.plain(value)


def describe(action: str, detail: dict) -> tuple[str, str]:
    """(sentence, lucide icon) for one audit action."""
    d = detail
    table = {
        "order.created": (f"Booked in as {d.get('reference', '')}", "circle-plus"),
        "order.requested": (
            "Requested from their account" + (f" ({d['job_type']})" if d.get("job_type") else ""),
            "inbox",
        ),
        "order.stage_changed": (f"Moved to “{d.get('to', '')}”", "arrow-right-left"),
        "order.details_changed": (
            "Changed " + ", ".join(LABELS.get(f, f) for f in d.get("fields", [])),
            "pencil",
        ),
        "order.message_sent": ("Sent a message", "message-square"),
        "order.viewed_as_customer": ("Previewed the portal as the customer", "eye"),
        "payment.recorded": (
            ("Recorded a refund of " if str(d.get("amount_minor", "0")).startswith("-") else "Recorded a payment of ")
            + _money(d.get("amount_minor"))
            + f" ({METHODS.get(d.get('method'), d.get('method', ''))})",
            "banknote",
        ),
        "payment.online_started": (
            f"Opened the online payment page for {_money(d.get('amount_minor'))}",
            "credit-card",
        ),
        "payment.online_refused": ("An online payment didn't match what was asked: not recorded", "shield-alert"),
        "payment.refunded_online": (f"Refunded {_money(d.get('amount_minor'))} through the card processor", "undo-2"),
        "quote.created": (f"Created quote v{d.get('version', '')}", "file-plus"),
        "quote.draft_updated": (f"Updated draft quote v{d.get('version', '')}", "file-pen"),
        "quote.sent": (f"Sent quote v{d.get('version', '')} to the customer", "send"),
        "quote.approved": (f"Approved quote v{d.get('version', '')}" + _channel(d) + _told_by(d), "circle-check"),
        "quote.declined": (f"Declined quote v{d.get('version', '')}" + _channel(d) + _told_by(d), "circle-x"),
        "quote.line_decided": ("Chose optional quote lines", "list-checks"),
        "signature.recorded": (f"Signed the {PURPOSES.get(d.get('purpose'), 'document')}", "signature"),
        "portal.signed": (f"Signed the {PURPOSES.get(d.get('purpose'), 'document')}", "signature"),
        "portal.link_viewed": ("Opened the tracking link", "eye"),
        "portal.last_name_verified": ("Confirmed their last name", "shield-check"),
        "portal.last_name_failed": ("Entered a wrong last name", "shield-alert"),
        "portal.last_name_blocked": ("Was blocked after too many wrong last names", "shield-x"),
        "portal.lookup_verified": ("Found the order by its reference and last name", "search-check"),
        "portal.lookup_failed": ("Looked the order up with a wrong last name", "shield-alert"),
        "portal.lookup_blocked": ("Was blocked after too many order lookups", "shield-x"),
        "portal.lookup_link_off": ("Looked the order up, but its link is switched off", "link-2-off"),
        "portal_link.issued": ("Issued a new tracking link", "link"),
        "portal_link.revoked": ("Revoked the tracking link", "link-2-off"),
        "attachment.added": ("Added a file", "paperclip"),
        "attachment.visibility": (
            "Made a file " + ("visible to the customer" if d.get("visible") else "staff-only"),
            "eye" if d.get("visible") else "eye-off",
        ),
        "email.queued": (f"Queued the “{_template(d)}” email", "mail"),
        "email.skipped": (f"Did not send the “{_template(d)}” email ({_skip_reason(d)})", "mail-x"),
        "email.sent": (
            f"Kept the “{_template(d)}” email in the outbox (email isn't set up)"
            if d.get("backend") == "outbox"
            else f"Delivered the “{_template(d)}” email",
            "mail-check",
        ),
        "email.failed": (f"Could not deliver the “{_template(d)}” email", "mail-warning"),
        "sms.queued": (f"Queued the “{_text(d)}” text", "message-square"),
        "sms.sent": (
            f"Kept the “{_text(d)}” text in the SMS outbox (texts aren't set up)"
            if d.get("backend") == "outbox"
            else f"Sent the “{_text(d)}” text",
            "message-square",
        ),
        "sms.delivered": ("A text was delivered to the customer's phone", "message-square"),
        "sms.undelivered": (f"A text could not be delivered (code {d.get('error_code') or '?'})", "message-square-x"),
        "sms.failed": (f"Could not send the “{_text(d)}” text", "message-square-x"),
        "sms.skipped": (f"Did not text “{_text(d)}” ({_text_skip(d)})", "message-square-x"),
        "sms.received": ("Texted the shop" + _keyword(d), "message-square"),
        "sms.message": ("Sent a message by text", "message-square"),
        "sms.link_texted": ("Texted the tracking link", "message-square"),
        "sms.unmatched_attached": ("Added a text from an unmatched number to this order", "message-square-plus"),
        "portal_link.shared": (f"Shared the tracking link ({_share_way(d)})", "share-2"),
        "document.downloaded": (DOCUMENTS.get(d.get("kind"), "Downloaded a document"), "printer"),
    }
    if action in table:
        return table[action]
    return action.replace(".", " ").replace("_", " ").capitalize(), "dot"


# Recorded for the audit trail but said once already by another event of the same moment.
HIDDEN = {"portal.signed"}  # signature.recorded says it


def _channel(d: dict) -> str:
    channel = d.get("channel")
    return {"phone": " by phone", "in_person": " at the counter", "portal": " on the portal"}.get(channel, "")


def _told_by(d: dict) -> str:
    """A decision staff recorded: who gave it, the extras left out, the shop's note."""
    if d.get("channel") not in ("phone", "in_person"):
        return ""
    parts = [f"given by {d['customer_name']}"] if d.get("customer_name") else []
    if d.get("left_out"):
        parts.append("left out: " + ", ".join(str(x) for x in d["left_out"]))
    if d.get("note"):
        parts.append(f"note: “{d['note']}”")
    return f" ({'; '.join(parts)})" if parts else ""


def _template(d: dict) -> str:
    from .email_templates import TEMPLATES

    key = d.get("template", "")
    return TEMPLATES[key].label if key in TEMPLATES else key


def _text(d: dict) -> str:
    from .sms_templates import SPECS

    key = d.get("template", "")
    return SPECS[key].label if key in SPECS else (key or "typed")


def _text_skip(d: dict) -> str:
    return {
        "no_mobile": "no mobile number",
        "no_consent": "the customer hasn't agreed to texts",
        "stopped": "the customer replied STOP",
    }.get(d.get("reason"), d.get("reason", ""))


def _keyword(d: dict) -> str:
    word = d.get("keyword")
    return f" ({str(word).upper()})" if word else ""


def _share_way(d: dict) -> str:
    return {"copy": "copied", "sms": "in Messages", "whatsapp": "in WhatsApp"}.get(d.get("way"), d.get("way", ""))


def _skip_reason(d: dict) -> str:
    return {
        "no_email": "no email address",
        "no_consent": "customer opted out",
        "no_shop_email": "no shop email set",
    }.get(d.get("reason"), d.get("reason", ""))


def order_activity(session: Session, order_id: int, tz: str, *, limit: int = 200) -> list[ActivityItem]:
    """Newest first; staff shown by their current name, customers as recorded."""
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.order_id == order_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    staff_ids = {e.actor_id for e in events if e.actor_type == "staff" and e.actor_id}
    names = (
        {u.id: u.name for u in session.exec(select(StaffUser).where(StaffUser.id.in_(staff_ids)))} if staff_ids else {}
    )
    items = []
    for event in events:
        if event.action in HIDDEN:
            continue
        try:
            detail = json.loads(event.detail) if event.detail else {}
        except ValueError:
            detail = {}
        what, icon = describe(event.action, detail if isinstance(detail, dict) else {})
        if event.actor_type == "staff":
            who = names.get(event.actor_id, event.actor_label or "Staff")
        elif event.actor_type == "customer":
            who = "Customer" if event.actor_label in ("", "tracking link", "order lookup") else event.actor_label
        else:
            who = "System"
        items.append(ActivityItem(timefmt.short(event.at, tz), who, what, icon))
    return items
