"""The order components render whatever view they are bound to: the account portal will bind its own
state's `PortalView` and get the same order screen `/track` shows."""

import re

import reflex as rx
from reflex.vars.base import Var

from repair_portal.components.portal.order_view import order_view
from repair_portal.components.portal.screen import OrderScreen
from repair_portal.pages.portal.track import SCREEN
from repair_portal.services.messages import ThreadItem
from repair_portal.services.portal_view import PortalView, StageView
from repair_portal.state.track import TrackState
from repair_portal.state.track_quote import TrackQuoteState


def _reads(rendered: str) -> set[tuple[str, str]]:
    return set(re.findall(r"reflex___state____state__[a-z_]+____([a-z_]+)\.(\w+?)_rx_state_", rendered))


def test_another_view_var_drives_every_order_part():
    other = OrderScreen(
        view=Var(_js_expr="accountView", _var_type=PortalView).guess_type(),
        stage=Var(_js_expr="accountStage", _var_type=StageView).guess_type(),
        thread=Var(_js_expr="accountThread", _var_type=list[ThreadItem]).guess_type(),
        docs_base=Var(_js_expr="accountDocs", _var_type=str).guess_type(),
        qr_src=rx.Var.create(""),
        highlight=rx.Var.create(""),
        preview=rx.Var.create(False),
        tab=Var(_js_expr="accountTab", _var_type=str).guess_type(),
        reload=TrackState.reload,
        on_message=TrackState.handle_message,
        on_feedback=TrackState.handle_feedback,
        quote=TrackQuoteState,
    )
    rendered = str(order_view(other).render())
    # status, steps, payments, files, messages and contact all come from the bound view …
    for field in ("payments", "files", "contact"):
        assert re.search(r"accountView\W+" + field, rendered), field
    for field in ("steps", "stage_label", "progress_percent"):
        assert re.search(r"accountStage\W+" + field, rendered), field
    assert rendered.count("accountView") > 50 and "accountDocs" in rendered and "accountThread" in rendered
    # … and nothing of the tracking page's own state is read
    assert {state for state, _ in _reads(rendered)} <= {"track_quote_state", "live_state"}


def test_the_tracking_page_binds_its_own_state():
    rendered = str(order_view(SCREEN).render())
    assert ("track_state", "view") in _reads(rendered) and ("track_state", "docs_base") in _reads(rendered)
