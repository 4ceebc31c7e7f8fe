"""A signed-in staff member changes their own password (ASVS V6.2.3: the current one is needed).

bcrypt runs outside any write transaction (two checks of ~250 ms would hold SQLite's write lock); the
new hash is stored only if the old one is still in place, so a reset link used meanwhile wins. Wrong
current passwords count against a per-account limit before they are checked. Every other session of
the account ends: whoever else knew the old password is signed out.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from ..db import write_session
from ..models import StaffSession, StaffUser
from . import audit, clock, ratelimit
from .passwords import PasswordPolicyError, check_password_policy, hash_password, verify_password

LIMIT = ratelimit.Limit("staff_password_change", 5, timedelta(minutes=15))
WRONG_CURRENT = "Your current password isn't right."


class PasswordChangeError(ValueError):
    """Why the change was refused; `field` is the form field to mark (current, password, confirm)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def change_password(
    engine: Engine, *, user_id: int, session_id: int, current: str, new: str, confirm: str, actor: audit.Actor
) -> None:
    """Raise PasswordChangeError, or store the new password and end the account's other sessions."""
    if new != confirm:
        raise PasswordChangeError("The two new passwords don't match.", "confirm")
    with write_session(engine) as session:
        user = session.get(StaffUser, user_id)
        if user is None or not user.active:
            raise PasswordChangeError("This account is no longer active.", "current")
        email, old_hash = user.email, user.password_hash
        verdict, attempt = ratelimit.acquire(session, LIMIT, str(user_id))
    if verdict.blocked:
        raise PasswordChangeError(
            f"Too many wrong passwords. Try again in {verdict.retry_after_minutes} minutes.", "current"
        )
    if not verify_password(current, old_hash):
        with write_session(engine) as session:
            audit.record(session, actor, "staff.password.change_refused")
        raise PasswordChangeError(WRONG_CURRENT, "current")
    try:
        check_password_policy(new, email)
    except PasswordPolicyError as exc:
        raise PasswordChangeError(str(exc), "password") from exc
    if verify_password(new, old_hash):
        raise PasswordChangeError("Choose a password you haven't been using.", "password")
    new_hash = hash_password(new)
    with write_session(engine) as session:
        ratelimit.release(session, [attempt])
        stored = session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .where(StaffUser.password_hash == old_hash)
            .values(password_hash=new_hash)
        )
        if not stored.rowcount:
            raise PasswordChangeError("Your password was changed meanwhile. Reload the page.", "current")
        others = session.exec(
            select(StaffSession)
            .where(StaffSession.staff_user_id == user_id)
            .where(StaffSession.id != session_id)
            .where(StaffSession.revoked_at.is_(None))
        ).all()
        for row in others:
            row.revoked_at = clock.now()
            session.add(row)
        audit.record(session, actor, "staff.password.changed", sessions_revoked=len(others))
