"""Sign-in and sign-out."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

import reflex as rx

from ..db import get_engine, write_session
from ..services import staff_auth
from ..settings import get_settings
from .staff_session import HOME_ROUTE, StaffSessionState


def _safe_next(target: str) -> str:
    """Only same-site staff paths: never another host, scheme or a path that climbs out of /staff."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or "\\" in target or parts.query or parts.fragment:
        return HOME_ROUTE
    path = posixpath.normpath(parts.path) if parts.path else ""
    if path == HOME_ROUTE or path.startswith(HOME_ROUTE + "/"):
        return path
    return HOME_ROUTE


class StaffLoginState(StaffSessionState):
    error: str = ""
    submitting: bool = False

    @rx.event
    def load_login(self):
        self.error = ""
        self.submitting = False
        if self._require_staff() is not None:
            return rx.redirect(HOME_ROUTE, replace=True)
        return None

    @rx.event(background=True)
    async def handle_login(self, form_data: dict):
        async with self:
            if self.submitting:
                return
            self.submitting = True
            self.error = ""
            ip, user_agent = self._client()
            target = _safe_next(self.router.url.query_parameters.get("next", HOME_ROUTE))
        email = str(form_data.get("email", ""))[:254]
        password = str(form_data.get("password", ""))[:1024]

        def attempt():
            return staff_auth.sign_in(
                get_engine(), get_settings(), email=email, password=password, ip=ip, user_agent=user_agent
            )

        result = await rx.run_in_thread(attempt)
        async with self:
            self.submitting = False
            if not result.ok:
                self.error = result.error
                return
            self.session_token = result.token
            self._require_staff()
        return rx.redirect(target, replace=True)

    @rx.event
    def handle_logout(self):
        token = self.session_token
        ip, user_agent = self._client()
        with write_session() as session:
            staff_auth.sign_out(session, token, ip=ip, user_agent=user_agent)
        self.session_token = ""
        self.staff_name = self.staff_role = self.staff_email = ""
        return rx.redirect("/staff/login", replace=True)
