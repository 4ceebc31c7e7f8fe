"""Settings → Workflow: add, edit, reorder, (de)activate stages and choose which stage means what.

Every change is planned on plain copies of the stages, checked against the rules
below as a whole, and only then written, so a refused change leaves nothing behind.

Rules that keep orders, the portal and the emails working:
- active stages come first in `position` order, inactive ones after them; positions
  are always 1..N with no gaps, so "the stage before" is always an active one;
- the first active stage (where new orders are booked in; a customer-requests stage
  before it doesn't count: walk-ins never start there) is shown to customers and is
  not the collected stage, so an internal stage always has an earlier public stage to
  show as (services/tracking.public_stage) and the staff name never reaches customers;
- stage names are unique (ignoring case) among all stages, active or not;
- each special meaning (awaiting approval, ready, collected, customer requests) belongs to at most one
  stage, which must be active and shown to customers;
- the customer-requests stage (if any) is the first active stage: requests start there;
- the collected stage is terminal and the last active stage; its meaning can't be
  removed, only moved, and only while neither stage holds orders (collected orders
  would otherwise sit at a plain stage, or open ones at "collected");
- a stage that holds orders can't be deactivated (so no order sits at an inactive stage),
  nor can a stage with a special meaning (give the meaning to another stage first).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Order, Stage, StageKind
from . import audit
from .ids import is_digits

COLOURS: tuple[str, ...] = (
    "gray",
    "blue",
    "cyan",
    "teal",
    "green",
    "lime",
    "yellow",
    "amber",
    "orange",
    "red",
    "crimson",
    "pink",
    "purple",
    "violet",
    "indigo",
    "brown",
)
KIND_LABELS = {
    StageKind.NORMAL.value: "",
    StageKind.AWAITING_APPROVAL.value: "Awaiting approval",
    StageKind.READY.value: "Ready",
    StageKind.COLLECTED.value: "Collected",
    StageKind.REQUESTED.value: "Customer requests",
}
SPECIAL_KINDS = (
    StageKind.AWAITING_APPROVAL.value,
    StageKind.READY.value,
    StageKind.COLLECTED.value,
    StageKind.REQUESTED.value,
)


class WorkflowError(ValueError):
    """A refused change; the message is safe to show. `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StageForm:
    """What the stage editor submits."""

    name: str
    customer_label: str = ""
    explanation: str = ""
    internal: bool = False
    color: str = "gray"
    notify_customer: bool = False
    approve_to: str = ""  # stage id (as the select sends it) a quote approval moves an order here to; "" stays
    decline_to: str = ""


@dataclass
class _Draft:
    id: int | None
    name: str
    customer_label: str
    customer_explanation: str | None
    kind: str
    color: str
    notify_customer: bool
    active: bool

    @property
    def public(self) -> bool:
        return bool(self.customer_explanation)


@dataclass(frozen=True)
class StageRow:
    """One stage as the settings page lists it."""

    id: int
    position: int
    name: str
    customer_label: str
    explanation: str
    internal: bool
    kind: str
    color: str
    notify_customer: bool
    active: bool
    is_terminal: bool
    orders: int
    approve_to: str = ""  # target stage ids as text ("" = stays), and their names for the list
    decline_to: str = ""
    approve_to_name: str = ""
    decline_to_name: str = ""


def _stages(session: Session) -> list[Stage]:
    """All stages in canonical order (active by position, then inactive), locked for the change."""
    rows = session.exec(select(Stage).order_by(Stage.position, Stage.id).with_for_update()).all()
    return sorted(rows, key=lambda s: (not s.active, s.position, s.id))


def _draft(stage: Stage) -> _Draft:
    return _Draft(
        stage.id,
        stage.name,
        stage.customer_label,
        stage.customer_explanation,
        stage.kind,
        stage.color,
        stage.notify_customer,
        stage.active,
    )


def _canonical(drafts: list[_Draft]) -> list[_Draft]:
    return [d for d in drafts if d.active] + [d for d in drafts if not d.active]


def _check(drafts: list[_Draft]) -> None:
    seen: dict[str, str] = {}
    for d in drafts:
        key = d.name.casefold()
        if key in seen:
            raise WorkflowError(f"There is already a stage called “{seen[key]}”. Stage names must be unique.", "name")
        seen[key] = d.name
    active = [d for d in drafts if d.active]
    if not active:
        raise WorkflowError("The workflow needs at least one active stage.")
    intake = [d for d in active if d.kind != StageKind.REQUESTED.value]
    if not intake:
        raise WorkflowError("The workflow needs a stage where staff book orders in, besides customer requests.")
    first = intake[0]
    if first.kind == StageKind.COLLECTED.value:
        raise WorkflowError("New orders start at the first stage, so it can't be the collected stage.")
    if not first.public:
        raise WorkflowError(
            f"New orders start at “{first.name}”, the first stage, so customers must see it: "
            "give it a customer explanation, or put a customer-facing stage first."
        )
    for kind in SPECIAL_KINDS:
        holders = [d for d in drafts if d.kind == kind]
        if len(holders) > 1:
            raise WorkflowError(f"Only one stage can mean “{KIND_LABELS[kind]}”.")
        if not holders:
            continue
        holder = holders[0]
        if not holder.active:
            raise WorkflowError(f"“{holder.name}” means “{KIND_LABELS[kind]}”, so it must stay active.")
        if not holder.public:
            raise WorkflowError(
                f"“{holder.name}” means “{KIND_LABELS[kind]}”, so customers must see it: "
                "give it a customer explanation.",
                "explanation",
            )
        if kind == StageKind.COLLECTED.value and holder is not active[-1]:
            raise WorkflowError(f"“{holder.name}” means collected, so it must stay the last stage.")
        if kind == StageKind.REQUESTED.value and holder is not active[0]:
            raise WorkflowError(f"Customer requests start at “{holder.name}”, so it must stay the first stage.")


def _write(session: Session, stages: list[Stage], drafts: list[_Draft]) -> dict[int | None, Stage]:
    """Check the plan, then write every field and renumber positions 1..N."""
    drafts = _canonical(drafts)
    _check(drafts)
    by_id = {s.id: s for s in stages}
    written: dict[int | None, Stage] = {}
    for position, d in enumerate(drafts, start=1):
        stage = by_id.get(d.id) if d.id is not None else Stage(position=position)
        stage.position = position
        stage.name = d.name
        stage.customer_label = d.customer_label
        stage.customer_explanation = d.customer_explanation
        stage.kind = d.kind
        stage.is_terminal = d.kind == StageKind.COLLECTED.value
        stage.color = d.color
        stage.notify_customer = d.notify_customer and d.public
        stage.active = d.active
        session.add(stage)
        written[d.id] = stage
    session.flush()
    return written


def _find(drafts: list[_Draft], stage_id: int) -> _Draft:
    for d in drafts:
        if d.id == stage_id:
            return d
    raise WorkflowError("That stage no longer exists. Reload the page.")


def orders_at(session: Session, stage_id: int) -> int:
    return session.exec(select(func.count()).select_from(Order).where(Order.stage_id == stage_id)).one()


def _orders_phrase(count: int) -> str:
    return f"{count} order{'s are' if count != 1 else ' is'}"


def _clean_line(value: str, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def validate_form(form: StageForm) -> _Draft:
    """Field checks for the editor (a draft without id, position or kind)."""
    name = _clean_line(form.name, 101)
    if not name:
        raise WorkflowError("Give the stage a name.", "name")
    if len(name) > 100:
        raise WorkflowError("Keep the name under 100 characters.", "name")
    label = _clean_line(form.customer_label, 101)
    if len(label) > 100:
        raise WorkflowError("Keep the customer label under 100 characters.", "customer_label")
    explanation = str(form.explanation or "").strip()
    if len(explanation) > 2000:
        raise WorkflowError("Keep the explanation under 2,000 characters.", "explanation")
    if form.internal:
        label, explanation_value = label, None  # an internal stage's label is its optional customer wording
    else:
        if not explanation:
            raise WorkflowError(
                "Write what customers see at this stage, or mark it internal (hidden from customers).", "explanation"
            )
        label, explanation_value = label or name, explanation
    if form.color not in COLOURS:
        raise WorkflowError("Choose one of the listed colours.", "color")
    return _Draft(
        None,
        name,
        label,
        explanation_value,
        StageKind.NORMAL.value,
        form.color,
        bool(form.notify_customer) and not form.internal,
        True,
    )


def _set_decision_targets(session: Session, stage: Stage, form: StageForm) -> None:
    """Where a quote approval / decline moves an order at this stage: another active stage, or nowhere."""
    chosen = []
    for field, raw in (("approve_to", form.approve_to), ("decline_to", form.decline_to)):
        text = str(raw or "").strip()
        if not text:
            chosen.append(None)
            continue
        other = session.get(Stage, int(text)) if is_digits(text) and len(text) < 10 else None
        if other is None or not other.active or other.id == stage.id:
            raise WorkflowError("Choose another active stage, or “Stay at this stage”.", field)
        chosen.append(other.id)
    stage.approve_to_stage_id, stage.decline_to_stage_id = chosen
    session.add(stage)


def list_stages(session: Session) -> list[StageRow]:
    counts = dict(session.exec(select(Order.stage_id, func.count()).group_by(Order.stage_id)).all())
    rows = session.exec(select(Stage).order_by(Stage.position, Stage.id)).all()
    rows = sorted(rows, key=lambda s: (not s.active, s.position, s.id))
    names = {s.id: s.name for s in rows}

    def target(stage_id: int | None) -> str:
        return str(stage_id) if stage_id else ""

    return [
        StageRow(
            id=s.id,
            position=s.position,
            name=s.name,
            customer_label=s.customer_label,
            explanation=s.customer_explanation or "",
            internal=not s.customer_explanation,
            kind=s.kind,
            color=s.color,
            notify_customer=s.notify_customer,
            active=s.active,
            is_terminal=s.is_terminal,
            orders=counts.get(s.id, 0),
            approve_to=target(s.approve_to_stage_id),
            decline_to=target(s.decline_to_stage_id),
            approve_to_name=names.get(s.approve_to_stage_id, ""),
            decline_to_name=names.get(s.decline_to_stage_id, ""),
        )
        for s in rows
    ]


def add_stage(session: Session, form: StageForm, actor: audit.Actor, *, before_id: int | None = None) -> Stage:
    """A new active stage, by default just before the collected (terminal) stage."""
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    new = validate_form(form)
    active = [d for d in drafts if d.active]
    if before_id is not None:
        index = drafts.index(_find(drafts, before_id))
    else:
        terminal = next((i for i, d in enumerate(active) if d.kind == StageKind.COLLECTED.value), None)
        index = terminal if terminal is not None else len(active)
    drafts.insert(index, new)
    stage = _write(session, stages, drafts)[None]
    _set_decision_targets(session, stage, form)
    audit.record(session, actor, "workflow.stage_added", stage_id=stage.id, name=stage.name, position=stage.position)
    return stage


def update_stage(session: Session, stage_id: int, form: StageForm, actor: audit.Actor) -> Stage:
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    target = _find(drafts, stage_id)
    before = dataclasses.replace(target)
    edited = validate_form(form)
    for attr in ("name", "customer_label", "customer_explanation", "color", "notify_customer"):
        setattr(target, attr, getattr(edited, attr))
    stage = _write(session, stages, drafts)[stage_id]
    targets_before = (stage.approve_to_stage_id, stage.decline_to_stage_id)
    _set_decision_targets(session, stage, form)
    changes: dict = {
        attr: [getattr(before, attr), getattr(target, attr)]
        for attr in ("name", "customer_label", "color", "notify_customer")
        if getattr(before, attr) != getattr(target, attr)
    }
    if (stage.approve_to_stage_id, stage.decline_to_stage_id) != targets_before:
        changes["decision_targets"] = [list(targets_before), [stage.approve_to_stage_id, stage.decline_to_stage_id]]
    if before.public != target.public:
        changes["internal"] = [not before.public, not target.public]
    elif before.customer_explanation != target.customer_explanation:
        changes["explanation"] = "edited"  # the text itself can be long; the stage shows the current one
    if changes:
        audit.record(session, actor, "workflow.stage_edited", stage_id=stage_id, name=stage.name, changes=changes)
    return stage


def move_stage(session: Session, stage_id: int, direction: int, actor: audit.Actor) -> Stage:
    """Swap an active stage with its active neighbour: direction -1 is up (earlier), +1 down (later)."""
    if direction not in (-1, 1):
        raise WorkflowError("Move a stage one place up or down.")
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    target = _find(drafts, stage_id)
    if not target.active:
        raise WorkflowError("Reactivate the stage before moving it.")
    index = drafts.index(target)
    other = index + direction
    requested = StageKind.REQUESTED.value
    if target.kind == requested:
        raise WorkflowError(f"Customer requests start at “{target.name}”, so it stays the first stage.")
    if other < 0 or other >= len(drafts) or not drafts[other].active or drafts[other].kind == requested:
        raise WorkflowError(f"“{target.name}” is already the {'first' if direction < 0 else 'last'} stage.")
    drafts[index], drafts[other] = drafts[other], drafts[index]
    stage = _write(session, stages, drafts)[stage_id]
    audit.record(session, actor, "workflow.stage_moved", stage_id=stage_id, name=stage.name, to_position=stage.position)
    return stage


def deactivate_stage(session: Session, stage_id: int, actor: audit.Actor) -> Stage:
    """Take a stage out of the workflow; its history stays (status events still point to it)."""
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    target = _find(drafts, stage_id)
    if not target.active:
        raise WorkflowError(f"“{target.name}” is already inactive.")
    if target.kind != StageKind.NORMAL.value:
        raise WorkflowError(
            f"“{target.name}” means “{KIND_LABELS[target.kind]}”. Give that meaning to another stage first."
        )
    count = orders_at(session, stage_id)
    if count:
        raise WorkflowError(
            f"{_orders_phrase(count)} at “{target.name}”. Move them to another stage, then deactivate it."
        )
    target.active = False
    stage = _write(session, stages, drafts)[stage_id]
    for other in stages:  # no decision leads to a stage that left the workflow
        if other.approve_to_stage_id == stage_id:
            other.approve_to_stage_id = None
        if other.decline_to_stage_id == stage_id:
            other.decline_to_stage_id = None
        session.add(other)
    audit.record(session, actor, "workflow.stage_deactivated", stage_id=stage_id, name=stage.name)
    return stage


def reactivate_stage(session: Session, stage_id: int, actor: audit.Actor) -> Stage:
    """Back into the workflow, just before the collected stage (move it from there)."""
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    target = _find(drafts, stage_id)
    if target.active:
        raise WorkflowError(f"“{target.name}” is already active.")
    drafts.remove(target)
    target.active = True
    active = [d for d in drafts if d.active]
    terminal = next((i for i, d in enumerate(active) if d.kind == StageKind.COLLECTED.value), None)
    drafts.insert(terminal if terminal is not None else len(active), target)
    stage = _write(session, stages, drafts)[stage_id]
    audit.record(
        session, actor, "workflow.stage_reactivated", stage_id=stage_id, name=stage.name, position=stage.position
    )
    return stage


def set_kind(session: Session, kind: str, stage_id: int | None, actor: audit.Actor) -> Stage | None:
    """Give a special meaning to a stage (taking it from the stage that had it), or none (not for collected).

    The collected stage moves to the end of the workflow and becomes the terminal stage; the
    customer-requests stage moves to the front.
    """
    if kind not in SPECIAL_KINDS:
        raise WorkflowError("Unknown stage meaning.")
    label = KIND_LABELS[kind]
    stages = _stages(session)
    drafts = [_draft(s) for s in stages]
    previous = next((d for d in drafts if d.kind == kind), None)
    target = _find(drafts, stage_id) if stage_id is not None else None
    if target is not None and target is previous:
        return next(s for s in stages if s.id == stage_id)
    if target is None and kind == StageKind.COLLECTED.value:
        raise WorkflowError("One stage must mean collected. Choose another stage instead.")
    if target is not None:
        if not target.active:
            raise WorkflowError(f"Reactivate “{target.name}” first.")
        if target.kind != StageKind.NORMAL.value:
            raise WorkflowError(
                f"“{target.name}” already means “{KIND_LABELS[target.kind]}”. A stage has one meaning at most."
            )
    if kind == StageKind.COLLECTED.value:
        for holder in (previous, target):
            count = orders_at(session, holder.id) if holder is not None else 0
            if count:
                raise WorkflowError(
                    f"{_orders_phrase(count)} at “{holder.name}”. The collected meaning can only move "
                    "between stages that hold no orders."
                )
    if previous is not None:
        previous.kind = StageKind.NORMAL.value
    if target is not None:
        target.kind = kind
        if kind == StageKind.COLLECTED.value:
            drafts.remove(target)
            last_active = max(i for i, d in enumerate(drafts) if d.active)
            drafts.insert(last_active + 1, target)
        elif kind == StageKind.REQUESTED.value:  # requests start at the front of the workflow
            drafts.remove(target)
            drafts.insert(0, target)
    written = _write(session, stages, drafts)
    audit.record(
        session,
        actor,
        "workflow.kind_changed",
        kind=kind,
        label=label,
        from_stage=previous.name if previous else None,
        to_stage=target.name if target else None,
    )
    return written[stage_id] if stage_id is not None else None
