import json

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Order, Stage, StageKind
from repair_portal.services import audit, workflow, workflow_admin
from repair_portal.services.order_detail import order_detail
from repair_portal.services.portal_view import portal_view
from repair_portal.services.workflow_admin import StageForm, WorkflowError

from .. import factories
from ..conftest import TEST_SECRET_KEY

ADMIN = audit.Actor("staff", None, "owner@example.com")


def _stages(session) -> list[Stage]:
    return list(session.exec(select(Stage).order_by(Stage.position)).all())


def _names(session, *, active=True) -> list[str]:
    """The workflow staff book orders through (the customer-requests stage first aside)."""
    return [s.name for s in _stages(session) if s.active == active and s.kind != StageKind.REQUESTED.value]


def _stage(session, name: str) -> Stage:
    return session.exec(select(Stage).where(Stage.name == name)).one()


def _positions_contiguous(session) -> bool:
    positions = [s.position for s in _stages(session)]
    return positions == list(range(1, len(positions) + 1))


def _actions(session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def shop(session):
    _, location = factories.shop(session)
    return location


def _form(stage: Stage, **changes) -> StageForm:
    values = dict(
        name=stage.name,
        customer_label=stage.customer_label,
        explanation=stage.customer_explanation or "",
        internal=not stage.customer_explanation,
        color=stage.color,
        notify_customer=stage.notify_customer,
    )
    values.update(changes)
    return StageForm(**values)


def test_moves_swap_neighbours_and_keep_positions_contiguous(session, shop):
    repairing = _stage(session, "Repairing")
    workflow_admin.move_stage(session, repairing.id, -1, ADMIN)
    assert _names(session)[3:5] == ["Repairing", "Awaiting parts"]
    workflow_admin.move_stage(session, repairing.id, -1, ADMIN)
    workflow_admin.move_stage(session, _stage(session, "Diagnosing").id, 1, ADMIN)
    assert _names(session) == [
        "Booked in",
        "Repairing",
        "Diagnosing",
        "Awaiting approval",
        "Awaiting parts",
        "Ready for collection",
        "Collected",
    ]
    assert _positions_contiguous(session)
    assert _actions(session).count("workflow.stage_moved") == 3


def test_the_collected_stage_stays_last_and_the_first_stays_public(session, shop):
    before = _names(session)
    with pytest.raises(WorkflowError, match="last stage"):
        workflow_admin.move_stage(session, _stage(session, "Collected").id, -1, ADMIN)
    with pytest.raises(WorkflowError, match="last stage"):
        workflow_admin.move_stage(session, _stage(session, "Ready for collection").id, 1, ADMIN)
    with pytest.raises(WorkflowError, match="already the first"):
        workflow_admin.move_stage(session, _stage(session, "Booked in").id, -1, ADMIN)
    parts = _stage(session, "Awaiting parts")  # internal: it may not become the first stage
    for _ in range(2):
        workflow_admin.move_stage(session, parts.id, -1, ADMIN)
    with pytest.raises(WorkflowError, match="customers must see it"):
        workflow_admin.move_stage(session, parts.id, -1, ADMIN)
    with pytest.raises(WorkflowError, match="customers must see it"):
        booked = _stage(session, "Booked in")
        workflow_admin.update_stage(session, booked.id, _form(booked, internal=True), ADMIN)
    assert _names(session)[:2] == ["Booked in", "Awaiting parts"] and _names(session) != before
    assert _stage(session, "Booked in").customer_explanation
    assert _positions_contiguous(session)


def test_add_goes_before_the_collected_stage(session, shop):
    stage = workflow_admin.add_stage(
        session, StageForm(name="Quality check", explanation="We test everything once more.", color="cyan"), ADMIN
    )
    assert _names(session)[-2:] == ["Quality check", "Collected"]
    assert stage.customer_label == "Quality check" and stage.active and stage.kind == "normal"
    assert _positions_contiguous(session)
    assert "workflow.stage_added" in _actions(session)


def test_names_are_unique_ignoring_case_and_a_refused_edit_changes_nothing(session, shop):
    diagnosing = _stage(session, "Diagnosing")
    with pytest.raises(WorkflowError) as refused:
        workflow_admin.update_stage(session, diagnosing.id, _form(diagnosing, name="  booked IN "), ADMIN)
    assert refused.value.field == "name"
    with pytest.raises(WorkflowError):
        workflow_admin.add_stage(session, StageForm(name="REPAIRING", explanation="x"), ADMIN)
    session.expire_all()
    assert _stage(session, "Diagnosing").name == "Diagnosing"
    assert len(_stages(session)) == 8 and "workflow.stage_edited" not in _actions(session)


def test_form_rules(session, shop):
    stage = _stage(session, "Diagnosing")
    for changes, field in (
        (dict(name="   "), "name"),
        (dict(explanation="  "), "explanation"),
        (dict(color="chartreuse"), "color"),
        (dict(name="x" * 101), "name"),
    ):
        with pytest.raises(WorkflowError) as refused:
            workflow_admin.update_stage(session, stage.id, _form(stage, **changes), ADMIN)
        assert refused.value.field == field
    edited = workflow_admin.update_stage(
        session, stage.id, _form(stage, internal=True, notify_customer=True, customer_label="Shown?"), ADMIN
    )
    # an internal stage keeps its label as the optional wording customers read while an order is there
    assert edited.customer_explanation is None and edited.customer_label == "Shown?" and not edited.notify_customer
    detail = json.loads(
        session.exec(select(AuditEvent).where(AuditEvent.action == "workflow.stage_edited")).one().detail
    )
    assert detail["changes"]["internal"] == [False, True] and detail["name"] == "Diagnosing"


def test_deactivate_is_refused_while_orders_sit_there_and_history_still_renders(session, shop):
    first = factories.order(session, shop).order
    second = factories.order(session, shop).order
    diagnosing = _stage(session, "Diagnosing")
    for order in (first, second):
        workflow.change_stage(session, order, diagnosing, ADMIN)
    with pytest.raises(WorkflowError, match="2 orders are at “Diagnosing”"):
        workflow_admin.deactivate_stage(session, diagnosing.id, ADMIN)
    assert _stage(session, "Diagnosing").active
    repairing = _stage(session, "Repairing")
    workflow.change_stage(session, second, repairing, ADMIN)
    with pytest.raises(WorkflowError, match="1 order is at"):
        workflow_admin.deactivate_stage(session, diagnosing.id, ADMIN)
    workflow.change_stage(session, first, repairing, ADMIN)

    workflow_admin.deactivate_stage(session, diagnosing.id, ADMIN)
    assert not diagnosing.active and diagnosing.position == 8  # inactive stages go after the active ones
    assert _names(session)[-1] == "Collected" and _positions_contiguous(session)
    with pytest.raises(workflow.StageChangeError):
        workflow.change_stage(session, first, diagnosing, ADMIN)
    history = [h.stage for h in order_detail(session, first.id, TEST_SECRET_KEY).history]
    assert history == ["Repairing", "Diagnosing", "Booked in"]
    labels = [step.label for step in portal_view(session, first.id).steps]
    assert "Diagnosing" not in labels and "Repair in progress" in labels

    workflow_admin.reactivate_stage(session, diagnosing.id, ADMIN)
    assert diagnosing.active and _names(session)[-2:] == ["Diagnosing", "Collected"]
    assert {"workflow.stage_deactivated", "workflow.stage_reactivated"} <= set(_actions(session))


def test_special_stages_and_the_first_stage_rules_for_deactivation(session, shop):
    for name in ("Awaiting approval", "Ready for collection", "Collected"):
        with pytest.raises(WorkflowError, match="Give that meaning to another stage first"):
            workflow_admin.deactivate_stage(session, _stage(session, name).id, ADMIN)
    workflow_admin.deactivate_stage(session, _stage(session, "Booked in").id, ADMIN)
    assert workflow.first_stage(session).name == "Diagnosing"
    new = factories.order(session, shop).order
    assert session.get(Stage, new.stage_id).name == "Diagnosing"
    workflow.change_stage(session, new, _stage(session, "Repairing"), ADMIN)
    workflow_admin.deactivate_stage(session, _stage(session, "Diagnosing").id, ADMIN)
    assert workflow.first_stage(session).name == "Awaiting approval"
    # The internal stage right behind the first may not take its place.
    with pytest.raises(WorkflowError, match="customers must see it"):
        workflow_admin.move_stage(session, _stage(session, "Awaiting parts").id, -1, ADMIN)
    assert _names(session) == ["Awaiting approval", "Awaiting parts", "Repairing", "Ready for collection", "Collected"]


def test_kinds_move_between_stages_and_collected_stays_terminal_and_last(session, shop):
    repairing = _stage(session, "Repairing")
    workflow_admin.set_kind(session, StageKind.READY.value, repairing.id, ADMIN)
    assert repairing.kind == "ready" and _stage(session, "Ready for collection").kind == "normal"
    assert len(session.exec(select(Stage).where(Stage.kind == "ready")).all()) == 1
    workflow_admin.set_kind(session, StageKind.AWAITING_APPROVAL.value, None, ADMIN)
    assert session.exec(select(Stage).where(Stage.kind == "awaiting_approval")).first() is None
    with pytest.raises(WorkflowError, match="must mean collected"):
        workflow_admin.set_kind(session, StageKind.COLLECTED.value, None, ADMIN)
    with pytest.raises(WorkflowError, match="customers must see it"):
        workflow_admin.set_kind(session, StageKind.READY.value, _stage(session, "Awaiting parts").id, ADMIN)
    with pytest.raises(WorkflowError, match="already means"):
        workflow_admin.set_kind(session, StageKind.COLLECTED.value, repairing.id, ADMIN)

    handed = workflow_admin.add_stage(session, StageForm(name="Handed back", explanation="Back with you."), ADMIN)
    workflow_admin.move_stage(session, handed.id, -1, ADMIN)
    workflow_admin.set_kind(session, StageKind.COLLECTED.value, handed.id, ADMIN)
    old = _stage(session, "Collected")
    assert handed.is_terminal and handed.kind == "collected" and _names(session)[-1] == "Handed back"
    assert not old.is_terminal and old.kind == "normal" and _positions_contiguous(session)
    kinds = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "workflow.kind_changed")).all()
    assert len(kinds) == 3 and json.loads(kinds[-1])["from_stage"] == "Collected"


