"""Settings → Portal access (owners and managers): permission groups, and the shop-wide portal switches."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..db import session_scope, write_session
from ..models import Role
from ..models.staff import ROLE_LABELS
from ..services import portal_permissions, portal_settings
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.portal_permissions import LABELS, GroupError, Perm
from ..services.portal_settings import PortalSettingsConflict, PortalSettingsInvalid, PortalSwitches
from ..services.portal_user_view import group_table
from .guard import form_only, staff_action
from .staff_session import StaffSessionState

MAX_TYPED_URL = 2000


@dataclasses.dataclass
class GroupView:
    id: int
    name: str
    builtin: str
    members: int
    labels: list[str]
    require_mfa: bool
    deletable: bool


@dataclasses.dataclass
class PermChoice:
    value: str
    label: str


@dataclasses.dataclass
class RoleChoice:
    value: str
    label: str


class StaffPortalSettingsState(StaffSessionState):
    groups: list[GroupView] = []
    perm_choices: list[PermChoice] = [PermChoice(p.value, LABELS[p]) for p in Perm]
    role_choices: list[RoleChoice] = [RoleChoice(r.value, ROLE_LABELS[r.value]) for r in Role]
    # The group dialog.
    group_open: bool = False
    group_id: int = 0  # 0: a new group
    group_is_admin: bool = False
    group_is_visitor: bool = False  # the built-in group that governs order links
    group_name: str = ""
    group_checked: dict[str, bool] = {}
    group_mfa: bool = False
    group_error: str = ""
    group_name_error: str = ""
    group_key: int = 0
    # Deleting a group (confirmed first).
    delete_open: bool = False
    delete_id: int = 0
    delete_name: str = ""
    # The shop-wide switches.
    portal_enabled: bool = True
    portal_off_url: str = ""
    password_mix: bool = False
    mfa_roles: dict[str, bool] = {}
    switch_errors: dict[str, str] = {}
    switch_conflict: str = ""
    switches_dirty: bool = False
    _loaded: dict = {}
    _may_edit: bool = False  # set by an authorised load; draft edits from anyone else are ignored

    def _load_groups(self) -> list:
        with session_scope() as session:
            rows = group_table(session)
        self.groups = [
            GroupView(
                id=g.id,
                name=g.name,
                builtin=g.builtin,
                members=g.members,
                labels=list(g.labels),
                require_mfa=g.require_mfa,
                deletable=not g.builtin and g.members == 0,
            )
            for g in rows
        ]
        return rows

    def _show(self, switches: PortalSwitches) -> None:
        self.portal_enabled, self.portal_off_url = switches.portal_enabled, switches.portal_off_url
        self.password_mix = switches.portal_password_mix
        self.mfa_roles = {r.value: r.value in switches.staff_mfa_roles for r in Role}

    def _load_switches(self) -> None:
        with session_scope() as session:
            switches = portal_settings.load(session)
        self._show(switches)
        self._loaded = dataclasses.asdict(switches)
        self.switch_errors, self.switch_conflict, self.switches_dirty = {}, "", False

    def _draft(self) -> PortalSwitches:
        roles = [role for role, on in self.mfa_roles.items() if on]
        return PortalSwitches.from_input(self.portal_enabled, self.portal_off_url, self.password_mix, roles)

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_portal_settings(self):
        self._may_edit = True
        self.group_open = self.delete_open = False
        self._load_groups()
        self._load_switches()
        return None

    # --- groups -----------------------------------------------------------------------------------

    def _open_group(self, group_id: int, name: str, perms, require_mfa: bool, builtin: str) -> None:
        self.group_id, self.group_name, self.group_mfa = group_id, name, require_mfa
        self.group_is_admin = builtin == portal_permissions.ADMIN
        self.group_is_visitor = builtin == portal_permissions.VISITOR
        self.group_checked = {p.value: p.value in perms for p in Perm}
        self.group_error = self.group_name_error = ""
        self.group_key += 1
        self.group_open = True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def open_new_group(self):
        self._open_group(0, "", (), False, "")
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def open_edit_group(self, group_id: int):
        row = next((g for g in self._load_groups() if g.id == parse_id(group_id)), None)
        if row is None:
            return rx.toast.error("That group no longer exists.")
        self._open_group(row.id, row.name, row.perms, row.require_mfa, row.builtin)
        return None

    @rx.event
    @form_only
    def set_group_open(self, value: bool):
        self.group_open = value is True

    @rx.event
    @form_only
    def set_group_perm(self, perm: str, value: bool):
        if not self.group_is_admin and perm in self.group_checked:
            self.group_checked[perm] = value is True

    @rx.event
    @form_only
    def set_group_mfa(self, value: bool):
        self.group_mfa = value is True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save_group(self, form_data: dict):
        identity = self._me()
        self.group_name = str(form_data.get("name", ""))[:300]
        chosen = list(Perm) if self.group_is_admin else [p for p, on in self.group_checked.items() if on]
        self.group_error = self.group_name_error = ""
        try:
            with write_session() as session:
                group = portal_permissions.save_group(
                    session, self.group_id or None, self.group_name, chosen, self.group_mfa, self._actor(identity)
                )
                name = group.name
        except GroupError as exc:  # a message about the name goes beside the name field
            if str(exc).startswith(("Give the group a name", "There is already a group")):
                self.group_name_error = str(exc)
            else:
                self.group_error = str(exc)
            return None
        self.group_open = False
        self._load_groups()
        return rx.toast.success(f"“{name}” saved.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def ask_delete_group(self, group_id: int):
        row = next((g for g in self.groups if g.id == parse_id(group_id)), None)
        if row is None:
            return rx.toast.error("That group no longer exists.")
        self.delete_id, self.delete_name, self.delete_open = row.id, row.name, True
        return None

    @rx.event
    @form_only
    def set_delete_open(self, value: bool):
        self.delete_open = value is True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_delete_group(self):
        identity = self._me()
        self.delete_open = False
        try:
            with write_session() as session:
                portal_permissions.delete_group(session, self.delete_id, self._actor(identity))
        except GroupError as exc:
            self._load_groups()
            return rx.toast.error(str(exc))
        self._load_groups()
        return rx.toast.success(f"“{self.delete_name}” deleted.")

    # --- the shop-wide switches ---------------------------------------------------------------------

    @rx.event
    @form_only
    def set_switch(self, name: str, value: bool):
        if self._may_edit and name in ("portal_enabled", "password_mix"):
            setattr(self, name, value is True)
            self.switches_dirty = True

    @rx.event
    @form_only
    def set_off_url(self, value: str):
        if self._may_edit:
            self.portal_off_url = str(value)[:MAX_TYPED_URL]
            self.switch_errors.pop("portal_off_url", None)
            self.switches_dirty = True

    @rx.event
    @form_only
    def set_mfa_role(self, role: str, value: bool):
        if self._may_edit and role in self.mfa_roles:
            self.mfa_roles[role] = value is True
            self.switches_dirty = True

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save_switches(self):
        identity = self._me()
        if not self._loaded:
            return rx.toast.error("Reload the page: nothing was saved.")
        loaded = PortalSwitches(**{**self._loaded, "staff_mfa_roles": tuple(self._loaded["staff_mfa_roles"])})
        mine = self._draft()
        try:
            with write_session() as session:
                changed = portal_settings.save(session, mine, loaded=loaded, actor=self._actor(identity))
        except PortalSettingsInvalid as exc:
            self.switch_errors = exc.errors
            return rx.toast.error("Not saved: " + str(exc))
        except PortalSettingsConflict as exc:
            with session_scope() as session:
                theirs = portal_settings.load(session)
            self._show(portal_settings.rebase(loaded, mine, theirs))
            self._loaded = dataclasses.asdict(theirs)
            self.switch_conflict, self.switch_errors = str(exc), {}
            return rx.toast.warning(exc.toast)
        self._load_switches()
        if not changed:
            return rx.toast.info("Nothing to save: no changes.")
        return rx.toast.success("Portal settings saved.")

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_discard_switches(self):
        self._load_switches()
        return rx.toast.info("Changes discarded.")
