"""Staff two-step sign-in: enrolment (secret encrypted, confirmed by a code), the password-only session
that opens nothing but the second step, the second step itself (TOTP, recovery codes, limits), roles
that must use TOTP, turning it off, passkey sign-in, and changing one's own password."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Role, ShopSettings, StaffSession, StaffUser
from repair_portal.services import audit, passkeys, staff_auth, staff_mfa, staff_password
from repair_portal.services.staff_mfa_sign_in import complete_second_step, sign_in_with_passkey
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import database_bytes
from ..soft_authenticator import SoftAuthenticator

ACTOR = audit.Actor("staff", None, "test")


@pytest.fixture
def tech(write):
    with write() as s:
        factories.shop(s)
        return factories.staff(s)


def _enrol(write, settings, user_id, clock) -> tuple[str, list[str]]:
    with write() as s:
        secret = staff_mfa.start_enrolment(s, settings, user_id).secret
    with write() as s:
        outcome = staff_mfa.confirm_enrolment(s, settings, user_id, pyotp.TOTP(secret).at(clock.now()), ACTOR)
    assert outcome.ok and len(outcome.codes) == 10
    clock.advance(seconds=30)  # the enrolment spent this step's code
    return secret, list(outcome.codes)


def _password(engine, settings, email="tech@example.com"):
    return staff_auth.sign_in(engine, settings, email=email, password=factories.STAFF_PASSWORD, ip="198.51.100.7")


def _code(secret, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def test_enrolment_stores_the_secret_encrypted_and_needs_a_code_to_turn_on(write, read, engine, settings, tech, clock):
    with write() as s:
        enrolment = staff_mfa.start_enrolment(s, settings, tech.id)
    assert enrolment.uri.startswith("otpauth://totp/Test%20Repairs:tech%40example.com")
    assert enrolment.secret.encode() not in database_bytes(engine)
    with read() as s:
        user = s.get(StaffUser, tech.id)
        assert user.totp_secret_encrypted and user.totp_enabled_at is None
    with write() as s:
        wrong = staff_mfa.confirm_enrolment(s, settings, tech.id, "000000", ACTOR)
    assert not wrong.ok and wrong.codes == ()
    with write() as s:
        right = staff_mfa.confirm_enrolment(s, settings, tech.id, _code(enrolment.secret, clock), ACTOR)
    assert right.ok
    with read() as s:
        assert staff_mfa.status(s, tech.id) == staff_mfa.MfaStatus(enabled=True, required=False, codes_left=10)
    with write() as s, pytest.raises(staff_mfa.MfaError):
        staff_mfa.start_enrolment(s, settings, tech.id)  # on already: a new secret would replace a working one


def test_with_totp_the_password_opens_only_the_second_step(write, read, engine, settings, tech, clock):
    secret, _ = _enrol(write, settings, tech.id, clock)
    first = _password(engine, settings)
    assert first.ok and first.mfa_pending and first.known_device is None
    with write() as s:
        assert staff_auth.resolve_session(s, settings, first.token) is None  # every route and page
        pending = staff_auth.resolve_session(s, settings, first.token, pending_ok=True)
        assert pending.mfa_pending and pending.user_id == tech.id
    done = complete_second_step(engine, settings, token=first.token, code=_code(secret, clock), ip="198.51.100.7")
    assert done.ok and done.method == "totp" and done.token != first.token and done.known_device
    with write() as s:
        assert staff_auth.resolve_session(s, settings, first.token, pending_ok=True) is None  # swapped, not upgraded
        full = staff_auth.resolve_session(s, settings, done.token)
        assert full.user_id == tech.id and not full.mfa_pending
    with read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-2:] == ["staff.login.password_ok", "staff.login.success"]


def test_the_same_code_never_completes_two_sign_ins(write, engine, settings, tech, clock):
    secret, _ = _enrol(write, settings, tech.id, clock)
    code = _code(secret, clock)
    assert complete_second_step(engine, settings, token=_password(engine, settings).token, code=code).ok
    again = complete_second_step(engine, settings, token=_password(engine, settings).token, code=code)
    assert not again.ok and not again.expired


def test_a_recovery_code_works_once(write, engine, settings, tech, clock):
    _, codes = _enrol(write, settings, tech.id, clock)
    first = complete_second_step(engine, settings, token=_password(engine, settings).token, code=codes[3])
    assert first.ok and first.method == "recovery"
    second = complete_second_step(engine, settings, token=_password(engine, settings).token, code=codes[3])
    assert not second.ok


def test_wrong_codes_are_limited_per_account_even_before_a_right_one(write, engine, settings, tech, clock):
    secret, _ = _enrol(write, settings, tech.id, clock)
    token = _password(engine, settings).token
    for _ in range(settings.login_max_failures_per_account):
        assert not complete_second_step(engine, settings, token=token, code="123456").ok
    blocked = complete_second_step(engine, settings, token=token, code=_code(secret, clock))
    assert not blocked.ok and blocked.retry_after_minutes > 0
    # The owner's own browser, which finished a sign-in before, still gets in.
    clock.advance(minutes=16)
    done = complete_second_step(engine, settings, token=_password(engine, settings).token, code=_code(secret, clock))
    assert done.ok
    clock.advance(seconds=30)
    token = _password(engine, settings).token
    for _ in range(settings.login_max_failures_per_account):
        complete_second_step(engine, settings, token=token, code="123456")  # a stranger with the password
    clock.advance(seconds=30)
    known = complete_second_step(
        engine,
        settings,
        token=_password(engine, settings).token,
        code=_code(secret, clock),
        known_device=done.known_device,
    )
    assert known.ok


def test_a_password_only_session_expires_after_ten_minutes(write, engine, settings, tech, clock):
    secret, _ = _enrol(write, settings, tech.id, clock)
    token = _password(engine, settings).token
    clock.advance(minutes=10)
    late = complete_second_step(engine, settings, token=token, code=_code(secret, clock))
    assert not late.ok and late.expired
    for forged in (None, "", "forged-token", "x" * 500):
        assert complete_second_step(engine, settings, token=forged, code=_code(secret, clock)).expired


def test_a_role_that_must_use_totp_enrols_before_anything_else(write, read, engine, settings, tech, clock):
    with write() as s:
        s.get(ShopSettings, 1).staff_mfa_roles = "technician,manager"
    result = _password(engine, settings)
    assert result.ok and result.must_enrol and not result.mfa_pending
    with write() as s:
        assert staff_auth.resolve_session(s, settings, result.token) is None
        assert staff_auth.resolve_session(s, settings, result.token, enrol_ok=True).must_enrol
        assert staff_mfa.status(s, tech.id).required
    secret, _ = _enrol(write, settings, tech.id, clock)
    with write() as s:  # the same session, now enrolled, opens everything
        assert not staff_auth.resolve_session(s, settings, result.token).must_enrol
    with write() as s, pytest.raises(staff_mfa.MfaError, match="role must use"):
        staff_mfa.disable(s, settings, tech.id, _code(secret, clock), ACTOR)


def test_turning_totp_off_needs_a_current_code_and_removes_the_recovery_codes(write, read, settings, tech, clock):
    secret, _ = _enrol(write, settings, tech.id, clock)
    with write() as s:
        assert not staff_mfa.disable(s, settings, tech.id, "000000", ACTOR).ok
    with write() as s:
        assert staff_mfa.disable(s, settings, tech.id, _code(secret, clock), ACTOR).ok
    with read() as s:
        user = s.get(StaffUser, tech.id)
        assert user.totp_secret_encrypted is None and user.totp_enabled_at is None
        assert staff_mfa.status(s, tech.id) == staff_mfa.MfaStatus(False, False, 0)


def test_new_recovery_codes_need_a_code_from_the_app(write, engine, settings, tech, clock):
    secret, old = _enrol(write, settings, tech.id, clock)
    with write() as s:
        assert not staff_mfa.new_recovery_codes(s, settings, tech.id, old[0], ACTOR).ok  # not a recovery code
    with write() as s:
        new = staff_mfa.new_recovery_codes(s, settings, tech.id, _code(secret, clock), ACTOR)
    assert new.ok and set(new.codes).isdisjoint(old)
    assert not complete_second_step(engine, settings, token=_password(engine, settings).token, code=old[1]).ok


def test_a_passkey_signs_in_with_both_steps_passed(write, read, engine, settings, tech, clock):
    _enrol(write, settings, tech.id, clock)
    device = SoftAuthenticator()
    with write() as s:
        options = passkeys.registration_options(
            s, settings, owner_kind="staff", owner_id=tech.id, user_name=tech.email, display_name=tech.name
        )
    with write() as s:
        assert passkeys.register(
            s, settings, owner_kind="staff", owner_id=tech.id, response_json=device.register(options), name="PC"
        ).ok
    with write() as s:
        sign_in = passkeys.authentication_options(s, settings, owner_kind="staff", client_ip="198.51.100.7")
    result = sign_in_with_passkey(engine, settings, response_json=device.assert_(sign_in))
    assert result.ok and result.method == "passkey"
    with write() as s:
        identity = staff_auth.resolve_session(s, settings, result.token)
        assert identity.user_id == tech.id and not identity.mfa_pending
    # A deactivated account's passkey opens nothing.
    with write() as s:
        staff_auth.deactivate_user(s, tech.id, ACTOR)
        sign_in = passkeys.authentication_options(s, settings, owner_kind="staff", client_ip="198.51.100.7")
    assert not sign_in_with_passkey(engine, settings, response_json=device.assert_(sign_in)).ok


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(write, read, engine, settings, tech):
    mine, other = _password(engine, settings), _password(engine, settings)
    with read() as s:
        mine_id = s.exec(select(StaffSession.id).where(StaffSession.token_hash == hash_token(mine.token))).one()

    def change(current, new, confirm=None):
        staff_password.change_password(
            engine, user_id=tech.id, session_id=mine_id, current=current, new=new, confirm=confirm or new, actor=ACTOR
        )

    with pytest.raises(staff_password.PasswordChangeError) as wrong:
        change("not my password at all", "violet kettle under the bridge")
    assert wrong.value.field == "current"
    with pytest.raises(staff_password.PasswordChangeError) as short:
        change(factories.STAFF_PASSWORD, "short")
    assert short.value.field == "password"
    with pytest.raises(staff_password.PasswordChangeError) as mismatch:
        change(factories.STAFF_PASSWORD, "violet kettle under the bridge", "violet kettle under a bridge")
    assert mismatch.value.field == "confirm"
    change(factories.STAFF_PASSWORD, "violet kettle under the bridge")
    with write() as s:
        assert staff_auth.resolve_session(s, settings, mine.token) is not None
        assert staff_auth.resolve_session(s, settings, other.token) is None
    assert staff_auth.sign_in(engine, settings, email=tech.email, password="violet kettle under the bridge").ok


def test_wrong_current_passwords_are_limited(engine, settings, tech):
    for _ in range(staff_password.LIMIT.max_failures):
        with pytest.raises(staff_password.PasswordChangeError):
            staff_password.change_password(
                engine, user_id=tech.id, session_id=0, current="wrong wrong wrong", new="x", confirm="x", actor=ACTOR
            )
    with pytest.raises(staff_password.PasswordChangeError, match="Too many"):
        staff_password.change_password(
            engine,
            user_id=tech.id,
            session_id=0,
            current=factories.STAFF_PASSWORD,
            new="violet kettle under the bridge",
            confirm="violet kettle under the bridge",
            actor=ACTOR,
        )


def test_roles_outside_the_setting_are_not_forced(write, engine, settings, tech):
    with write() as s:
        s.get(ShopSettings, 1).staff_mfa_roles = "owner"
        factories.staff(s, email="boss@example.com", role=Role.OWNER)
    assert not _password(engine, settings).must_enrol
    assert _password(engine, settings, email="boss@example.com").must_enrol
    assert timedelta(minutes=10) == staff_auth.MFA_PENDING_LIFETIME


def test_the_shop_machine_can_reset_a_lost_second_factor(write, read, engine, settings, tech, clock, monkeypatch):
    from repair_portal import cli
    from repair_portal.models import Passkey

    _enrol(write, settings, tech.id, clock)
    with write() as s:
        s.add(Passkey(owner_kind="staff", owner_id=tech.id, credential_id="abc", public_key=b"k"))
    session = _password(engine, settings).token
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setattr("repair_portal.db.get_engine", lambda *a: engine)
    assert cli.main(["reset-mfa", "TECH@example.com"]) == 0
    assert cli.main(["reset-mfa", "nobody@example.com"]) == 1
    with read() as s:
        assert staff_mfa.status(s, tech.id) == staff_mfa.MfaStatus(False, False, 0)
        assert s.exec(select(Passkey)).all() == []
    with write() as s:
        assert staff_auth.resolve_session(s, settings, session, pending_ok=True) is None
    assert not _password(engine, settings).mfa_pending
