"""How a page shows an action's outcome (repair_portal/actions) and tells other open pages."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..actions import Outcome

_TOASTS = {"success": rx.toast.success, "info": rx.toast.info, "warning": rx.toast.warning, "error": rx.toast.error}


def toast_for(outcome: Outcome):
    """The outcome's message as a toast; none for form errors, which the page shows beside the form."""
    show = _TOASTS.get(outcome.level)
    return show(outcome.message) if show and outcome.message else None


def toast_keeping_typed(outcome: Outcome, field_id: str, text: str) -> list:
    """The outcome's toast and, on a refusal, the form's box given back what was typed: the form cleared it on
    submit (so a double click can't send twice), and a refusal (too long, say) must lose nothing."""
    toast = toast_for(outcome)
    return ([toast] if toast is not None else []) + ([] if outcome.ok else [rx.set_value(field_id, text)])


async def publish(outcome: Outcome, *, shown_in=None) -> None:
    """Tell the order's other open pages. `shown_in`: the acting page's state, when its own event has just
    re-read what changed (that tab isn't nudged into reading it again)."""
    if outcome.ok and outcome.changed and outcome.order_id:
        skip = shown_in.router.session.client_token if shown_in is not None else None
        await live.publish(outcome.order_id, outcome.changed, skip=skip)
    if outcome.ok and outcome.alert:
        live.publish_alerts()
