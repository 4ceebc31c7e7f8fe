"""Email templates: defaults in code, subject and intro editable per shop.

Placeholders like {reference} are replaced from a fixed list of names, never
with str.format, so a shop's edited text can't reach into Python objects.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlmodel import Session

from ..models import EmailTemplateText
from .text_input import TextInputError, clean_text


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    label: str
    audience: str  # customer or shop
    subject: str
    intro: str
    button: str = "Follow your repair"
    tab: str = ""  # the portal tab the customer's link opens (quote, messages)


TEMPLATES: dict[str, TemplateSpec] = {
    spec.key: spec
    for spec in [
        TemplateSpec(
            "order_booked",
            "Order booked in",
            "customer",
            "We've booked in your {device} ({reference})",
            "Hi {first_name}, thanks for choosing {shop_name}. We've booked in your {device} and will keep you "
            "updated at every step. You can follow the repair, see photos and approve any quote from the link below.",
        ),
        TemplateSpec(
            "stage_changed",
            "Stage changed",
            "customer",
            "Update on your repair {reference}: {stage}",
            "Hi {first_name}, your repair has moved on: {stage}.",
        ),
        TemplateSpec(
            "quote_ready",
            "Quote ready for approval",
            "customer",
            "Your quote for {reference} is ready",
            "Hi {first_name}, we've finished looking at your {device}. Your quote is ready: please approve or "
            "decline it online. We won't start chargeable work until you approve.",
            button="View and approve the quote",
            tab="quote",
        ),
        TemplateSpec(
            "ready_for_collection",
            "Ready for collection",
            "customer",
            "Your {device} is ready to collect",
            "Hi {first_name}, good news: your {device} is ready to collect. Bring your reference {reference}; "
            "you can pay any balance when you collect.",
        ),
        TemplateSpec(
            "quote_reminder",
            "Reminder: quote waiting",
            "customer",
            "Reminder: your quote for {reference} is waiting",
            "Hi {first_name}, a quick reminder: your quote for your {device} is waiting for your decision. "
            "We won't start chargeable work until you approve it; if you'd rather not go ahead, you can "
            "decline it online too.",
            button="View the quote",
            tab="quote",
        ),
        TemplateSpec(
            "collection_reminder",
            "Reminder: ready to collect",
            "customer",
            "Reminder: your {device} is ready to collect",
            "Hi {first_name}, your {device} is still waiting for you at {shop_name}. Bring your reference "
            "{reference}; our opening hours are below.",
        ),
        TemplateSpec(
            "staff_reply",
            "Reply to the customer",
            "customer",
            "New message from {shop_name} about {reference}",
            "Hi {first_name}, we've replied to your message:",
            button="Read and reply",
            tab="messages",
        ),
        TemplateSpec(
            "portal_link",
            "Portal link (sent by staff)",
            "customer",
            "Follow your repair {reference} online",
            "Hi {first_name}, here is your private link to follow your repair at {shop_name}.",
        ),
        TemplateSpec(
            "payment_received",
            "Payment received (receipt)",
            "customer",
            "Payment received: {amount} for {reference}",
            "Hi {first_name}, thank you: we've received your payment of {amount}. This email is your receipt; "
            "what it paid for is below.",
        ),
        TemplateSpec(
            "quote_decided",
            "Quote approved/declined (to the shop)",
            "shop",
            "{customer_name} {decision} the quote for {reference}",
            "{customer_name} {decision} quote version {quote_version} for {reference}.",
            button="Open the order",
        ),
        TemplateSpec(
            "customer_message",
            "New customer message (to the shop)",
            "shop",
            "New message from {customer_name} about {reference}",
            "{customer_name} sent a message about {reference}:",
            button="Open the order",
        ),
        TemplateSpec(
            "job_requested",
            "Job requested from the account portal (to the shop)",
            "shop",
            "{account} requested a job: {reference}",
            "{account} requested a job from their account ({reference}). It waits at the requested stage "
            "until you book it in. What they asked for:",
            button="Open the request",
        ),
        TemplateSpec(
            "feedback_received",
            "Feedback received (to the shop)",
            "shop",
            "Feedback from {customer_name} on {reference}",
            "{customer_name} left feedback on {reference}:",
            button="Open the order",
        ),
    ]
}

PLACEHOLDERS = (
    "reference",
    "account",
    "first_name",
    "customer_name",
    "shop_name",
    "device",
    "stage",
    "decision",
    "quote_version",
    "amount",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known {placeholders}; unknown ones stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def texts_for(session: Session, key: str) -> tuple[str, str]:
    """(subject, intro) with the shop's edits applied."""
    spec = TEMPLATES[key]
    custom = session.get(EmailTemplateText, key)
    return (custom.subject if custom else spec.subject, custom.intro if custom else spec.intro)


