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


class EditConflict(ValueError):
    """Someone saved the same record since this form was loaded; nothing was written.

    Every editor in the back office answers a conflict the same way: this message, and the form
    showing their saved values with this editor's own edits on top, so saving again is deliberate."""

    def __init__(self, subject: str, changed: list[str], by: str, labels: dict[str, str]):
        names = ", ".join(labels.get(f, f.replace("_", " ")) for f in changed)
        what = f" (changed: {names})" if names else ""
        super().__init__(
            f"{by or 'Someone else'} saved {subject} while you were editing{what}. Your changes were not saved. "
            "The form now shows their values with your edits on top; check them and save again."
        )
        self.subject, self.changed, self.by = subject, changed, by

    @property
    def toast(self) -> str:
        return f"Not saved: someone else changed {self.subject} meanwhile."
