"""What a verified provider event means for us. Each event id is acted on once (a replay or a twin arriving
at the same moment changes nothing), and whatever it records goes through services/online_payments.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..integrations.stripe_gateway import refund_facts, session_facts
from ..models import AttemptStatus
from . import online_payments

PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
REFUND_EVENTS = ("refund.created", "refund.updated", "charge.refund.updated")
# The list shops enable in Stripe is payment_settings.EVENTS (tests/unit check it matches what is handled).


@dataclass(frozen=True)
class Handled:
    outcome: str  # recorded | already | duplicate | refused | ignored | closed | noted | unknown | waiting
    order_ids: tuple[int, ...] = ()
    attempt_id: int | None = None
    detail: str = ""


def handle_event(session: Session, event: dict) -> Handled:
    """Act on one verified event inside the caller's transaction."""
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    obj = (event.get("data") or {}).get("object") or {}
    if not event_id or not online_payments.claim_event(session, event_id, kind):
        return Handled("duplicate")
    handled = _dispatch(session, kind, obj)
    online_payments.note_event_outcome(
        session, event_id, f"{handled.outcome} {handled.detail}".strip(), handled.attempt_id
    )
    return handled


def _dispatch(session: Session, kind: str, obj: dict) -> Handled:
    if kind in PAID_EVENTS:
        done = online_payments.record_paid(session, session_facts(obj), source=kind)
        return Handled(done.outcome, done.order_ids, done.attempt_id, done.detail)
    if kind in ("checkout.session.expired", "checkout.session.async_payment_failed"):
        status = AttemptStatus.EXPIRED if kind.endswith("expired") else AttemptStatus.CANCELLED
        failure = "" if kind.endswith("expired") else "The payment didn't go through."
        attempt = online_payments.close_attempt(session, str(obj.get("id") or ""), status, failure)
        if attempt is None:
            return Handled("unknown")
        return Handled("closed", (attempt.order_id,) if attempt.order_id else (), attempt.id)
    if kind == "payment_intent.payment_failed":
        attempt_ref = str((obj.get("metadata") or {}).get("attempt") or "")
        if not attempt_ref.isdigit():
            return Handled("ignored", detail="not one of ours")
        message = str((obj.get("last_payment_error") or {}).get("message") or "The card was declined.")
        attempt = online_payments.note_failure(session, int(attempt_ref), message)
        if attempt is None:
            return Handled("unknown")
        return Handled("noted", (attempt.order_id,) if attempt.order_id else (), attempt.id)
    if kind in REFUND_EVENTS:
        done = online_payments.record_refund(session, refund_facts(obj), source=kind)
        return Handled(done.outcome, done.order_ids, None, done.detail)
    return Handled("ignored", detail=kind)
