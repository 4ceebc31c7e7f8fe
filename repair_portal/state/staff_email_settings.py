"""Settings → Emails: each template's subject and intro, with a live preview."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import select

from ..db import session_scope, write_session
from ..models import Order
from ..services import audit
from ..services.email_templates import PLACEHOLDERS, TEMPLATES, TemplateError, save_texts, texts_for
from ..services.mail import compose
from ..services.permissions import Action
from .guard import form_only, staff_action
from .mail_links import links
from .staff_session import StaffSessionState


@dataclasses.dataclass
class TemplateOption:
    key: str
    label: str
    audience: str


class EmailSettingsState(StaffSessionState):
    templates: list[TemplateOption] = []
    selected: str = "order_booked"
    subject: str = ""
    intro: str = ""
    preview_subject: str = ""
    preview_html: str = ""
    error: str = ""
    placeholders: str = ", ".join("{" + p + "}" for p in PLACEHOLDERS)

    def _preview(self) -> None:
        with session_scope() as session:
            order_id = session.exec(select(Order.id).order_by(Order.id.desc())).first()
            if order_id is None:
                self.preview_subject, self.preview_html = "", ""
                return
            rendered = compose(
                session,
                links(),
                self.selected,
                order_id,
                extra={"decision": "approved", "quote_version": "1"},
                quote_block="(the customer's message appears here)"
                if self.selected in {"customer_message", "staff_reply", "feedback_received"}
                else "",
                texts=(self.subject, self.intro),
            )
        self.preview_subject, self.preview_html = rendered.subject, rendered.html

    def _select(self, key: str) -> None:
        self.selected = key if key in TEMPLATES else "order_booked"
        with session_scope() as session:
            self.subject, self.intro = texts_for(session, self.selected)
        self.error = ""
        self._preview()

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def load_email_settings(self):
        self.templates = [TemplateOption(t.key, t.label, t.audience) for t in TEMPLATES.values()]
        self._select(self.selected)
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def choose(self, key: str):
        self._select(str(key))
        return None

    @rx.event
    @form_only
    def edit_subject(self, value: str):
        self.subject = str(value)[:300]

    @rx.event
    @form_only
    def edit_intro(self, value: str):
        self.intro = str(value)[:8000]  # saving refuses more than email_templates.MAX_INTRO with a message

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def refresh_preview(self):
        self._preview()
        return None

    @rx.event
    @staff_action(Action.EDIT_SETTINGS, leave=True)
    def handle_save(self):
        identity = self._me()
        try:
            with write_session() as session:
                save_texts(session, self.selected, self.subject, self.intro)
                audit.record(session, self._actor(identity), "settings.email_template_changed", template=self.selected)
        except TemplateError as exc:
            self.error = str(exc)
            return rx.toast.error(str(exc))
        self.error = ""
        self._preview()
        return rx.toast.success("Saved. New emails use this text.")
