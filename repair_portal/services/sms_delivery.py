"""Send queued texts with retry and back-off, each once: rows are claimed with a conditional UPDATE
(queued -> sending), so several workers never send the same text twice; a worker that dies mid-send leaves
a 'sending' row that is re-queued after STALE_AFTER."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from ..db import write_session
from ..integrations.sms import SmsBackend, SmsDeliveryError, Text, masked_digits, redact
from ..models import Customer, Location, Order, ShopSettings, SmsMessage, SmsStatus
from . import audit, clock, quiet_hours, sms, sms_consent

BACKOFF = [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30)]
MAX_ATTEMPTS = len(BACKOFF) + 1
STALE_AFTER = timedelta(minutes=10)
UNCERTAIN = "Sending was interrupted: it may have gone. Check Twilio's log before sending it again."
TEXTER = audit.Actor(kind="system", label="texts")

log = logging.getLogger("repair_portal.sms")


@dataclass
class TextReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(engine: Engine, limit: int) -> list[SmsMessage]:
    now = clock.now()
    claimed = []
    with write_session(engine) as session:
        # A worker stopped between handing a text over and recording it: it may have gone. Sending it again
        # could text the customer twice, so it is marked for staff to check instead.
        session.execute(
            update(SmsMessage)
            .where(SmsMessage.status == SmsStatus.SENDING.value)
            .where(SmsMessage.claimed_at < now - STALE_AFTER)
            .values(status=SmsStatus.FAILED.value, last_error=UNCERTAIN)
        )
        due = session.exec(
            select(SmsMessage.id)
            .where(SmsMessage.status == SmsStatus.QUEUED.value)
            .where(SmsMessage.next_attempt_at <= now)
            .order_by(SmsMessage.next_attempt_at)
            .limit(limit)
        ).all()
        for text_id in due:
            result = session.execute(
                update(SmsMessage)
                .where(SmsMessage.id == text_id)
                .where(SmsMessage.status == SmsStatus.QUEUED.value)
                .values(status=SmsStatus.SENDING.value, attempts=SmsMessage.attempts + 1, claimed_at=now)
            )
            if result.rowcount == 1:
                claimed.append(session.get(SmsMessage, text_id))
    return claimed


# Texts a person chose to send (a reply, "Text link"): no consent tick or quiet hours, but STOP still counts.
BY_HAND = frozenset({"staff_reply", "portal_link", ""})


def _still_to_send(engine: Engine, text_id: int) -> bool:
    """Checked again just before sending, as things change while a text waits (quiet hours, back-off): a
    STOP, texts switched off or a new number cancel it; quiet hours (now) put an automated one back."""
    with write_session(engine) as session:
        text = session.get(SmsMessage, text_id)
        customer = session.get(Customer, text.customer_id) if text.customer_id else None
        by_hand = text.template in BY_HAND or text.staff_user_id is not None
        reason = ""
        if sms_consent.number_stopped(session, text.to_number):
            reason = "the customer replied STOP"
        elif customer is not None and (customer.phone or "") != text.to_number:
            reason = "the customer's number changed"
        elif not by_hand and customer is not None and not customer.sms_updates:
            reason = "the customer switched texts off"
        if reason:
            text.status, text.last_error, text.body = SmsStatus.CANCELLED.value, reason, redact(text.body)
            session.add(text)
            audit.record(session, TEXTER, "sms.cancelled", order_id=text.order_id, sms_id=text.id, reason=reason)
            return False
        if not by_hand and text.order_id:
            order = session.get(Order, text.order_id)
            shop = ShopSettings.current(session)
            zone = sms.quiet_zone(session, session.get(Location, order.location_id) if order else None)
            now = clock.now()
            later = quiet_hours.next_allowed(now, shop.quiet_hours_start, shop.quiet_hours_end, zone)
            if later > now:
                text.status, text.next_attempt_at, text.attempts = SmsStatus.QUEUED.value, later, text.attempts - 1
                session.add(text)
                return False
    return True


def _record(engine: Engine, text_id: int, backend: str, sid: str = "", status: str = "", error=None) -> str:
    with write_session(engine) as session:
        text = session.get(SmsMessage, text_id)
        now = clock.now()
        text.backend = backend
        if error is None:
            text.status = SmsStatus.OUTBOX.value if backend == "outbox" else SmsStatus.SENT.value
            text.sent_at, text.last_error = now, ""
            text.provider_sid = sid[:64] or None
            outcome = "sent"
        elif error.retryable and text.attempts < MAX_ATTEMPTS:
            text.status = SmsStatus.QUEUED.value
            text.next_attempt_at = now + BACKOFF[text.attempts - 1]
            text.last_error, text.error_code = str(error)[:1000], error.code[:20]
            outcome = "retrying"
            log.warning(
                "text %s (%s) not sent, will retry: %s", text.id, text.template, masked_digits(str(error))[:200]
            )
        else:
            text.status = SmsStatus.FAILED.value
            text.last_error, text.error_code = str(error)[:1000], error.code[:20]
            outcome = "failed"
            log.error("text %s (%s) failed for good: %s", text.id, text.template, masked_digits(str(error))[:200])
        if outcome != "retrying":
            text.body = redact(text.body)  # the tracking link was needed to send; it isn't kept afterwards
            audit.record(
                session, TEXTER, f"sms.{outcome}", order_id=text.order_id, sms_id=text.id,
                template=text.template, backend=backend, attempts=text.attempts,
            )  # fmt: skip
        session.add(text)
    return outcome


def deliver_due(engine: Engine, backend: SmsBackend, status_callback: str = "", *, limit: int = 20) -> TextReport:
    """Send what is due now; safe to call from several workers at once."""
    report = TextReport()
    for text in _claim(engine, limit):
        if not _still_to_send(engine, text.id):
            continue
        try:
            sid, status = backend.send(Text(text.to_number, text.body, status_callback))
        except SmsDeliveryError as exc:
            outcome = _record(engine, text.id, backend.name, error=exc)
        except Exception as exc:  # a bug in a backend must not stop the loop; it may have sent: not resent
            error = SmsDeliveryError(f"{UNCERTAIN} ({type(exc).__name__})", retryable=False)
            outcome = _record(engine, text.id, backend.name, error=error)
        else:
            outcome = _record(engine, text.id, backend.name, sid, status)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