def test_the_collected_meaning_only_moves_between_empty_stages(session, shop):
    order = factories.order(session, shop).order
    collected = _stage(session, "Collected")
    workflow.change_stage(session, order, collected, ADMIN)
    with pytest.raises(WorkflowError, match="1 order is at “Collected”"):
        workflow_admin.set_kind(session, StageKind.COLLECTED.value, _stage(session, "Repairing").id, ADMIN)
    assert collected.kind == "collected" and collected.is_terminal


def test_change_stage_into_and_out_of_edited_and_reordered_stages(session, shop):
    order = factories.order(session, shop).order
    repairing = _stage(session, "Repairing")
    workflow_admin.update_stage(session, repairing.id, _form(repairing, name="Bench work", color="indigo"), ADMIN)
    workflow_admin.move_stage(session, repairing.id, -1, ADMIN)
    workflow.change_stage(session, order, repairing, ADMIN)
    assert session.get(Order, order.id).stage_id == repairing.id
    workflow.change_stage(session, order, _stage(session, "Diagnosing"), ADMIN)
    workflow.change_stage(session, order, _stage(session, "Collected"), ADMIN)
    assert order.collected_at is not None
    details = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "order.stage_changed")).all()
    moved = [json.loads(d)["to"] for d in details]
    assert moved == ["Bench work", "Diagnosing", "Collected"]
    assert order_detail(session, order.id, TEST_SECRET_KEY).history[-2].stage == "Bench work"


