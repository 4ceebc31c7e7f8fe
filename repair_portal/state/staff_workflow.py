"""Settings → Workflow: the stage list, the stage editor, moves, (de)activation and stage meanings."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..db import session_scope, write_session
from ..models import StageKind
from ..services import workflow_admin
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.workflow_admin import KIND_LABELS, StageForm, WorkflowError
from .guard import form_only, staff_action
from .staff_session import StaffSessionState

NONE_CHOICE = "none"
STAY = "stay"  # a decision target select's "Stay at this stage" (a select item can't carry "")


@dataclasses.dataclass
class StageView:
    id: int
    number: int
    name: str
    customer_label: str
    explanation: str
    internal: bool
    kind_label: str
    color: str
    notify: bool
    orders: int
    can_up: bool
    can_down: bool
    can_deactivate: bool
    approve_to: str = ""
    decline_to: str = ""
    approve_to_name: str = ""
    decline_to_name: str = ""


@dataclasses.dataclass
class StageChoice:
    id: str
    name: str


def _view(row: workflow_admin.StageRow, number: int) -> StageView:
    return StageView(
        id=row.id,
        number=number,
        name=row.name,
        customer_label=row.customer_label,
        explanation=row.explanation,
        internal=row.internal,
        kind_label=KIND_LABELS.get(row.kind, ""),
        color=row.color,
        notify=row.notify_customer,
        orders=row.orders,
        can_up=False,
        can_down=False,
        can_deactivate=False,
        approve_to=row.approve_to,
        decline_to=row.decline_to,
        approve_to_name=row.approve_to_name,
        decline_to_name=row.decline_to_name,
    )


class StaffWorkflowState(StaffSessionState):
    stages: list[StageView] = []
    inactive: list[StageView] = []
    kind_choices: list[StageChoice] = []
    awaiting_id: str = NONE_CHOICE
    ready_id: str = NONE_CHOICE
    collected_id: str = NONE_CHOICE
    requested_id: str = NONE_CHOICE
    colours: list[str] = list(workflow_admin.COLOURS)
    # The stage editor (a dialog): editing_id 0 adds a new stage.
    editor_open: bool = False
    editing_id: int = 0
    f_name: str = ""
    f_label: str = ""
    f_explanation: str = ""
    f_internal: bool = False
    f_color: str = "gray"
    f_notify: bool = False
    f_approve_to: str = STAY
    f_decline_to: str = STAY
    stage_choices: list[StageChoice] = []  # active stages a decision may move an order to
    name_error: str = ""
    label_error: str = ""
    explanation_error: str = ""
    form_error: str = ""
    targets_error: str = ""
    # The deactivate confirmation.
    confirm_open: bool = False
    confirm_id: int = 0
    confirm_name: str = ""

    def _load(self) -> None:
        with session_scope() as session:
            rows = workflow_admin.list_stages(session)
        active = [r for r in rows if r.active]
        last_index = len(active) - 1
        requested = StageKind.REQUESTED.value
        self.stages = [
            dataclasses.replace(
                _view(r, i + 1),
                # The collected stage stays last and the customer-requests one first; the buttons that
                # would break that are disabled.
                can_up=i > 0 and not r.is_terminal and requested not in (r.kind, active[i - 1].kind),
                can_down=i < last_index and not active[i + 1].is_terminal and not r.is_terminal and r.kind != requested,
                can_deactivate=r.kind == StageKind.NORMAL.value and r.orders == 0,
            )
            for i, r in enumerate(active)
        ]
        self.inactive = [_view(r, 0) for r in rows if not r.active]
        self.kind_choices = [StageChoice(str(r.id), r.name) for r in active if not r.internal]
        self.stage_choices = [StageChoice(str(r.id), r.name) for r in active]
        by_kind = {r.kind: str(r.id) for r in active}
        self.awaiting_id = by_kind.get(StageKind.AWAITING_APPROVAL.value, NONE_CHOICE)
        self.ready_id = by_kind.get(StageKind.READY.value, NONE_CHOICE)
        self.collected_id = by_kind.get(StageKind.COLLECTED.value, NONE_CHOICE)
        self.requested_id = by_kind.get(StageKind.REQUESTED.value, NONE_CHOICE)

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_workflow(self):
        self.editor_open = self.confirm_open = False
        self._load()
        return None

    # --- the editor -------------------------------------------------------------------------

    def _fill(self, view: StageView | None) -> None:
        self.editing_id = view.id if view else 0
        self.f_name = view.name if view else ""
        self.f_label = view.customer_label if view else ""
        self.f_explanation = view.explanation if view else ""
        self.f_internal = view.internal if view else False
        self.f_color = view.color if view and view.color in workflow_admin.COLOURS else "gray"
        self.f_notify = view.notify if view else False
        self.f_approve_to = (view.approve_to if view else "") or STAY
        self.f_decline_to = (view.decline_to if view else "") or STAY
        self._errors(None)
        self.editor_open = True

    def _errors(self, exc: WorkflowError | None) -> None:
        """Show a refusal next to its field (name, label, explanation) or above the buttons."""
        fields = {"name": "name_error", "customer_label": "label_error", "explanation": "explanation_error"}
        fields |= {"approve_to": "targets_error", "decline_to": "targets_error"}
        self.name_error = self.label_error = self.explanation_error = self.form_error = self.targets_error = ""
        if exc is not None:
            setattr(self, fields.get(exc.field, "form_error"), str(exc))

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def start_add(self):
        self._fill(None)
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def start_edit(self, stage_id: int):
        view = next((s for s in self.stages + self.inactive if s.id == parse_id(stage_id)), None)
        if view is None:
            return rx.toast.error("That stage no longer exists. Reload the page.")
        self._fill(view)
        return None

    @rx.event
    @form_only
    def set_editor_open(self, value: bool):
        self.editor_open = bool(value)

    @rx.event
    @form_only
    def set_internal(self, value: bool):
        self.f_internal = bool(value)
        if self.f_internal:
            self.f_notify = False

    @rx.event
    @form_only
    def set_notify(self, value: bool):
        self.f_notify = bool(value) and not self.f_internal

    @rx.event
    @form_only
    def set_approve_to(self, value: str):
        self.f_approve_to = str(value)[:12]

    @rx.event
    @form_only
    def set_decline_to(self, value: str):
        self.f_decline_to = str(value)[:12]

    @rx.event
    @form_only
    def set_color(self, value: str):
        self.f_color = str(value) if str(value) in workflow_admin.COLOURS else "gray"

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_save_stage(self, form_data: dict):
        identity = self._me()
        self.f_name = str(form_data.get("name", self.f_name))[:200]
        self.f_label = str(form_data.get("customer_label", self.f_label))[:200]
        self.f_explanation = str(form_data.get("explanation", self.f_explanation))[:4000]
        form = StageForm(
            name=self.f_name,
            customer_label=self.f_label,
            explanation=self.f_explanation,
            internal=self.f_internal,
            color=self.f_color,
            notify_customer=self.f_notify,
            approve_to="" if self.f_approve_to == STAY else self.f_approve_to,
            decline_to="" if self.f_decline_to == STAY else self.f_decline_to,
        )
        actor = self._actor(identity)
        try:
            with write_session() as session:
                if self.editing_id:
                    stage = workflow_admin.update_stage(session, self.editing_id, form, actor)
                else:
                    stage = workflow_admin.add_stage(session, form, actor)
                name = stage.name
        except WorkflowError as exc:
            self._errors(exc)
            return None
        added = not self.editing_id
        self.editor_open = False
        self._errors(None)
        self._load()
        return rx.toast.success(f"Added “{name}” before the collected stage." if added else f"Saved “{name}”.")

    # --- moves, (de)activation, meanings -----------------------------------------------------

    def _apply(self, change, success: str):
        identity = self._me()
        try:
            with write_session() as session:
                change(session, self._actor(identity))
        except WorkflowError as exc:
            self._load()
            return rx.toast.error(str(exc))
        self._load()
        return rx.toast.success(success) if success else None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_move(self, stage_id: int, direction: int):
        return self._apply(
            lambda s, a: workflow_admin.move_stage(s, parse_id(stage_id) or 0, -1 if str(direction) == "-1" else 1, a),
            "",
        )

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def ask_deactivate(self, stage_id: int):
        view = next((s for s in self.stages if s.id == parse_id(stage_id)), None)
        if view is None:
            return rx.toast.error("That stage is not in the active workflow.")
        self.confirm_id, self.confirm_name, self.confirm_open = view.id, view.name, True
        return None

    @rx.event
    @form_only
    def cancel_confirm(self):
        self.confirm_open = False

    @rx.event
    @form_only
    def set_confirm_open(self, value: bool):
        self.confirm_open = bool(value)

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def confirm_deactivate(self):
        self.confirm_open = False
        stage_id, name = self.confirm_id, self.confirm_name
        return self._apply(
            lambda s, a: workflow_admin.deactivate_stage(s, stage_id, a),
            f"“{name}” is no longer in the workflow. Its history is kept.",
        )

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_reactivate(self, stage_id: int):
        return self._apply(
            lambda s, a: workflow_admin.reactivate_stage(s, parse_id(stage_id) or 0, a),
            "Stage is back in the workflow, just before the collected stage.",
        )

    @rx.event
    @staff_action(Action.EDIT_SETTINGS)
    def handle_set_kind(self, kind: str, value: str):
        kind, value = str(kind), str(value)
        if kind not in workflow_admin.SPECIAL_KINDS:
            return rx.toast.error("Unknown stage meaning.")
        stage_id = None if value == NONE_CHOICE else parse_id(value) or -1
        label = KIND_LABELS[kind]
        return self._apply(lambda s, a: workflow_admin.set_kind(s, kind, stage_id, a), f"Updated “{label}”.")
