"""/staff/profile: a staff member's own TOTP and passkeys. Each function is one transaction around the
services (services/staff_mfa.py, services/passkeys.py); the state handler has already checked who is
asking, and passes only that person's id."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from ..db import write_session
from ..integrations.qr import qr_png
from ..models import StaffUser
from ..services import audit, staff_auth, staff_mfa
from ..settings import get_settings
from . import passkeys as own_passkeys
from .passkeys import PasskeyLine

OWNER = staff_mfa.OWNER


@dataclass(frozen=True)
class ProfileView:
    enabled: bool
    required: bool
    must_enrol: bool
    codes_left: int
    passkeys: list[PasskeyLine]


@dataclass(frozen=True)
class Setup:
    """What the page shows once while enrolling (never stored in page state)."""

    error: str = ""
    secret: str = ""
    qr_data_url: str = ""
    uri: str = ""  # otpauth://, for an authenticator app on the same device


def view(user_id: int) -> ProfileView:
    with write_session() as session:
        status = staff_mfa.status(session, user_id)
        user = session.get(StaffUser, user_id)
        enrol = staff_auth.must_enrol(session, user)
    return ProfileView(status.enabled, status.required, enrol, status.codes_left, own_passkeys.lines(OWNER, user_id))


def grouped(secret: str) -> str:
    """ "ABCD EFGH ...": easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def start_totp(user_id: int) -> Setup:
    try:
        with write_session() as session:
            enrolment = staff_mfa.start_enrolment(session, get_settings(), user_id)
    except staff_mfa.MfaError as exc:
        return Setup(error=str(exc))
    png = qr_png(enrolment.uri, box_size=6, border=2)
    return Setup(
        secret=grouped(enrolment.secret),
        qr_data_url="data:image/png;base64," + base64.b64encode(png).decode(),
        uri=enrolment.uri,
    )


def _run(fn, user_id: int, code: str, actor: audit.Actor) -> staff_mfa.Outcome:
    try:
        with write_session() as session:
            return fn(session, get_settings(), user_id, str(code)[:64], actor)
    except staff_mfa.MfaError as exc:
        return staff_mfa.Outcome(False, str(exc))


def confirm_totp(user_id: int, code: str, actor: audit.Actor) -> staff_mfa.Outcome:
    return _run(staff_mfa.confirm_enrolment, user_id, code, actor)


def disable_totp(user_id: int, code: str, actor: audit.Actor) -> staff_mfa.Outcome:
    return _run(staff_mfa.disable, user_id, code, actor)


def new_codes(user_id: int, code: str, actor: audit.Actor) -> staff_mfa.Outcome:
    return _run(staff_mfa.new_recovery_codes, user_id, code, actor)
