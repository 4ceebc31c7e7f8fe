"""The customer page's Portal access card: person or business account, its portal users, their links."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import Outcome
from ..actions import portal_users as actions
from ..db import session_scope
from ..services import timefmt
from ..services.ids import parse_id
from ..services.permissions import Action, can
from ..services.portal_user_view import PortalUserRow, account, groups
from ..services.portal_users import PortalUserForm
from .guard import form_only, staff_action
from .outcomes import toast_for
from .script import fill_text_script
from .staff_session import StaffSessionState

PORTAL_LINK_ID = "portal-issued-link"
USER_FIELDS = ("name", "email", "phone")
CONFIRM_KINDS = ("disable", "sign_out", "reset")
ACCOUNT_KINDS = ("account_off", "account_on")  # the whole account's portal access (confirmed too)


@dataclasses.dataclass
class PortalUserView:
    id: int
    name: str
    email: str
    phone: str
    group: str
    mfa: str  # "Required", "Required by group" or "Optional"
    mfa_enrolled: bool
    active: bool
    status: str  # active, invited, expired (the invitation), not_invited, disabled
    password_set: bool
    last_sign_in: str
    invited: str


@dataclasses.dataclass
class GroupOption:
    value: str
    label: str


def _view(row: PortalUserRow, tz: str) -> PortalUserView:
    if not row.active:
        status = "disabled"
    elif row.password_set:
        status = "active"
    elif row.invite_pending:
        status = "invited"
    else:
        status = "expired" if row.invited_at else "not_invited"
    return PortalUserView(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        group=row.group_name,
        mfa="Required" if row.require_mfa else "Required by group" if row.group_requires_mfa else "Optional",
        mfa_enrolled=row.mfa_enrolled,
        active=row.active,
        status=status,
        password_set=row.password_set,
        last_sign_in=timefmt.short(row.last_login_at, tz) if row.last_login_at else "Never",
        invited=timefmt.short(row.invited_at, tz) if row.invited_at else "Not yet",
    )


class StaffPortalUsersState(StaffSessionState):
    """The customer is the one in the page's URL, read again for every event (never a client argument)."""

    portal_found: bool = False
    account_kind: str = "person"
    account_name: str = ""
    portal_enabled: bool = True  # the whole account's portal access
    portal_rows: list[PortalUserView] = []
    group_options: list[GroupOption] = []
    can_manage_portal: bool = False
    can_preview: bool = False  # "View as this user" (read-only preview of their account portal)
    # The add/edit dialog.
    user_open: bool = False
    user_edit_id: int = 0
    user_values: dict[str, str] = {}
    user_group: str = ""
    user_mfa: bool = False
    user_errors: dict[str, str] = {}
    user_error: str = ""
    user_key: int = 0
    # Disable, sign out everywhere, password reset: confirmed first.
    confirm_open: bool = False
    confirm_kind: str = ""
    confirm_id: int = 0
    confirm_name: str = ""
    # A link just sent: written into the page once by a script, never kept in state.
    link_shown: bool = False
    link_for: str = ""
    link_note: str = ""
    _default_values: dict = {}

    def _customer_id(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "customers":
            return parse_id(parts[2]) or 0
        return 0

    def _reload(self) -> None:
        customer_id = self._customer_id()
        with session_scope() as session:
            found = account(session, customer_id) if customer_id else None
            choices = groups(session)
            tz = timefmt.shop_timezone(session)
        self.portal_found = found is not None
        self.account_kind = found.kind if found else "person"
        self.account_name = found.name if found else ""
        self.portal_enabled = found.portal_enabled if found else True
        self.portal_rows = [_view(row, tz) for row in found.users] if found else []
        self.group_options = [GroupOption(str(g.id), g.name) for g in choices]
        # A first portal user starts from the customer's own details.
        first = found is not None and not found.users
        self._default_values = {
            "name": found.contact_name if first else "",
            "email": found.email if first else "",
            "phone": found.phone if first else "",
        }

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_portal_users(self):
        self.can_manage_portal = can(self._me().role, Action.EDIT_CUSTOMERS)
        self.can_preview = can(self._me().role, Action.VIEW_AS_CUSTOMER)
        self.user_open = self.confirm_open = self.link_shown = False
        self.link_for = self.link_note = ""
        self._reload()
        return None

    async def _run(self, action, *args) -> Outcome:
        actor, customer_id = self._actor(self._me()), self._customer_id()
        outcome = await rx.run_in_thread(lambda: action(customer_id, *args, actor))
        self._reload()
        return outcome

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_set_kind(self, kind: str | list[str]):  # the segmented control's value
        return toast_for(await self._run(actions.set_customer_kind, str(kind)[:20]))

    # --- add and edit ----------------------------------------------------------------------------------

    def _open_user(self, user_id: int, values: dict, group: str, mfa: bool) -> None:
        self.user_edit_id, self.user_values, self.user_group, self.user_mfa = user_id, values, group, mfa
        self.user_errors, self.user_error = {}, ""
        self.user_key += 1
        self.user_open = True

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def open_add_user(self):
        self._reload()
        admin = self.group_options[0].value if self.group_options else ""
        self._open_user(0, dict(self._default_values), admin, False)
        return None

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def open_edit_user(self, user_id: int):
        self._reload()
        customer_id = self._customer_id()
        with session_scope() as session:
            found = account(session, customer_id) if customer_id else None
        row = next((u for u in (found.users if found else []) if u.id == parse_id(user_id)), None)
        if row is None:
            return rx.toast.error("That portal user no longer exists. Reload the page.")
        values = {"name": row.name, "email": row.email, "phone": row.phone}
        self._open_user(row.id, values, str(row.group_id), row.require_mfa)
        return None

    @rx.event
    @form_only
    def set_user_open(self, value: bool):
        self.user_open = value is True

    @rx.event
    @form_only
    def set_user_group(self, value: str):
        self.user_group = str(value)[:20]

    @rx.event
    @form_only
    def set_user_mfa(self, value: bool):
        self.user_mfa = value is True

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_save_user(self, form_data: dict):
        data = {name: str((form_data or {}).get(name, ""))[:400] for name in USER_FIELDS}
        self.user_values = data
        form = PortalUserForm.from_form({**data, "group_id": self.user_group, "require_mfa": self.user_mfa})
        outcome = await self._run(actions.save_portal_user, self.user_edit_id or None, form)
        self.user_errors = dict(outcome.errors)
        self.user_error = "" if outcome.ok or outcome.errors else outcome.message
        if not outcome.ok:
            return None
        self.user_open = False
        return toast_for(outcome)

    # --- links and access ------------------------------------------------------------------------------

    def _show_link(self, sent: actions.LinkSent):
        """Show a one-time link once, as a script that writes it into the page (never a state var)."""
        if not sent.url:
            return toast_for(sent.outcome)
        lifetime = "72 hours" if sent.purpose == "invite" else "30 minutes"
        what = "Invitation" if sent.purpose == "invite" else "Password reset link"
        self.link_shown, self.link_for = True, f"{what} for {sent.name}"
        self.link_note = (
            f"{sent.outcome.message} If mail isn't set up, copy the link and send it to them yourself. "
            f"It works once and expires in {lifetime}; it won't be shown again."
        )
        return [e for e in (rx.call_script(fill_text_script(PORTAL_LINK_ID, sent.url)), toast_for(sent.outcome)) if e]

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_invite(self, user_id: int):
        return self._show_link(await self._run(actions.send_invitation, parse_id(user_id)))

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_enable(self, user_id: int):
        return toast_for(await self._run(actions.enable_portal_user, parse_id(user_id)))

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def ask_confirm(self, kind: str, user_id: int):
        row = next((r for r in self.portal_rows if r.id == parse_id(user_id)), None)
        if kind not in CONFIRM_KINDS or row is None:
            return rx.toast.error("That portal user no longer exists. Reload the page.")
        self.confirm_kind, self.confirm_id, self.confirm_name, self.confirm_open = kind, row.id, row.name, True
        return None

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def ask_account_access(self, on: bool):
        """The account switch: opens the confirmation (the switch shows the stored value until then)."""
        self._reload()
        if not isinstance(on, bool) or not self.portal_found:
            return rx.toast.error("This customer doesn't exist (or was removed). Reload the page.")
        if on == self.portal_enabled:
            return None
        self.confirm_kind = "account_on" if on else "account_off"
        self.confirm_id, self.confirm_name, self.confirm_open = 0, self.account_name, True
        return None

    @rx.event
    @form_only
    def set_confirm_open(self, value: bool):
        self.confirm_open = value is True

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_confirm(self):
        self.confirm_open = False
        kind, user_id = self.confirm_kind, self.confirm_id
        if kind == "reset":
            return self._show_link(await self._run(actions.send_password_reset, user_id))
        if kind == "disable":
            return toast_for(await self._run(actions.disable_portal_user, user_id))
        if kind == "sign_out":
            return toast_for(await self._run(actions.sign_out_everywhere, user_id))
        if kind in ACCOUNT_KINDS:  # the customer in the page's URL, never an id from the browser
            return toast_for(await self._run(actions.set_account_access, kind == "account_on"))
        return rx.toast.error("Nothing to confirm.")

    @rx.event
    @form_only
    def dismiss_portal_link(self):
        self.link_shown, self.link_for, self.link_note = False, "", ""
