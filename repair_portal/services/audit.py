"""Audit trail: who did what, when, from where."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session

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
