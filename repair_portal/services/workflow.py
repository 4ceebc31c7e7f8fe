"""The stage workflow: default stages and moving an order between them."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Order, Stage, StageKind, StatusEvent
from . import audit, clock, locking, passcodes

REQUESTED_STAGE = dict(
    name="Requested",
    customer_label="Requested",
    customer_explanation="We've received your request and will confirm it shortly.",
    kind=StageKind.REQUESTED,
    color="cyan",
)
DEFAULT_STAGES: list[dict] = [
    REQUESTED_STAGE,  # where a customer's request from their account waits; walk-ins start after it
    dict(
        name="Booked in",
        customer_label="Booked in",
        customer_explanation="We have your device and it is in the queue. A technician will look at it shortly.",
        color="gray",
    ),
    dict(
        name="Diagnosing",
        customer_label="Diagnosing",
        customer_explanation="A technician is testing your device to find the cause and the best fix.",
        color="blue",
    ),
    dict(
        name="Awaiting approval",
        customer_label="Waiting for your approval",
        customer_explanation="We have sent you a quote. Nothing is repaired or charged until you approve it.",
        kind=StageKind.AWAITING_APPROVAL,
        notify_customer=True,
        color="amber",
    ),
    dict(
        name="Awaiting parts",
        customer_label="Waiting for a part – we'll update you",  # internal: this wording, no explanation
        customer_explanation=None,
        color="orange",
    ),
    dict(
        name="Repairing",
        customer_label="Repair in progress",
        customer_explanation="Your repair is under way. We test everything again before we call you.",
        color="violet",
    ),
    dict(
        name="Ready for collection",
        customer_label="Ready to collect",
        customer_explanation="All done. Bring your reference number; you can pay any balance when you collect.",
        kind=StageKind.READY,
        notify_customer=True,
        color="green",
    ),
    dict(
        name="Collected",
        customer_label="Collected",
        customer_explanation="You have collected your device. Thank you for choosing us.",
        kind=StageKind.COLLECTED,
        is_terminal=True,
        color="teal",
    ),
]


def create_default_stages(session: Session) -> list[Stage]:
    stages = []
    for position, spec in enumerate(DEFAULT_STAGES, start=1):
        spec = dict(spec)
        kind = spec.pop("kind", StageKind.NORMAL)
        stage = Stage(position=position, kind=StageKind(kind).value, **spec)
        session.add(stage)
        stages.append(stage)
    session.flush()
    by_name = {stage.name: stage for stage in stages}
    approval = by_name["Awaiting approval"]
    approval.approve_to_stage_id = by_name["Repairing"].id
    approval.decline_to_stage_id = by_name["Ready for collection"].id
    session.add(approval)
    session.flush()
    return stages


def active_stages(session: Session) -> list[Stage]:
    return list(session.exec(select(Stage).where(Stage.active).order_by(Stage.position)).all())


def booking_stages(session: Session) -> list[Stage]:
    """The active stages an order booked in by staff moves through (the customer-requests stage aside)."""
    return [s for s in active_stages(session) if s.kind != StageKind.REQUESTED.value]


def first_stage(session: Session) -> Stage:
    """Where an order booked in by staff starts: the first active stage that isn't for customer requests."""
    stage = session.exec(
        select(Stage).where(Stage.active).where(Stage.kind != StageKind.REQUESTED.value).order_by(Stage.position)
    ).first()
    if stage is None:
        raise LookupError("The workflow has no active stages.")
    return stage


def requested_stage(session: Session) -> Stage | None:
    """Where a customer's request from their account starts (None: the shop takes no requests)."""
    return session.exec(
        select(Stage).where(Stage.active).where(Stage.kind == StageKind.REQUESTED.value).order_by(Stage.position)
    ).first()


class StageChangeError(ValueError):
    pass


MOVED_MEANWHILE = (
    "Someone else moved this order a moment ago. The page now shows its current stage; check and try again."
)


class MovedMeanwhile(StageChangeError):
    """The order is no longer at the stage the mover saw: nothing was recorded."""

    def __init__(self) -> None:
        super().__init__(MOVED_MEANWHILE)


def move(
    session: Session, order_id: int, stage_id: int, shown_stage_id: int | str, actor: audit.Actor
) -> tuple[Order, Stage, StatusEvent]:
    """A person's move from the stage their page showed: MovedMeanwhile when someone else moved it first.

    The order row is locked before the comparison, so of two moves from the same stage at the same
    moment (any number of workers) exactly one is recorded. LookupError: no such order or stage."""
    order = locking.row(session, Order, order_id)
    stage = session.get(Stage, stage_id)
    if order is None or stage is None:
        raise LookupError("That order or stage no longer exists.")
    if str(order.stage_id) != str(shown_stage_id):
        raise MovedMeanwhile()
    return order, stage, change_stage(session, order, stage, actor)


def change_stage(
    session: Session, order: Order, stage: Stage, actor: audit.Actor, *, note: str = "", at=None
) -> StatusEvent:
    """Move an order to a stage of the workflow, recording who and when.

    The move starts from the stage `order` says it is at: if another transaction moved it since the
    caller read it, MovedMeanwhile and nothing is written (the row is locked for the check)."""
    locking.hold_sqlite_write_lock(session)
    stored_stage, stored_version = session.exec(
        select(Order.stage_id, Order.version).where(Order.id == order.id).with_for_update()
    ).one()
    if stored_stage != order.stage_id:
        raise MovedMeanwhile()
    if session.get_bind().dialect.name == "postgresql":
        # Hold the stage row until commit, so a concurrent deactivation can't slip in between.
        session.exec(select(Stage.id).where(Stage.id == stage.id).with_for_update(read=True)).first()
        session.refresh(stage)
    if not stage.active:
        raise StageChangeError(f"The stage “{stage.name}” is not in the active workflow.")
    if order.stage_id == stage.id:
        raise StageChangeError(f"The order is already at “{stage.name}”.")
    at = at or clock.now()
    event = StatusEvent(
        order_id=order.id,
        from_stage_id=order.stage_id,
        to_stage_id=stage.id,
        staff_user_id=actor.id if actor.kind == "staff" else None,
        note=note,
        at=at,
    )
    order.stage_id = stage.id
    order.updated_at = at
    order.version = stored_version + 1  # from the locked row: a details save meanwhile counts too
    if stage.kind == StageKind.COLLECTED:
        order.collected_at = at
        passcodes.forget(session, order, actor, why="collected")  # the customer has the device back
    session.add(event)
    session.add(order)
    audit.record(session, actor, "order.stage_changed", order_id=order.id, to=stage.name)
    return event


def follow_decision(session: Session, order_id: int, *, approved: bool, actor: audit.Actor) -> Stage | None:
    """Move the order where its stage says a quote decision leads, in the decision's transaction,
    so the portal never asks for a decision already made. None when the stage has no such target."""
    order = locking.row(session, Order, order_id)
    stage = session.get(Stage, order.stage_id) if order is not None else None
    if stage is None:
        return None
    target_id = stage.approve_to_stage_id if approved else stage.decline_to_stage_id
    target = session.get(Stage, target_id) if target_id else None
    if target is None or not target.active or target.id == order.stage_id:
        return None
    change_stage(session, order, target, actor, note="Quote approved" if approved else "Quote declined")
    return target
