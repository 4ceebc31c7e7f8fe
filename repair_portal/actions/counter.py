"""Signing at the counter (services/counter.py): open the screen, sign on it, give it back to staff."""

from __future__ import annotations

from ..db import write_session
from ..models import Order
from ..services import audit, counter
from ..settings import get_settings
from . import GONE, Outcome, done, refused


def open_screen(session_id: int, order_id: int, purpose: str, actor: audit.Actor) -> Outcome:
    with write_session() as session:
        if session.get(Order, order_id) is None:
            return refused(GONE)
        try:
            counter.start(session, session_id, order_id, purpose, actor)
        except counter.CounterError as exc:
            return refused(str(exc))
    return done()


def sign(session_id: int, signer_name: str, png: str, ip: str, user_agent: str) -> Outcome:
    """The customer signs; the order's open pages (staff and portal) show the new signature live."""
    with write_session() as session:
        try:
            shown = counter.sign(
                session, session_id, signer_name=signer_name, png=str(png)[:1_500_000], ip=ip, user_agent=user_agent
            )
        except counter.CounterError as exc:
            return refused(str(exc), level="form")
        lock = counter.lock_of(session, session_id)
    return done(f"Thank you, {shown.signer_name}.", changed="signature", order_id=lock.order_id if lock else None)


def unlock(session_id: int, password: str, actor: audit.Actor) -> Outcome:
    with write_session() as session:
        result = counter.unlock(session, get_settings(), session_id, password, actor)
    if result.order_id is None:
        return refused(result.error, level="form")
    return done(order_id=result.order_id)
