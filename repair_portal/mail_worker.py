"""The delivery loop: runs inside the app process (a lifespan task), off the request path."""

from __future__ import annotations

import asyncio
import logging

from . import live
from .db import get_engine
from .integrations.email import MailBackend, OutboxBackend, SendGridBackend
from .services.mail_delivery import Sender, deliver_due
from .settings import Settings, get_settings

log = logging.getLogger("repair_portal.mail")
POLL_SECONDS = 2.0
REMINDER_SECONDS = 600.0  # how often due reminders are looked for (they are counted in days)


def backend_for(settings: Settings) -> MailBackend:
    if settings.sendgrid_api_key:
        return SendGridBackend(settings.sendgrid_api_key, host=settings.sendgrid_api_host)
    return OutboxBackend()


def sender_for(settings: Settings) -> Sender:
    from sqlmodel import Session

    from .models import ShopSettings

    with Session(get_engine()) as session:
        return Sender(settings.mail_from, ShopSettings.current(session).name)


def reminder_pass(settings: Settings) -> int:
    """Queue the reminders that are due (services/reminders.py); several workers may run it at once."""
    from sqlalchemy.exc import IntegrityError

    from .db import write_session
    from .services import reminders
    from .services.mail import LinkSettings

    try:
        with write_session() as session:
            return reminders.send_due(session, LinkSettings(settings.public_url, settings.secret_key))
    except IntegrityError as exc:
        if "dedupe_key" not in str(exc.orig):  # any other broken rule is a real failure
            raise
        log.info("reminders already queued by another worker")  # its identical pass committed first: once
        return 0


RECONCILE_SECONDS = 60.0  # how often checkouts whose webhook is late are asked about


def text_pass(settings: Settings) -> None:
    """Send the texts that are due (Twilio with credentials, else the SMS outbox); several workers may run it."""
    from .db import session_scope
    from .services import sms_delivery, sms_settings

    with session_scope() as session:
        backend = sms_settings.backend_for(session, settings)
    callback = sms_settings.status_url(settings) if backend.name == "twilio" else ""
    sms_delivery.deliver_due(get_engine(), backend, callback)


async def _reconcile_pass() -> None:
    """Online payments whose webhook hasn't come: ask the provider, record what it confirms (once)."""
    from .actions import online_payments

    swept = await asyncio.to_thread(online_payments.reconcile_late)
    for attempt_id, outcome, order_ids in swept:
        if outcome in ("recorded", "closed"):
            log.info("reconciled late online payment attempt %s: %s", attempt_id, outcome)
        for order_id in order_ids:
            await live.publish(order_id, "payments")


async def delivery_loop() -> None:
    settings = get_settings()
    backend = backend_for(settings)
    log.info("mail delivery loop started (backend: %s)", backend.name)
    loop = asyncio.get_running_loop()
    next_reminders = loop.time() + 30  # not at start-up: let the app settle first
    next_reconcile = loop.time() + 30
    while True:
        try:
            if loop.time() >= next_reconcile:
                next_reconcile = loop.time() + RECONCILE_SECONDS
                await _reconcile_pass()
            if loop.time() >= next_reminders:
                next_reminders = loop.time() + REMINDER_SECONDS
                queued = await asyncio.to_thread(reminder_pass, settings)
                if queued:
                    log.info("queued %s reminder(s)", queued)
                    live.publish_alerts()  # open staff pages count them at once
            await asyncio.to_thread(lambda: deliver_due(get_engine(), backend, sender_for(settings)))
        except asyncio.CancelledError:
            raise
        except Exception:  # keep delivering after a transient database error (or a racing worker)
            log.exception("mail delivery pass failed")
        try:  # texts on their own: a failing email pass never holds them up
            await asyncio.to_thread(text_pass, settings)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep delivering after a transient database error (or a racing worker)
            log.exception("text delivery pass failed")
        await asyncio.sleep(POLL_SECONDS)
