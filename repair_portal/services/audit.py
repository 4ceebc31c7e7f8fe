"""Audit trail: who did what, when, from where."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from ..models import AuditEvent
from . import clock


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; built by the state layer from server-side data."""

    kind: str  # staff, customer, system
    id: int | None = None
    label: str = ""
    ip: str = ""
    user_agent: str = ""


SYSTEM = Actor(kind="system", label="system")


VIEW_WINDOW = timedelta(minutes=10)


def viewed_recently(session: Session, actor: Actor, action: str, order_id: int) -> bool:
    """Whether this page view is already in the history: views are recorded once per order, address and
    browser every VIEW_WINDOW, so a customer refreshing or coming back every few minutes is one line, and
    most page loads cost a read, not a write."""
    return (
        session.exec(
            select(AuditEvent.id)
            .where(AuditEvent.order_id == order_id)
            .where(AuditEvent.action == action)
            .where(AuditEvent.at >= clock.now() - VIEW_WINDOW)
            .where(AuditEvent.ip == actor.ip[:64])
            .where(AuditEvent.user_agent == actor.user_agent[:400])
            .limit(1)
        ).first()
        is not None
    )


def record(session: Session, actor: Actor, action: str, *, order_id: int | None = None, **detail) -> AuditEvent:
    event = AuditEvent(
        at=clock.now(),
        actor_type=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:254],
        action=action,
        order_id=order_id,
        detail=json.dumps(detail, default=str, sort_keys=True)[:4000] if detail else "",
        ip=actor.ip[:64],
        user_agent=actor.user_agent[:400],
    )
    session.add(event)
    return event
