"""A live stage change filled straight into open tracking pages: only into pages that may still see the order."""

from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Order, ShopSettings, Stage
from repair_portal.services import audit, portal_links, workflow
from repair_portal.state import track_live
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import as_device, pass_gate


def _order(engine, *others: str):
    """(code, order id) of an order for Lindqvist, and of one more order for each of `others`."""
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        made = [factories.order(s, location, last_name=name) for name in ("Lindqvist", *others)]
        pairs = [(new.code, new.order.id) for new in made]
        return pairs[0] if not others else pairs


def _open(state_factory, code, device=""):
    state = as_device(state_factory(TrackState, path=f"/track/{code}"), device)
    state.load_tracking()
    return state


def _move(engine, order_id, stage_name):
    with write_session(engine) as s:
        order = s.get(Order, order_id)
        target = s.exec(select(Stage).where(Stage.name == stage_name)).one()
        workflow.change_stage(s, order, target, audit.Actor("staff", None, "t", "", ""))


def test_an_open_page_that_may_see_the_order_gets_the_new_stage_and_its_notice(state_factory, engine):
    code, order_id = _order(engine)
    page = _open(state_factory, code)
    pass_gate(page, "Lindqvist")
    assert page.status == "ok" and page.stage.stage_label == "Booked in"
    _move(engine, order_id, "Diagnosing")
    viewers, *diagnosing = track_live._read(order_id)
    page._clean()
    notice = track_live.fill_tab(page, order_id, viewers, diagnosing)
    assert notice == "Status changed: Diagnosing"
    assert {v for v in page.dirty_vars if not v.startswith("_")} == {"stage", "highlight"}  # only the stage is sent
    assert page.stage.stage_label == "Diagnosing" and page.highlight == "stage"
    assert [s.state for s in page.stage.steps][:2] == ["done", "current"]
    assert track_live.fill_tab(page, order_id, viewers, diagnosing) == ""  # nothing new the second time


def test_an_older_reading_arriving_late_never_takes_a_page_back(state_factory, engine):
    """Two moves close together: the second one's fill reaches the page first; the first one's, late, is
    ignored (the page keeps the later stage and says nothing)."""
    code, order_id = _order(engine)
    page = _open(state_factory, code)
    pass_gate(page, "Lindqvist")
    _move(engine, order_id, "Diagnosing")
    viewers, *first = track_live._read(order_id)
    _move(engine, order_id, "Repairing")
    viewers, *second = track_live._read(order_id)
    assert second[1] > first[1]
    assert track_live.fill_tab(page, order_id, viewers, second) == "Status changed: Repair in progress"
    page.highlight = ""
    assert track_live.fill_tab(page, order_id, viewers, first) == ""
    assert page.stage.stage_label == "Repair in progress" and page.highlight == ""


def test_pages_without_access_now_are_left_to_re_read_under_their_own_check(state_factory, engine):
    (code, order_id), (other_code, _) = _order(engine, "Berg")
    page = _open(state_factory, code)
    device, _ = pass_gate(page, "Lindqvist")
    stranger = _open(state_factory, code, device="a-device-that-never-passed-the-gate-0000")
    other_order = _open(state_factory, other_code)
    pass_gate(other_order, "Berg")
    _move(engine, order_id, "Diagnosing")
    viewers, *stage = track_live._read(order_id)
    assert stranger.status == "gate" and track_live.fill_tab(stranger, order_id, viewers, stage) is None
    assert track_live.fill_tab(other_order, order_id, viewers, stage) is None  # shows another order
    assert other_order.stage.stage_label == "Booked in"

    copied = _open(state_factory, code, device=device)  # same phone: passes now
    assert copied.status == "ok"
    _move(engine, order_id, "Awaiting parts")
    with write_session(engine) as s:  # the shop switches the link off: the phone loses the order
        portal_links.revoke(s, order_id, audit.SYSTEM)
    viewers, *stage = track_live._read(order_id)
    assert track_live.fill_tab(copied, order_id, viewers, stage) is None
    assert copied.stage.stage_label == "Diagnosing" and copied.highlight == ""


def test_nothing_is_filled_while_the_portal_is_off(state_factory, engine):
    code, order_id = _order(engine)
    page = _open(state_factory, code)
    pass_gate(page, "Lindqvist")
    with write_session(engine) as s:
        s.get(ShopSettings, 1).portal_enabled = False
    _move(engine, order_id, "Diagnosing")
    viewers, *stage = track_live._read(order_id)
    assert track_live.fill_tab(page, order_id, viewers, stage) is None
    assert page.stage.stage_label == "Booked in"
