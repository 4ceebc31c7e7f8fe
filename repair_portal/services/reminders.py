"""Reminders the shop sends by itself: a sent quote left unanswered, a ready device not collected.

Each goes once (per quote version; per time an order reaches a ready stage), only to customers who
accept email updates, and shows in the staff alerts so someone can follow up by phone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import AlertKind, CustomerAlert, Order, Quote, QuoteStatus, ShopSettings, Stage, StageKind, StatusEvent
from . import alerts, audit, clock, mail

REMINDER_ACTOR = audit.Actor("system", None, "reminders")


def _quotes_due(session: Session, before: datetime) -> list[tuple[Order, Quote]]:
    rows = session.exec(
        select(Order, Quote)
        .join(Quote, Quote.order_id == Order.id)
        .where(Quote.status == QuoteStatus.SENT.value)
        .where(Quote.sent_at <= before)
        .order_by(Quote.sent_at)
        .limit(200)
    ).all()
    return list(rows)


def _collections_due(session: Session, before: datetime) -> list[tuple[Order, StatusEvent]]:
    """Orders at a ready stage since `before` or earlier, with the event that brought them there."""
    latest = (
        select(StatusEvent.order_id, func.max(StatusEvent.id).label("event_id"))
        .group_by(StatusEvent.order_id)
        .subquery()
    )
    rows = session.exec(
        select(Order, StatusEvent)
        .join(Stage, Stage.id == Order.stage_id)
        .join(latest, latest.c.order_id == Order.id)
        .join(StatusEvent, StatusEvent.id == latest.c.event_id)
        .where(Stage.kind == StageKind.READY.value)
        .where(Order.collected_at.is_(None))
        .where(StatusEvent.at <= before)
        .order_by(StatusEvent.at)
        .limit(200)
    ).all()
    return list(rows)


def _remind(session: Session, links: mail.LinkSettings, order: Order, template: str, key: str, what: str) -> bool:
    if session.exec(select(CustomerAlert.id).where(CustomerAlert.dedupe_key == key)).first() is not None:
        return False
    from .notifications import text

    texted = text(session, links, template, order.id, REMINDER_ACTOR)
    try:
        mail.queue_order_email(session, links, template, order.id, REMINDER_ACTOR)
        summary = f"Reminded by email{' and text' if texted else ''}: {what}"
    except mail.NotSent as exc:
        summary = (
            f"Reminded by text: {what}"
            if texted
            else f"{what}; not emailed ({str(exc).rstrip('.').lower()}): call them?"
        )
    # The unique key makes a second worker's identical pass fail and roll back: sent once.
    alerts.record(session, order, AlertKind.REMINDER, summary, dedupe_key=key)
    return True


def send_due(session: Session, links: mail.LinkSettings, now: datetime | None = None) -> int:
    """Queue every reminder that is due; returns how many were recorded."""
    now = now or clock.now()
    shop = ShopSettings.current(session)
    sent = 0
    if shop.quote_reminder_days:
        days = shop.quote_reminder_days
        for order, quote in _quotes_due(session, now - timedelta(days=days)):
            what = f"quote v{quote.version} unanswered for {days} days"
            sent += _remind(session, links, order, "quote_reminder", f"quote-reminder:{quote.id}", what)
    if shop.collection_reminder_days:
        days = shop.collection_reminder_days
        for order, event in _collections_due(session, now - timedelta(days=days)):
            what = f"ready to collect for {days} days"
            sent += _remind(session, links, order, "collection_reminder", f"collect-reminder:{event.id}", what)
    return sent