def test_portal_timeline_follows_renamed_and_internal_stages(session, shop):
    order = factories.order(session, shop).order
    diagnosing = _stage(session, "Diagnosing")
    workflow_admin.update_stage(
        session,
        diagnosing.id,
        _form(diagnosing, name="Bench diagnosis", customer_label="Checking it over", explanation="We're testing it."),
        ADMIN,
    )
    workflow.change_stage(session, order, diagnosing, ADMIN)
    view = portal_view(session, order.id)
    assert view.stage_label == "Checking it over" and view.stage_explanation == "We're testing it."
    assert [s.label for s in view.steps if s.state == "current"] == ["Checking it over"]
    assert "Bench diagnosis" not in str(view)

    repairing = _stage(session, "Repairing")
    secret = _form(repairing, name="Secret bench", internal=True, customer_label="")
    workflow_admin.update_stage(session, repairing.id, secret, ADMIN)
    workflow.change_stage(session, order, repairing, ADMIN)
    view = portal_view(session, order.id)
    # Internal, no wording: customers see the nearest earlier public stage (the approval stage), which
    # never asks for an approval that isn't pending: no quote was sent, so it says one is being prepared.
    assert view.stage_label == "Preparing your quote"
    labels = [s.label for s in view.steps]
    assert "Secret bench" not in str(view) and "Repair in progress" not in labels and "" not in labels
    assert labels.index("Checking it over") < labels.index("Preparing your quote")
    assert "Waiting for your approval" not in labels
    # With a wording, it is a step of its own after the approval stage.
    worded = _form(repairing, name="Secret bench", internal=True, customer_label="On the bench")
    workflow_admin.update_stage(session, repairing.id, worded, ADMIN)
    view = portal_view(session, order.id)
    assert view.stage_label == "On the bench" and [s.label for s in view.steps if s.state == "current"] == [
        "On the bench"
    ]


def test_list_stages_counts_orders_and_lists_inactive_last(session, shop):
    factories.order(session, shop)
    parts = _stage(session, "Awaiting parts")
    workflow_admin.deactivate_stage(session, parts.id, ADMIN)
    rows = workflow_admin.list_stages(session)
    assert rows[0].kind == StageKind.REQUESTED.value and rows[0].orders == 0  # requests start first; walk-ins after
    assert rows[1].orders == 1 and rows[-1].name == "Awaiting parts" and not rows[-1].active
    assert rows[-1].internal and [r.position for r in rows] == list(range(1, 9))
