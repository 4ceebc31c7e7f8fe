"""A signed-in person's own passkeys, staff or portal user alike: list, add (the browser's answer to
the options asked for first), remove. The state handler has already resolved who is asking and passes
only that person's id; `owner_kind` keeps a staff passkey and a portal passkey apart."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..db import write_session
from ..models import PortalUser, StaffUser
from ..services import audit, passkeys, portal_auth, timefmt
from ..settings import get_settings

_OWNER_TABLE = {"staff": StaffUser, "portal": PortalUser}
_STOPPED = {
    "cancelled": "Adding the passkey was cancelled.",
    "exists": "This device already holds a passkey for your account.",
    "unsupported": "This browser can't create passkeys.",
}


@dataclass(frozen=True)
class PasskeyLine:
    id: int
    name: str
    created: str
    last_used: str


def lines(owner_kind: str, owner_id: int) -> list[PasskeyLine]:
    with write_session() as session:
        tz = timefmt.shop_timezone(session)
        rows = passkeys.list_passkeys(session, owner_kind, owner_id)
    return [
        PasskeyLine(
            p.id,
            p.name,
            timefmt.date(p.created_at, tz),
            timefmt.ago(p.last_used_at) if p.last_used_at else "Not used yet",
        )
        for p in rows
    ]


def options(owner_kind: str, owner_id: int) -> str | None:
    """The browser's registration options (a challenge stored server-side), or None for a gone user."""
    with write_session() as session:
        user = session.get(_OWNER_TABLE[owner_kind], owner_id)
        if user is None or not user.active or (owner_kind == "portal" and not portal_auth.may_sign_in(session, user)):
            return None
        return passkeys.registration_options(
            session,
            get_settings(),
            owner_kind=owner_kind,
            owner_id=owner_id,
            user_name=user.email,
            display_name=user.name or user.email,
        )


def add(owner_kind: str, owner_id: int, answer: str, name: str, actor: audit.Actor) -> passkeys.PasskeyResult:
    """Verify the browser's answer; an answer that is only the browser's {"error": ...} costs nothing."""
    try:
        stopped = json.loads(answer).get("error") if answer and len(answer) < 200 else None
    except (ValueError, AttributeError):
        stopped = None
    if stopped:
        return passkeys.PasskeyResult(False, _STOPPED.get(str(stopped), passkeys.REGISTER_REFUSED))
    with write_session() as session:
        result = passkeys.register(
            session, get_settings(), owner_kind=owner_kind, owner_id=owner_id, response_json=answer, name=name
        )
        if result.ok:
            audit.record(session, actor, f"{owner_kind}.passkey.added", passkey_id=result.passkey_id)
    return result


def remove(owner_kind: str, owner_id: int, passkey_id: int, actor: audit.Actor) -> bool:
    with write_session() as session:
        removed = passkeys.remove_passkey(session, owner_kind, owner_id, passkey_id)
        if removed:
            audit.record(session, actor, f"{owner_kind}.passkey.removed", passkey_id=passkey_id)
    return removed
