"""The sign-in page. The form itself posts to an HTTP route (`api/staff.py`), which alone writes the
HttpOnly session cookie; this state only shows that route's answer."""

from __future__ import annotations

import reflex as rx

from ..services.ids import is_digits
from ..services.staff_auth import GENERIC_LOGIN_ERROR, blocked_message
from .guard import public
from .staff_session import HOME_ROUTE, StaffSessionState


class StaffLoginState(StaffSessionState):
    error: str = ""
    next_path: str = ""

    @rx.event
    @public
    def load_login(self):
        params = self.router.url.query_parameters
        self.next_path = str(params.get("next", ""))[:200]
        self.error = ""
        if self._require_staff() is not None:
            return rx.redirect(HOME_ROUTE, replace=True)
        if params.get("error") == "invalid":
            self.error = GENERIC_LOGIN_ERROR
        elif params.get("error") == "locked":
            retry = str(params.get("retry", ""))
            self.error = blocked_message(int(retry) if is_digits(retry) and len(retry) < 5 else 15)
        return None
