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


async def publish(outcome: Outcome) -> None:
    if outcome.ok and outcome.changed and outcome.order_id:
        await live.publish(outcome.order_id, outcome.changed)
    if outcome.ok and outcome.alert:
        live.publish_alerts()
