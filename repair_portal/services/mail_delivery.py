"""Deliver queued outbox messages with retry and back-off.

Rows are claimed with a conditional UPDATE (queued -> sending), so several
workers never send the same message twice; a worker that dies mid-send leaves
a 'sending' row that is re-queued after STALE_AFTER (at-least-once delivery).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from ..db import write_session
from ..integrations.email import DeliveryError, Envelope, MailBackend, redact_private_links
from ..models import MailStatus, OutboxMessage
from . import audit, clock

BACKOFF = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=2),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
STALE_AFTER = timedelta(minutes=10)
MAILER = audit.Actor(kind="system", label="mailer")

log = logging.getLogger("repair_portal.mail")


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Sender:
    from_email: str
    from_name: str


def _claim(engine: Engine, limit: int) -> list[OutboxMessage]:
    now = clock.now()
    claimed = []
    with write_session(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == MailStatus.SENDING.value)
            .where(OutboxMessage.next_attempt_at < now - STALE_AFTER)
            .values(status=MailStatus.QUEUED.value)
        )
        due = session.exec(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == MailStatus.QUEUED.value)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        ).all()
        for message_id in due:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .where(OutboxMessage.status == MailStatus.QUEUED.value)
                .values(status=MailStatus.SENDING.value, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
            )
            if result.rowcount == 1:
                claimed.append(session.get(OutboxMessage, message_id))
    return claimed


def _record(
    engine: Engine, message_id: int, backend: str, *, provider_id: str = "", error: DeliveryError | None = None
) -> str:
    with write_session(engine) as session:
        message = session.get(OutboxMessage, message_id)
        now = clock.now()
        message.backend = backend
        if error is None:
            message.status = MailStatus.SENT.value
            message.sent_at = now
            message.provider_id = provider_id[:200]
            message.last_error = ""
            outcome = "sent"
        elif error.retryable and message.attempts < MAX_ATTEMPTS:
            message.status = MailStatus.QUEUED.value
            message.next_attempt_at = now + BACKOFF[message.attempts - 1]
            message.last_error = str(error)[:2000]
            outcome = "retrying"
            log.warning("email %s (%s) not sent, will retry: %s", message.id, message.template, str(error)[:200])
        else:
            message.status = MailStatus.FAILED.value
            message.last_error = str(error)[:2000]
            outcome = "failed"
            log.error("email %s (%s) failed for good: %s", message.id, message.template, str(error)[:200])
        session.add(message)
        if outcome != "retrying":
            # The tracking code was needed to send; it isn't kept in the outbox afterwards. A portal
            # user's sign-in link the outbox never delivered stays until spent (services/portal_signin.py).
            keep = backend == "outbox"
            message.text_body = redact_private_links(message.text_body, keep_account_links=keep)
            message.html_body = redact_private_links(message.html_body, keep_account_links=keep)
            audit.record(
                session,
                MAILER,
                f"email.{outcome}",
                order_id=message.order_id,
                message_id=message.id,
                template=message.template,
                backend=backend,
                attempts=message.attempts,
            )
    return outcome


def deliver_due(engine: Engine, backend: MailBackend, sender: Sender, *, limit: int = 20) -> DeliveryReport:
    """Send what is due now; safe to call from several workers at once."""
    report = DeliveryReport()
    for message in _claim(engine, limit):
        envelope = Envelope(
            to_email=message.to_email,
            to_name=message.to_name,
            from_email=sender.from_email,
            from_name=sender.from_name,
            subject=message.subject,
            text=message.text_body,
            html=message.html_body,
        )
        try:
            provider_id = backend.send(envelope)
        except DeliveryError as exc:
            outcome = _record(engine, message.id, backend.name, error=exc)
        except Exception as exc:  # a bug in a backend must not stop the loop
            outcome = _record(
                engine, message.id, backend.name, error=DeliveryError(f"Unexpected error: {exc!r}", retryable=True)
            )
        else:
            outcome = _record(engine, message.id, backend.name, provider_id=provider_id)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report