class TemplateError(ValueError):
    pass


MAX_INTRO = 4000


def save_texts(session: Session, key: str, subject: str, intro: str) -> EmailTemplateText:
    if key not in TEMPLATES:
        raise TemplateError("Unknown email template.")
    try:
        subject, intro = clean_text(subject, "The subject", 1000), clean_text(intro, "The intro", MAX_INTRO)
    except TextInputError as exc:
        raise TemplateError(str(exc)) from exc
    if not subject or not intro:
        raise TemplateError("Subject and intro can't be empty.")
    if len(subject) > 200 or "\n" in subject or "\r" in subject:
        raise TemplateError("Keep the subject on one line, under 200 characters.")
    row = session.get(EmailTemplateText, key) or EmailTemplateText(key=key, subject=subject, intro=intro)
    row.subject, row.intro = subject, intro
    session.add(row)
    return row


@dataclass(frozen=True)
class Branding:
    shop_name: str
    accent: str
    location_name: str
    address: str
    phone: str
    email: str
    hours: list[tuple[str, str]]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(
    spec: TemplateSpec,
    subject: str,
    intro: str,
    values: dict[str, str],
    brand: Branding,
    link: str | None,
    *,
    details: list[tuple[str, str]] = (),
    quote_block: str = "",
) -> Rendered:
    """Plain-text and HTML bodies. Every value is escaped in the HTML version."""
    subject_line = " ".join(fill(subject, values).split())[:300]
    intro_text = fill(intro, values)
    esc = html.escape
    lines = [intro_text, ""]
    if quote_block:
        lines += [quote_block, ""]
    lines += [f"{label}: {value}" for label, value in details]
    if link:
        lines += ["", f"{spec.button}: {link}"]
    footer = [brand.shop_name, brand.location_name, brand.address, brand.phone, brand.email]
    footer += [f"{day}: {hours}" for day, hours in brand.hours]
    text = "\n".join([*lines, "", "--", *[f for f in footer if f]]) + "\n"

    accent = brand.accent if re.fullmatch(r"#[0-9a-fA-F]{6}", brand.accent or "") else "#0f766e"
    detail_rows = "".join(
        f'<tr><td style="padding:4px 12px 4px 0;color:#64748b">{esc(label)}</td>'
        f'<td style="padding:4px 0;font-weight:600">{esc(value)}</td></tr>'
        for label, value in details
    )
    quote_html = (
        f'<blockquote style="margin:16px 0;padding:12px 16px;background:#f1f5f9;border-left:4px solid {accent};'
        f'white-space:pre-wrap">{esc(quote_block)}</blockquote>'
        if quote_block
        else ""
    )
    button = (
        f'<p style="margin:24px 0"><a href="{esc(link)}" style="background:{accent};color:#ffffff;'
        f'padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600;display:inline-block">'
        f"{esc(spec.button)}</a></p>"
        f'<p style="font-size:12px;color:#64748b">Or copy this link: {esc(link)}</p>'
        if link
        else ""
    )
    hours_html = "<br>".join(f"{esc(day)}: {esc(h)}" for day, h in brand.hours)
    footer_html = "<br>".join(esc(f) for f in footer[1:] if f)
    body = f"""<!doctype html>
<html><body style="margin:0;background:#f1f5f9;font-family:Helvetica,Arial,sans-serif;color:#0f172a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" style="max-width:560px;background:#ffffff;border-radius:12px;overflow:hidden">
<tr><td style="background:{accent};color:#ffffff;padding:18px 24px;font-size:18px;font-weight:700">
{esc(brand.shop_name)}</td></tr>
<tr><td style="padding:24px">
<p style="margin:0 0 12px;font-size:16px;line-height:1.5;white-space:pre-wrap">{esc(intro_text)}</p>
{quote_html}
<table role="presentation" style="font-size:14px">{detail_rows}</table>
{button}
</td></tr>
<tr><td style="padding:16px 24px;background:#f8fafc;font-size:12px;color:#64748b;line-height:1.6">
<strong>{esc(brand.shop_name)}</strong><br>{footer_html}{"<br><br>" + hours_html if hours_html else ""}
</td></tr></table></td></tr></table></body></html>
"""
    return Rendered(subject_line, text, body)


