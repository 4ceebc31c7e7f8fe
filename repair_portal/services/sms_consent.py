"""A customer's "text me" choice, kept as a ledger: every change says who, how (intake, portal, keyword,
staff), when, the number and the words agreed to. `Customer.sms_updates` is the current answer."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Customer, SmsConsent
from . import audit, clock

INTAKE_WORDING = (
    "Text me updates about my repair (booked in, quote ready, ready to collect, replies from the shop). "
    "Reply STOP at any time to stop."
)
PORTAL_WORDING = "Text me updates about my repair. Reply STOP to any text to stop."
CHANNELS = ("intake", "portal", "keyword", "staff")


def set_consent(
    session: Session,
    customer: Customer,
    granted: bool,
    channel: str,
    actor: audit.Actor,
    *,
    wording: str = "",
    staff_user_id: int | None = None,
    always: bool = False,
) -> SmsConsent | None:
    """Record a change (nothing when the answer is already `granted`, unless `always`: a STOP by text is
    kept even from a number that never agreed, and a consent given anew for a new number). Returns the row."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown consent channel {channel!r}")
    if bool(customer.sms_updates) == bool(granted) and not always:
        return None
    customer.sms_updates = bool(granted)
    session.add(customer)
    row = SmsConsent(
        customer_id=customer.id,
        phone=(customer.phone or "")[:20],
        granted=bool(granted),
        channel=channel,
        wording=wording[:1000],
        staff_user_id=staff_user_id,
        at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "sms.consent_given" if granted else "sms.consent_withdrawn", channel=channel)
    return row


def history(session: Session, customer_id: int) -> list[SmsConsent]:
    return list(
        session.exec(select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id.desc()))
    )


def number_stopped(session: Session, phone: str) -> bool:
    """The number's last word by text was STOP (whichever customer it is on): nothing at all goes to it,
    not a reply, not a staff member's "Text link", until it texts START."""
    if not phone:
        return False
    last = session.exec(
        select(SmsConsent)
        .where(SmsConsent.phone == phone)
        .where(SmsConsent.channel == "keyword")
        .order_by(SmsConsent.id.desc())
    ).first()
    return last is not None and not last.granted


def withdrawn_since(session: Session, customer_id: int, since) -> bool:
    """Texts switched off (any way) after `since`."""
    last = session.exec(
        select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id.desc())
    ).first()
    return last is not None and not last.granted and (since is None or last.at >= since)


def opted_out_by_keyword(session: Session, customer_id: int) -> bool:
    """The customer's last word was STOP (by text): nothing goes to them, not even a reply."""
    last = session.exec(
        select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id.desc())
    ).first()
    return last is not None and not last.granted and last.channel == "keyword"
