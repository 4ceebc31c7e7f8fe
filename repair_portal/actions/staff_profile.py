"""/staff/profile: a staff member's own TOTP and passkeys. Each function is one transaction around the
services (services/staff_mfa.py, services/passkeys.py); the state handler has already checked who is
asking, and passes only that person's id."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from ..db import write_session
from ..integrations.qr import qr_png
from ..models import StaffUser
from ..services import audit, passkeys, staff_auth, staff_mfa, timefmt
from ..settings import get_settings

OWNER = staff_mfa.OWNER


@dataclass(frozen=True)
class PasskeyLine:
    id: int
    name: str
    created: str
    last_used: str


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
        tz = timefmt.shop_timezone(session)
        rows = passkeys.list_passkeys(session, OWNER, user_id)
        enrol = staff_auth.must_enrol(session, user)
    lines = [
        PasskeyLine(
            p.id,
            p.name,
            timefmt.date(p.created_at, tz),
            timefmt.ago(p.last_used_at) if p.last_used_at else "Not used yet",
        )
        for p in rows
    ]
    return ProfileView(status.enabled, status.required, enrol, status.codes_left, lines)


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


def passkey_options(user_id: int) -> str | None:
    with write_session() as session:
        user = session.get(StaffUser, user_id)
        if user is None or not user.active:
            return None
        return passkeys.registration_options(
            session, get_settings(), owner_kind=OWNER, owner_id=user_id, user_name=user.email, display_name=user.name
        )


def add_passkey(user_id: int, answer: str, name: str, actor: audit.Actor) -> passkeys.PasskeyResult:
    """Verify the browser's answer; an answer that is only the browser's {"error": ...} costs nothing."""
    try:
        stopped = json.loads(answer).get("error") if answer and len(answer) < 200 else None
    except (ValueError, AttributeError):
        stopped = None
    if stopped:
        message = {
            "cancelled": "Adding the passkey was cancelled.",
            "exists": "This device already holds a passkey for your account.",
            "unsupported": "This browser can't create passkeys.",
        }.get(str(stopped), passkeys.REGISTER_REFUSED)
        return passkeys.PasskeyResult(False, message)
    with write_session() as session:
        result = passkeys.register(
            session, get_settings(), owner_kind=OWNER, owner_id=user_id, response_json=answer, name=name
        )
        if result.ok:
            audit.record(session, actor, "staff.passkey.added", passkey_id=result.passkey_id)
    return result


def remove_passkey(user_id: int, passkey_id: int, actor: audit.Actor) -> bool:
    with write_session() as session:
        removed = passkeys.remove_passkey(session, OWNER, user_id, passkey_id)
        if removed:
            audit.record(session, actor, "staff.passkey.removed", passkey_id=passkey_id)
    return removed
