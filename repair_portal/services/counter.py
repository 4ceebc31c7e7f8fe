"""Signing at the counter: a staff browser handed to the customer shows one order's signing screen.

Staff pick what to sign (the shop's terms, data consent, the collection receipt) on the order page;
their session is then locked to that order and that signature in the database. While locked, every
staff page and handler of that browser leads back to the signing screen, whatever the URL says, and
only the staff member's password unlocks it. The signature goes into the same hash chain as remote
ones, with "in person at the counter" as its channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from ..models import Customer, Device, Order, SignaturePurpose, StaffSession, StaffUser
from ..settings import Settings
from . import audit, clock, consents, ratelimit
from .passwords import verify_password

COUNTER_CHANNEL = "in_person"
PURPOSES = (
    SignaturePurpose.TERMS.value,
    SignaturePurpose.DATA_CONSENT.value,
    SignaturePurpose.COLLECTION.value,
)
UNLOCK_REFUSED = "That isn't the password of the staff member who opened this screen."


class CounterError(ValueError):
    """A message safe to show on the counter screen or the order page."""


def unlock_limit(settings: Settings) -> ratelimit.Limit:
    return ratelimit.Limit(
        "counter_unlock",
        settings.login_max_failures_per_account,
        timedelta(minutes=settings.login_failure_window_minutes),
    )


@dataclass(frozen=True)
class CounterChoice:
    purpose: str
    title: str


@dataclass(frozen=True)
class CounterLock:
    order_id: int
    purpose: str
    signed: bool


@dataclass(frozen=True)
class CounterScreen:
    """What the customer sees: the document, whose order it is, and whether it is done."""

    purpose: str
    title: str
    text: str
    reference: str
    device: str
    customer_name: str
    staff_name: str
    signed: bool
    signer_name: str = ""


def choices(session: Session, order: Order) -> list[CounterChoice]:
    """What this order can have signed at the counter now (nothing already signed)."""
    return [CounterChoice(p.purpose, p.title) for p in consents.pending(session, order, at_counter=True)]


def lock_of(session: Session, session_id: int) -> CounterLock | None:
    row = session.get(StaffSession, session_id)
    if row is None or row.counter_order_id is None or not row.counter_purpose:
        return None
    return CounterLock(row.counter_order_id, row.counter_purpose, row.counter_signed_at is not None)


def start(session: Session, session_id: int, order_id: int, purpose: str, actor: audit.Actor) -> None:
    """Lock this staff session to signing `purpose` for the order. Call inside `write_session`."""
    row = session.get(StaffSession, session_id)
    order = session.get(Order, order_id)
    if row is None or order is None:
        raise CounterError("That order no longer exists.")
    if purpose not in {c.purpose for c in choices(session, order)}:
        raise CounterError("That signature isn't needed for this order (or it has been signed already).")
    row.counter_order_id, row.counter_purpose, row.counter_signed_at = order.id, purpose, None
    session.add(row)
    audit.record(session, actor, "counter.opened", order_id=order.id, purpose=purpose)


def screen(session: Session, session_id: int) -> CounterScreen | None:
    """The signing screen of a locked session, or None when the session isn't locked."""
    lock = lock_of(session, session_id)
    if lock is None:
        return None
    order = session.get(Order, lock.order_id)
    row = session.get(StaffSession, session_id)
    staff = session.get(StaffUser, row.staff_user_id)
    customer = session.get(Customer, order.customer_id) if order else None
    device = session.get(Device, order.device_id) if order and order.device_id else None
    item = next((p for p in consents.pending(session, order, at_counter=True) if p.purpose == lock.purpose), None)
    signed = consents.signature_of(session, order.id, lock.purpose) if order else None
    if item is not None:
        title, text = item.title, item.text
    else:
        title = consents.TITLES.get(lock.purpose, lock.purpose)
        text = consents.signed_text(session, signed) if signed else ""
    return CounterScreen(
        purpose=lock.purpose,
        title=title,
        text=text,
        reference=order.reference if order else "",
        device=device.label if device else "",
        customer_name=customer.full_name if customer else "",
        staff_name=staff.name if staff else "",
        signed=lock.signed,
        signer_name=signed.signer_name if (signed and lock.signed) else "",
    )


def sign(
    session: Session, session_id: int, *, signer_name: str, png: bytes | str, ip: str, user_agent: str
) -> CounterScreen:
    """Record the customer's signature for what the session is locked to (never what the browser says)."""
    lock = lock_of(session, session_id)
    if lock is None:
        raise CounterError("This screen has been closed by staff.")
    if lock.signed:
        raise CounterError("This has been signed already. Please hand the screen back.")
    order = session.get(Order, lock.order_id)
    row = session.get(StaffSession, session_id)
    if order is None:
        raise CounterError("That order no longer exists.")
    customer = audit.Actor("customer", None, " ".join(str(signer_name or "").split())[:200], ip, user_agent)
    try:
        record, _ = consents.sign(
            session,
            order,
            lock.purpose,
            signer_name=signer_name,
            png=png,
            auth_method=COUNTER_CHANNEL,
            ip=ip,
            user_agent=user_agent,
            actor=customer,
            at_counter=True,
        )
    except consents.ConsentError as exc:
        raise CounterError(str(exc)) from None
    row.counter_signed_at = clock.now()
    session.add(row)
    audit.record(
        session,
        customer,
        "counter.signed",
        order_id=order.id,
        purpose=lock.purpose,
        signature_id=record.id,
        witnessed_by=row.staff_user_id,
    )
    return screen(session, session_id)


@dataclass(frozen=True)
class Unlocked:
    order_id: int | None  # where to go back to; None when refused
    error: str = ""


def unlock(session: Session, settings: Settings, session_id: int, password: str, actor: audit.Actor) -> Unlocked:
    """Give the browser back to the staff member who opened the screen.

    Counted like sign-in attempts (a customer guessing at the counter runs into the limit). A refusal
    is returned, not raised, so the failure it counts is committed. Call inside `write_session`.
    """
    row = session.get(StaffSession, session_id)
    if row is None or row.counter_order_id is None:
        return Unlocked(None, "This screen is already unlocked.")
    limit, key = unlock_limit(settings), str(session_id)
    verdict, attempt = ratelimit.acquire(session, limit, key)  # counted before the check: atomic under bursts
    if verdict.blocked:
        minutes = verdict.retry_after_minutes
        return Unlocked(None, f"Too many wrong passwords. Try again in {minutes} minutes, or sign out and in again.")
    user = session.get(StaffUser, row.staff_user_id)
    if user is None or not verify_password(str(password or ""), user.password_hash):
        audit.record(session, actor, "counter.unlock_failed", order_id=row.counter_order_id)
        return Unlocked(None, UNLOCK_REFUSED)
    ratelimit.release(session, [attempt])
    ratelimit.clear(session, limit, key)
    order_id = row.counter_order_id
    row.counter_order_id = row.counter_purpose = row.counter_signed_at = None
    session.add(row)
    audit.record(session, actor, "counter.closed", order_id=order_id)
    return Unlocked(order_id)
