"""Settings → Staff (owner only): the staff list, invitations, password links, roles, (de)activation."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import select

from ..db import session_scope, write_session
from ..models import Location, Role
from ..services import staff_users, timefmt
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.staff_users import ROLE_LABELS, StaffUserError
from .guard import form_only, staff_action
from .mail_links import links
from .script import fill_text_script
from .staff_session import StaffSessionState

NO_LOCATION = "any"


@dataclasses.dataclass
class StaffView:
    id: int
    name: str
    email: str
    role: str
    role_label: str
    location: str
    active: bool
    status: str  # active, invited, no_password, deactivated
    last_login: str
    is_you: bool


@dataclasses.dataclass
class Choice:
    value: str
    label: str


ISSUED_LINK_ID = "issued-link"


class StaffUsersState(StaffSessionState):
    rows: list[StaffView] = []
    role_choices: list[Choice] = [Choice(role.value, ROLE_LABELS[role.value]) for role in Role]
    location_choices: list[Choice] = []
    # The invite dialog.
    invite_open: bool = False
    invite_role: str = Role.TECHNICIAN.value
    invite_location: str = NO_LOCATION
    name_error: str = ""
    email_error: str = ""
    invite_error: str = ""
    # A link just issued: shown once, with a Copy button (never reloaded from the server).
    issued_shown: bool = False  # the link itself is never a state var: see _show_link
    issued_for: str = ""
    issued_note: str = ""
    # The confirmation for "reset" and "deactivate".
    confirm_open: bool = False
    confirm_kind: str = ""
    confirm_id: int = 0
    confirm_name: str = ""

    def _load(self, my_id: int) -> None:
        with session_scope() as session:
            users = staff_users.list_users(session)
            locations = session.exec(select(Location).order_by(Location.name)).all()
            self.location_choices = [Choice(NO_LOCATION, "All locations")] + [
                Choice(str(loc.id), loc.name) for loc in locations
            ]
        self.rows = [
            StaffView(
                id=u.id,
                name=u.name,
                email=u.email,
                role=u.role,
                role_label=ROLE_LABELS.get(u.role, u.role),
                location=u.location or "All locations",
                active=u.active,
                status="deactivated"
                if not u.active
                else "active"
                if u.password_set
                else "invited"
                if u.invite_pending
                else "no_password",
                last_login=timefmt.ago(u.last_login_at) if u.last_login_at else "Never",
                is_you=u.id == my_id,
            )
            for u in users
        ]

    @rx.event
    @staff_action(Action.MANAGE_USERS, leave=True)
    def load_staff_users(self):
        identity = self._me()
        self.issued_for = self.issued_note = ""
        self.issued_shown = False
        self.invite_open = self.confirm_open = False
        self._load(identity.user_id)
        return None

    # --- invite -------------------------------------------------------------------------------

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def open_invite(self):
        self.invite_role, self.invite_location = Role.TECHNICIAN.value, NO_LOCATION
        self.name_error = self.email_error = self.invite_error = ""
        self.invite_open = True
        return None

    @rx.event
    @form_only
    def set_invite_open(self, value: bool):
        self.invite_open = bool(value)

    @rx.event
    @form_only
    def set_invite_role(self, value: str):
        self.invite_role = str(value)

    @rx.event
    @form_only
    def set_invite_location(self, value: str):
        self.invite_location = str(value)

    def _show_link(self, issued: staff_users.IssuedLink, emailed_to: str, name: str):
        """Show a one-time link once: it goes to this tab as a script that writes it into the page,
        never into a state var (which would outlive the moment and could be replayed)."""
        self.issued_shown = True
        self.issued_for = name
        hours = "72 hours" if issued.purpose == "invite" else "30 minutes"
        self.issued_note = (
            f"Emailed to {emailed_to}. If mail isn't set up, copy the link and send it to them yourself. "
            f"It works once and expires in {hours}; it won't be shown again."
        )
        return rx.call_script(fill_text_script(ISSUED_LINK_ID, issued.url))

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def handle_invite(self, form_data: dict):
        identity = self._me()
        name = str(form_data.get("name", ""))[:300]
        email = str(form_data.get("email", ""))[:300]
        role = str(form_data.get("role", self.invite_role))
        location = str(form_data.get("location", self.invite_location))
        self.name_error = self.email_error = self.invite_error = ""
        try:
            with write_session() as session:
                issued = staff_users.invite_user(
                    session,
                    links(),
                    name=name,
                    email=email,
                    role=role,
                    location_id=parse_id(location),
                    actor=self._actor(identity),
                )
        except StaffUserError as exc:
            target = {"name": "name_error", "email": "email_error"}.get(exc.field, "invite_error")
            setattr(self, target, str(exc))
            return None
        self.invite_open = False
        show = self._show_link(issued, issued.email, " ".join(name.split()))
        self._load(identity.user_id)
        return [show, rx.toast.success(f"Invitation sent to {issued.email}.")]

    # --- reset link and deactivation (confirmed first) ----------------------------------------

    def _row(self, user_id) -> StaffView | None:
        return next((r for r in self.rows if r.id == parse_id(user_id)), None)

    def _ask(self, kind: str, user_id):
        row = self._row(user_id)
        if row is None:
            return rx.toast.error("That staff account no longer exists. Reload the page.")
        self.confirm_kind, self.confirm_id, self.confirm_name, self.confirm_open = kind, row.id, row.name, True
        return None

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def ask_reset(self, user_id: int):
        return self._ask("reset", user_id)

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def ask_deactivate(self, user_id: int):
        return self._ask("deactivate", user_id)

    @rx.event
    @form_only
    def set_confirm_open(self, value: bool):
        self.confirm_open = bool(value)

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def handle_confirm(self):
        identity = self._me()
        self.confirm_open = False
        kind, user_id = self.confirm_kind, self.confirm_id
        actor = self._actor(identity)
        try:
            with write_session() as session:
                if kind == "reset":
                    issued = staff_users.issue_reset_link(session, links(), user_id, actor)
                    name = self.confirm_name
                elif kind == "deactivate":
                    user = staff_users.deactivate(session, user_id, actor)
                    name = user.name
                else:
                    return rx.toast.error("Nothing to confirm.")
        except StaffUserError as exc:
            self._load(identity.user_id)
            return rx.toast.error(str(exc))
        show = None
        if kind == "reset":
            show = self._show_link(issued, issued.email, name)
            message = f"Password link sent to {issued.email}."
        else:
            message = f"{name} is deactivated and signed out everywhere."
        self._load(identity.user_id)
        return [e for e in (show, rx.toast.success(message)) if e is not None]

    # --- direct changes -------------------------------------------------------------------------

    def _apply(self, change, success: str):
        identity = self._me()
        try:
            with write_session() as session:
                user = change(session, self._actor(identity))
                name = user.name
        except StaffUserError as exc:
            self._load(identity.user_id)
            return rx.toast.error(str(exc))
        self._load(identity.user_id)
        return rx.toast.success(success.format(name=name))

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def handle_change_role(self, user_id: int, role: str):
        role = str(role)
        label = ROLE_LABELS.get(role, role)
        return self._apply(
            lambda s, a: staff_users.change_role(s, parse_id(user_id) or 0, role, a),
            "{name} is now " + label.lower() + ".",
        )

    @rx.event
    @staff_action(Action.MANAGE_USERS)
    def handle_reactivate(self, user_id: int):
        return self._apply(lambda s, a: staff_users.reactivate(s, parse_id(user_id) or 0, a), "{name} is active again.")

    @rx.event
    @form_only
    def dismiss_link(self):
        self.issued_for = self.issued_note = ""
        self.issued_shown = False