# Emails to staff about their own account. Kept apart from TEMPLATES: they aren't
# about an order and aren't editable, so the set-password link is always in them.
STAFF_TEMPLATES: dict[str, TemplateSpec] = {
    spec.key: spec
    for spec in [
        TemplateSpec(
            "staff_invite",
            "Staff invitation",
            "staff",
            "You're invited to the {shop_name} back office",
            "Hi {staff_name}, {inviter} has added you to the {shop_name} back office as {role}. "
            "Choose your password to get started. The link works once and expires in {valid_for}.",
            button="Choose your password",
        ),
        TemplateSpec(
            "staff_password_reset",
            "Staff password reset",
            "staff",
            "Choose a new password for the {shop_name} back office",
            "Hi {staff_name}, {inviter} sent you a link to choose a new password. The link works once and "
            "expires in {valid_for}. If you didn't ask for this, tell the shop owner.",
            button="Choose a new password",
        ),
    ]
}


# Emails to a portal user about signing in. Not editable (like the staff ones): the link must always be
# in them, and the same words go out whoever asks, so an answer never depends on the shop's edits.
PORTAL_ACCOUNT_TEMPLATES: dict[str, TemplateSpec] = {
    spec.key: spec
    for spec in [
        TemplateSpec(
            "portal_magic_link",
            "Portal sign-in link",
            "customer",
            "Your sign-in link for {shop_name}",
            "Hi {name}, here is your link to sign in to your {shop_name} account. It works once and expires "
            "in {valid_for}. If you didn't ask for it, you can ignore this email: nobody can sign in without it.",
            button="Sign in",
        ),
        TemplateSpec(
            "portal_password_reset",
            "Portal password reset",
            "customer",
            "Choose a new password for your {shop_name} account",
            "Hi {name}, here is your link to choose a new password for your {shop_name} account. It works "
            "once and expires in {valid_for}. If you didn't ask for it, you can ignore this email: your "
            "password stays as it is.",
            button="Choose a new password",
        ),
    ]
}

# Emails to a customer account's portal users about their own sign-in (services/portal_users.py). Not
# editable either: the set-password link must always be in them.
PORTAL_USER_TEMPLATES: dict[str, TemplateSpec] = {
    spec.key: spec
    for spec in [
        TemplateSpec(
            "portal_invite",
            "Customer account invitation",
            "customer",
            "Your {shop_name} account is ready",
            "Hi {user_name}, {shop_name} has given you access to {account_name}'s account: follow your "
            "repairs, quotes and documents online. Choose your password to get started. The link works "
            "once and expires in {valid_for}.",
            button="Choose your password",
        ),
        TemplateSpec(
            "portal_reset_by_shop",
            "Customer account password reset (sent by the shop)",
            "customer",
            "Choose a new password for your {shop_name} account",
            "Hi {user_name}, {shop_name} sent you a link to choose a new password for {account_name}'s "
            "account. The link works once and expires in {valid_for}. If you didn't ask for this, you can "
            "ignore this email: your password stays as it is.",
            button="Choose a new password",
        ),
    ]
}
