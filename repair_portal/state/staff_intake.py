"""Booking a new order in at the counter."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import select

from .. import live, routes
from ..actions import intake
from ..db import session_scope
from ..models import Customer, Location, ShopSettings, StaffUser
from ..services import phones
from ..services.intake import IntakeForm, checklist, find_customer
from ..services.permissions import Action, can
from .guard import form_only, staff_action
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
    has_match: bool = False
    location_choice: str = ""  # the staff member's own location to start with (or the only one)
    checklist: list[str] = []  # the shop's pre-repair checklist
    can_take_deposit: bool = False
    phone_entered: bool = False  # "Text me updates" can be ticked only with a mobile number typed
    texts_ticked: bool = False
    _match_id: int = 0
    _last_form: str = ""
    _last_order_id: int = 0

    @rx.event
    @staff_action(Action.CREATE_ORDER, leave=True)
    def load_intake(self):
        identity = self._me()
        self.errors, self.match_notice, self.has_match, self._match_id = {}, "", False, 0
        self.phone_entered = self.texts_ticked = False
        with session_scope() as session:
            self.locations = [
                Option(str(loc.id), loc.name)
                for loc in session.exec(select(Location).where(Location.active).order_by(Location.id))
            ]
            mine = session.get(StaffUser, identity.user_id)
            own = str(mine.location_id) if mine and mine.location_id else ""
            ids = [o.id for o in self.locations]
            self.location_choice = own if own in ids else (ids[0] if len(ids) == 1 else "")
            self.checklist = checklist(ShopSettings.current(session))
            self.can_take_deposit = can(identity.role, Action.RECORD_PAYMENTS)
            self.technicians = [
                Option(str(u.id), u.name)
                for u in session.exec(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
            ]
        return None

    @rx.event
    @staff_action(Action.CREATE_ORDER)
    def check_contact(self, value: str):
        """On leaving the phone or email field: say when this customer is already on file."""
        value = str(value or "").strip()[:254]
        if not value:
            return
        email, phone = (value.lower(), "") if "@" in value else ("", value)
        with session_scope() as session:
            match = find_customer(session, email, phone)
            reach = (phones.display(match.phone, phones.shop_region(session)) or match.email) if match else ""
            self.match_notice = (
                f"On file: {match.full_name} ({reach}). With the last name "
                f"“{match.last_name}” the order joins their record; another last name makes a new customer."
                if match
                else ""
            )
            self.has_match, self._match_id = match is not None, match.id if match else 0

    @rx.event
    @staff_action(Action.CREATE_ORDER)
    def use_match(self):
        """Fill the form's contact fields from the customer on file (a returning customer)."""
        with session_scope() as session:
            customer = session.get(Customer, self._match_id) if self._match_id else None
            if customer is None:
                self.has_match = False
                return None
            values = {
                "f-first_name": customer.first_name,
                "f-last_name": customer.last_name,
                "f-phone": phones.display(customer.phone, phones.shop_region(session)),
                "f-email": customer.email,
                "f-company": customer.company,
            }
        self.match_notice = f"Filled in from {customer.full_name}'s record: the order joins it."
        self.has_match = False
        self.phone_entered = bool(values["f-phone"].strip())
        return [rx.set_value(element_id, value) for element_id, value in values.items()]

    @rx.event
    @form_only
    def set_phone_entered(self, value: str):
        self.phone_entered = bool(str(value or "").strip())

    @rx.event
    @form_only
    def set_texts_ticked(self, value: bool):
        self.texts_ticked = value is True

    @rx.event
    @form_only
    def set_location_choice(self, value: str):
        self.location_choice = str(value)[:12]

    @rx.event
    @staff_action(Action.CREATE_ORDER)
    async def handle_book_in(self, form_data: dict):
        identity = self._me()
        form = IntakeForm.from_form(form_data)
        if form.deposit and not can(identity.role, Action.RECORD_PAYMENTS):
            self.errors = {"deposit": "Your role can't record payments."}
            return None
        fingerprint = form.fingerprint()
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
