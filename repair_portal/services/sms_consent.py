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
) -> SmsConsent | None:
    """Record a change (nothing when the answer is already `granted`). Returns the ledger row, if any."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown consent channel {channel!r}")
    if bool(customer.sms_updates) == bool(granted):
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


def opted_out_by_keyword(session: Session, customer_id: int) -> bool:
    """The customer's last word was STOP (by text): nothing goes to them, not even a reply."""
    last = session.exec(
        select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id.desc())
    ).first()
    return last is not None and not last.granted and last.channel == "keyword"
