"""Shared pieces of optimistic locking: who saved last, and "their version with my edits on top"."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from sqlmodel import Session

from ..models import AuditEvent, StaffUser

Form = TypeVar("Form")


def editor_name(session: Session, event: AuditEvent | None) -> str:
    """The name to show for whoever made `event`: a staff member's current name, else what was recorded."""
    if event is None:
        return ""
    if event.actor_type == "staff" and event.actor_id is not None:
        user = session.get(StaffUser, event.actor_id)
        if user is not None:
            return user.name
    return event.actor_label


def rebase(theirs: Form, mine: Form, my_fields: list[str]) -> Form:
    """The latest saved values with this editor's own edits (the fields they changed) on top."""
    return replace(theirs, **{name: getattr(mine, name) for name in my_fields})
