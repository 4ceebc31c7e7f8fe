"""Booking a new order in at the counter."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import select

from .. import live, routes
from ..actions import intake
from ..db import session_scope
from ..models import Location, StaffUser
from ..services.intake import IntakeForm, find_customer
from ..services.permissions import Action, can
from .guard import staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState


@dataclasses.dataclass
class Option:
    id: str
    name: str


class StaffIntakeState(StaffSessionState):
    locations: list[Option] = []
    technicians: list[Option] = []
    errors: dict[str, str] = {}
    match_notice: str = ""
    _last_form: str = ""
    _last_order_id: int = 0

    @rx.event
    @staff_action(Action.CREATE_ORDER, leave=True)
    def load_intake(self):
        identity = self._require_staff()
        if identity is None:
            return self._login_redirect()
        if not can(identity.role, Action.CREATE_ORDER):
            return [rx.redirect(routes.STAFF_HOME, replace=True), rx.toast.error("Your role can't book orders in.")]
        self.errors, self.match_notice = {}, ""
        with session_scope() as session:
            self.locations = [
                Option(str(loc.id), loc.name)
                for loc in session.exec(select(Location).where(Location.active).order_by(Location.id))
            ]
            self.technicians = [
                Option(str(u.id), u.name)
                for u in session.exec(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
            ]
        return None

    @rx.event
    @staff_action(Action.CREATE_ORDER)
    def check_contact(self, value: str):
        """On leaving the phone or email field: say when this customer is already on file."""
        if self._require_staff() is None:
            return
        value = str(value or "").strip()[:254]
        if not value:
            return
        email, phone = (value.lower(), "") if "@" in value else ("", value)
        with session_scope() as session:
            match = find_customer(session, email, phone)
            self.match_notice = (
                f"On file: {match.full_name} ({match.phone or match.email}). With the last name "
                f"“{match.last_name}” the order joins their record; another last name makes a new customer."
                if match
                else ""
            )

    @rx.event
    @staff_action(Action.CREATE_ORDER)
    async def handle_book_in(self, form_data: dict):
        identity, denied = self._require(Action.CREATE_ORDER, "Your role can't book orders in.")
        if denied:
            return denied
        form = IntakeForm.from_form(form_data)
        fingerprint = repr(form)
        if fingerprint == self._last_form and self._last_order_id:
            # a double-click or a resubmitted form: one order, not two
            return rx.redirect(routes.staff_order(self._last_order_id))
        actor = self._actor(identity)
        outcome = await rx.run_in_thread(lambda: intake.book_in_order(form, actor))
        self.errors = outcome.errors
        if not outcome.ok:
            return toast_for(outcome)
        self._last_form, self._last_order_id = fingerprint, outcome.order_id
        live.publish_board()
        return [rx.redirect(routes.staff_order(outcome.order_id)), toast_for(outcome)]
