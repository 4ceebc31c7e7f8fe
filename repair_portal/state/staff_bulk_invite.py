"""Bulk invitations on the customer list: tick customers (or "all N matching this search"), choose the
permission group and "require MFA", send. Ticking only changes this tab's selection; what is sent is
decided on the server when the invitation goes out (the search is run again there)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import portal_users as actions
from ..db import session_scope
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.portal_user_view import groups
from ..services.portal_users import MAX_BULK, matching_customer_ids
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_customers import StaffCustomersState


@dataclasses.dataclass
class BulkGroupOption:
    value: str
    label: str


class StaffBulkInviteState(StaffCustomersState):
    selected_ids: list[int] = []
    all_matching: bool = False
    bulk_open: bool = False
    bulk_groups: list[BulkGroupOption] = []
    bulk_group: str = ""
    bulk_mfa: bool = False
    bulk_error: str = ""
    bulk_result: str = ""
    bulk_result_ok: bool = True

    @rx.var
    def selected_count(self) -> int:
        return self.customers_total if self.all_matching else len(self.selected_ids)

    @rx.var
    def page_all_selected(self) -> bool:
        ids = {row.id for row in self.customer_rows}
        return bool(ids) and (self.all_matching or ids <= set(self.selected_ids))

    @rx.event
    @form_only
    def toggle_customer(self, customer_id: int, value: bool):
        cid = parse_id(customer_id)
        if cid is None:
            return
        if self.all_matching:  # unticking one of "all matching" turns it into a list of this page's others
            self.all_matching = False
            self.selected_ids = [row.id for row in self.customer_rows]
        chosen = [i for i in self.selected_ids if i != cid]
        self.selected_ids = [*chosen, cid] if value is True else chosen

    @rx.event
    @form_only
    def toggle_page(self, value: bool):
        page = [row.id for row in self.customer_rows]
        self.all_matching = False
        kept = [i for i in self.selected_ids if i not in page]
        self.selected_ids = [*kept, *page] if value is True else kept

    @rx.event
    @form_only
    def select_all_matching(self):
        self.all_matching = True

    @rx.event
    @form_only
    def clear_selection(self):
        self.selected_ids, self.all_matching = [], False

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    def open_bulk_invite(self):
        if not self.selected_count:
            return rx.toast.info("Tick the customers to invite first.")
        with session_scope() as session:
            choices = groups(session)
        self.bulk_groups = [BulkGroupOption(str(g.id), g.name) for g in choices]
        self.bulk_group = self.bulk_groups[0].value if self.bulk_groups else ""
        self.bulk_mfa, self.bulk_error, self.bulk_open = False, "", True
        return None

    @rx.event
    @form_only
    def set_bulk_open(self, value: bool):
        self.bulk_open = value is True

    @rx.event
    @form_only
    def set_bulk_group(self, value: str):
        self.bulk_group = str(value)[:20]

    @rx.event
    @form_only
    def set_bulk_mfa(self, value: bool):
        self.bulk_mfa = value is True

    @rx.event
    @staff_action(Action.EDIT_CUSTOMERS)
    async def handle_bulk_invite(self, form_data: dict):  # the dialog's form: the choices are in state
        actor = self._actor(self._me())
        if self.all_matching:
            with session_scope() as session:
                ids, _ = matching_customer_ids(session, self.customer_search)
        else:
            ids = list(self.selected_ids[: MAX_BULK + 1])
        group_id, mfa = parse_id(self.bulk_group), self.bulk_mfa
        outcome = await rx.run_in_thread(lambda: actions.bulk_invite(ids, group_id, mfa, actor))
        if not outcome.ok:
            self.bulk_error = outcome.message
            return None
        self.bulk_open, self.bulk_error = False, ""
        self.bulk_result, self.bulk_result_ok = outcome.message, outcome.level == "success"
        self.selected_ids, self.all_matching = [], False
        self._load()
        return toast_for(outcome)

    @rx.event
    @form_only
    def dismiss_bulk_result(self):
        self.bulk_result = ""
