"""A quote decision moves the order where its stage says, and the customer is never asked for a
decision they already made (#11: truthful status after decisions)."""

import pytest
from sqlmodel import select

from repair_portal.models import Order, Stage, StatusEvent
from repair_portal.services import audit, portal_view, quote_decisions, tracking, workflow, workflow_admin
from repair_portal.services.workflow_admin import StageForm, WorkflowError

from .. import factories
from .quote_helpers import approve, decline, shop_with_sent_quote

STAFF = audit.Actor("staff", None, "desk@example.com", "10.0.0.5", "staff-browser")


def _stage(session, name: str) -> Stage:
    return session.exec(select(Stage).where(Stage.name == name)).one()


def _at_approval(session):
    setup = shop_with_sent_quote(session)
    order = session.get(Order, setup.order_id)
    workflow.change_stage(session, order, _stage(session, "Awaiting approval"), STAFF)
    session.flush()
    return order


def _headline(session, order_id: int) -> tuple[str, str]:
    view = portal_view.portal_view(session, order_id)
    return view.stage_label, next(s.label for s in view.steps if s.state == "current")


def test_the_default_workflow_says_where_decisions_lead(session):
    factories.shop(session)
    approval = _stage(session, "Awaiting approval")
    assert approval.approve_to_stage_id == _stage(session, "Repairing").id
    assert approval.decline_to_stage_id == _stage(session, "Ready for collection").id


def test_while_the_quote_waits_the_portal_asks_for_the_decision(session, clock):
    order = _at_approval(session)
    assert _headline(session, order.id) == ("Waiting for your approval", "Waiting for your approval")


def test_a_customer_approval_moves_the_order_on_in_the_same_transaction(session, clock):
    order = _at_approval(session)
    approve(session, order.id)
    session.flush()
    assert order.stage_id == _stage(session, "Repairing").id
    event = session.exec(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
    assert (event.to_stage_id, event.note) == (order.stage_id, "Quote approved")
    assert _headline(session, order.id) == ("Repair in progress", "Repair in progress")


def test_a_customer_decline_moves_the_order_to_collection_and_says_unrepaired(session, clock):
    order = _at_approval(session)
    decline(session, order.id)
    session.flush()
    assert order.stage_id == _stage(session, "Ready for collection").id
    view = portal_view.portal_view(session, order.id)
    assert view.stage_label == "Ready to collect" and "unrepaired" in view.stage_explanation


def test_a_decision_taken_by_phone_moves_the_order_too(session, clock):
    order = _at_approval(session)
    user = factories.staff(session, email="desk@example.com")
    actor = audit.Actor("staff", user.id, user.email, "10.0.0.5", "staff-browser")
    quote_decisions.record_decision_by_staff(session, order.id, 1, True, "phone", "Ada Nowak", actor)
    session.flush()
    assert order.stage_id == _stage(session, "Repairing").id


def test_without_a_target_the_order_stays_but_the_portal_no_longer_asks(session, clock):
    order = _at_approval(session)
    approval = _stage(session, "Awaiting approval")
    approval.approve_to_stage_id = None
    session.add(approval)
    approve(session, order.id)
    session.flush()
    assert order.stage_id == approval.id
    label, current = _headline(session, order.id)
    assert (label, current) == ("Quote approved", "Quote approved")
    assert "approval" not in portal_view.portal_view(session, order.id).stage_explanation


def test_an_approval_stage_before_any_quote_says_one_is_being_prepared(session, clock):
    _, location = factories.shop(session)
    order = factories.order(session, location).order
    workflow.change_stage(session, order, _stage(session, "Awaiting approval"), STAFF)
    assert tracking.customer_status(session, order).label == "Preparing your quote"


def test_an_internal_stage_with_wording_is_a_step_of_its_own(session, clock):
    order = _at_approval(session)
    approve(session, order.id)
    workflow.change_stage(session, order, _stage(session, "Awaiting parts"), STAFF)
    view = portal_view.portal_view(session, order.id)
    assert view.stage_label == "Waiting for a part – we'll update you"
    states = [(s.label, s.state) for s in view.steps]
    # the earlier public stages are done, the wording is the current step, later ones upcoming
    assert ("Waiting for a part – we'll update you", "current") in states
    assert [s for s in states if s[1] == "current"] == [("Waiting for a part – we'll update you", "current")]
    assert ("Repair in progress", "upcoming") in states
    assert all(label != "Waiting for your approval" for label, _ in states)  # named as done only
    assert view.stage_position == [s for _, s in states].index("current") + 1


def test_an_internal_stage_without_wording_still_shows_no_answered_call_to_action(session, clock):
    order = _at_approval(session)
    parts = _stage(session, "Awaiting parts")
    parts.customer_label = ""
    session.add(parts)
    approve(session, order.id)
    workflow.change_stage(session, order, parts, STAFF)
    assert _headline(session, order.id)[0] == "Quote approved"


def test_targets_are_edited_validated_and_cleared_when_their_stage_leaves(session):
    factories.shop(session)
    approval, parts = _stage(session, "Awaiting approval"), _stage(session, "Awaiting parts")
    form = StageForm(
        name="Awaiting approval",
        customer_label="Waiting for your approval",
        explanation="We have sent you a quote.",
        approve_to=str(parts.id),
        decline_to="",
    )
    workflow_admin.update_stage(session, approval.id, form, STAFF)
    assert (approval.approve_to_stage_id, approval.decline_to_stage_id) == (parts.id, None)
    row = next(r for r in workflow_admin.list_stages(session) if r.id == approval.id)
    assert (row.approve_to, row.approve_to_name, row.decline_to) == (str(parts.id), "Awaiting parts", "")
    for bad in (str(approval.id), "999", "x; drop"):
        with pytest.raises(WorkflowError) as info:
            workflow_admin.update_stage(session, approval.id, StageForm(**{**form.__dict__, "approve_to": bad}), STAFF)
        assert info.value.field == "approve_to"
    workflow_admin.deactivate_stage(session, parts.id, STAFF)
    session.flush()
    assert approval.approve_to_stage_id is None


def test_an_internal_stage_keeps_its_customer_wording(session):
    factories.shop(session)
    parts = _stage(session, "Awaiting parts")
    form = StageForm(name="Awaiting parts", customer_label="  Waiting  for a part ", internal=True)
    workflow_admin.update_stage(session, parts.id, form, STAFF)
    assert (parts.customer_label, parts.customer_explanation) == ("Waiting for a part", None)
