"""A device passcode on the order page: reveal it (audited) or delete it now."""

from __future__ import annotations

from ..db import write_session
from ..integrations.vault import VaultError
from ..models import Order
from ..services import audit, passcodes
from ..settings import get_settings
from . import GONE, Outcome, done, refused


def reveal(order_id: int, actor: audit.Actor) -> tuple[Outcome, str]:
    """(outcome, the passcode in clear or ''). The audit row is written in the same transaction."""
    key = get_settings().passcode_key()
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE), ""
        try:
            text = passcodes.reveal(session, order, key, actor)
        except (passcodes.PasscodeError, VaultError) as exc:
            return refused(str(exc)), ""
    return done(), text


def forget(order_id: int, actor: audit.Actor) -> Outcome:
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        deleted = passcodes.forget(session, order, actor, why="deleted by staff")
    return done("Passcode deleted." if deleted else "No passcode was kept.", order_id=order_id)
