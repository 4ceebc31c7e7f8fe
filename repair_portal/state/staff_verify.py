"""/staff/verify: the second sign-in step. The form posts to an HTTP route (`api/staff.py`), which alone
swaps the password-only session cookie for a full one; this state only shows that route's answer."""

from __future__ import annotations

import reflex as rx

from ..services.ids import is_digits
from ..services.staff_auth import blocked_message
from ..services.staff_mfa_sign_in import WRONG_SECOND_STEP
from .guard import staff_action
from .staff_session import StaffSessionState


class StaffVerifyState(StaffSessionState):
    error: str = ""
    next_path: str = ""

    @rx.event
    @staff_action(None, mfa_pending=True)
    def load_verify(self):
        params = self.router.url.query_parameters
        self.next_path = str(params.get("next", ""))[:200]
        self.error = ""
        if params.get("error") == "invalid":
            self.error = WRONG_SECOND_STEP
        elif params.get("error") == "locked":
            retry = str(params.get("retry", ""))
            self.error = blocked_message(int(retry) if is_digits(retry) and len(retry) < 5 else 15)
