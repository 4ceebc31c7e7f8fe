"""The delivery loop: runs inside the app process (a lifespan task), off the request path."""

from __future__ import annotations

import asyncio
import logging

from .db import get_engine
from .integrations.email import MailBackend, OutboxBackend, SendGridBackend
from .services.mail_delivery import Sender, deliver_due
from .settings import Settings, get_settings

log = logging.getLogger("repair_portal.mail")
POLL_SECONDS = 2.0


def backend_for(settings: Settings) -> MailBackend:
    if settings.sendgrid_api_key:
        return SendGridBackend(settings.sendgrid_api_key, host=settings.sendgrid_api_host)
    return OutboxBackend()


def sender_for(settings: Settings) -> Sender:
    from sqlmodel import Session

    from .models import ShopSettings

    with Session(get_engine()) as session:
        return Sender(settings.mail_from, ShopSettings.current(session).name)


async def delivery_loop() -> None:
    settings = get_settings()
    backend = backend_for(settings)
    log.info("mail delivery loop started (backend: %s)", backend.name)
    while True:
        try:
            await asyncio.to_thread(lambda: deliver_due(get_engine(), backend, sender_for(settings)))
        except asyncio.CancelledError:
            raise
        except Exception:  # keep delivering after a transient database error
            log.exception("mail delivery pass failed")
        await asyncio.sleep(POLL_SECONDS)
