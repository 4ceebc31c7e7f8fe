"""services/passkeys.py with a software authenticator: registration and usernameless sign-in, single-use
short-lived server-side challenges, origin and RP checks, user verification, the signature counter."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from repair_portal.models import Passkey, WebAuthnChallenge
from repair_portal.services import passkeys

from .. import factories
from ..soft_authenticator import SoftAuthenticator


@pytest.fixture
def user(write):
    with write() as s:
        factories.shop(s)
        return factories.staff(s)


def _options(write, settings, user_id, kind="staff") -> str:
    with write() as s:
        return passkeys.registration_options(
            s, settings, owner_kind=kind, owner_id=user_id, user_name="tess@example.com", display_name="Tess"
        )


def _register(write, settings, user_id, device: SoftAuthenticator, kind="staff", name="Laptop", **kw):
    answer = device.register(_options(write, settings, user_id, kind), **kw)
    with write() as s:
        return passkeys.register(
            s, settings, owner_kind=kind, owner_id=user_id, response_json=answer, name=name
        ), answer


def _sign_in_options(write, settings, kind="staff", ip="198.51.100.7") -> str:
    with write() as s:
        return passkeys.authentication_options(s, settings, owner_kind=kind, client_ip=ip)


def _authenticate(write, settings, answer: str, kind="staff"):
    with write() as s:
        return passkeys.authenticate(s, settings, owner_kind=kind, response_json=answer)


def test_options_name_the_shop_and_public_url_and_ask_for_a_discoverable_verified_passkey(write, settings, user):
    options = json.loads(_options(write, settings, user.id))
    assert options["rp"] == {"id": "shop.test", "name": "Test Repairs"}
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == "tess@example.com"
    sign_in = json.loads(_sign_in_options(write, settings))
    assert sign_in["rpId"] == "shop.test" and sign_in["allowCredentials"] == []
    assert sign_in["userVerification"] == "required"


def test_registering_then_signing_in_proves_the_owner(write, read, settings, user):
    device = SoftAuthenticator()
    result, _ = _register(write, settings, user.id, device, name="  Front   desk PC ")
    assert result.ok and result.owner_id == user.id
    with read() as s:
        stored = s.exec(select(Passkey)).one()
        assert (stored.owner_kind, stored.owner_id, stored.name, stored.sign_count) == (
            "staff",
            user.id,
            "Front desk PC",
            0,
        )
    proved = _authenticate(write, settings, device.assert_(_sign_in_options(write, settings)))
    assert proved.ok and proved.owner_id == user.id and proved.passkey_id == stored.id
    with read() as s:
        stored = s.exec(select(Passkey)).one()
        assert stored.sign_count == 1 and stored.last_used_at is not None
        assert [row.name for row in passkeys.list_passkeys(s, "staff", user.id)] == ["Front desk PC"]


def test_a_challenge_works_once(write, settings, user):
    device = SoftAuthenticator()
    options = _options(write, settings, user.id)
    answer = device.register(options)
    with write() as s:
        assert passkeys.register(s, settings, owner_kind="staff", owner_id=user.id, response_json=answer, name="").ok
    with write() as s:  # the same answer again (replayed): its challenge is spent
        again = passkeys.register(s, settings, owner_kind="staff", owner_id=user.id, response_json=answer, name="")
        assert not again.ok
    sign_in = _sign_in_options(write, settings)
    first = device.assert_(sign_in)
    assert _authenticate(write, settings, first).ok
    assert not _authenticate(write, settings, first).ok
    assert not _authenticate(write, settings, device.assert_(sign_in)).ok  # a fresh signature, the spent challenge


def test_a_challenge_expires_after_five_minutes(write, settings, user, clock):
    device = SoftAuthenticator()
    _register(write, settings, user.id, device)
    sign_in = _sign_in_options(write, settings)
    clock.advance(minutes=5, seconds=1)
    assert not _authenticate(write, settings, device.assert_(sign_in)).ok


def test_a_wrong_answer_still_spends_the_challenge(write, read, settings, user):
    device = SoftAuthenticator()
    _register(write, settings, user.id, device)
    sign_in = _sign_in_options(write, settings)
    assert not _authenticate(write, settings, device.assert_(sign_in, origin="https://evil.example")).ok
    assert not _authenticate(write, settings, device.assert_(sign_in)).ok
    with read() as s:
        assert all(row.used_at is not None for row in s.exec(select(WebAuthnChallenge)))


def test_registration_is_refused_from_another_origin_or_rp_or_for_someone_else(write, read, settings, user):
    assert not _register(write, settings, user.id, SoftAuthenticator(), origin="https://evil.example")[0].ok
    assert not _register(write, settings, user.id, SoftAuthenticator(), rp_id="evil.example")[0].ok
    # A challenge issued to one staff member can't register a passkey on another's account.
    answer = SoftAuthenticator().register(_options(write, settings, user.id))
    with write() as s:
        other = passkeys.register(s, settings, owner_kind="staff", owner_id=user.id + 1, response_json=answer, name="")
    assert not other.ok
    with read() as s:
        assert s.exec(select(Passkey)).all() == []


def test_user_verification_is_required(write, settings, user):
    assert not _register(write, settings, user.id, SoftAuthenticator(user_verified=False))[0].ok
    device = SoftAuthenticator()
    _register(write, settings, user.id, device)
    device.user_verified = False
    assert not _authenticate(write, settings, device.assert_(_sign_in_options(write, settings))).ok


def test_the_signature_counter_must_grow_a_clone_is_refused(write, read, settings, user):
    device = SoftAuthenticator()
    _register(write, settings, user.id, device)
    assert _authenticate(write, settings, device.assert_(_sign_in_options(write, settings), count=5)).ok
    for stale in (5, 3, 0):  # a copy of the key whose counter lags behind
        assert not _authenticate(write, settings, device.assert_(_sign_in_options(write, settings), count=stale)).ok
    assert _authenticate(write, settings, device.assert_(_sign_in_options(write, settings), count=6)).ok
    with read() as s:
        assert s.exec(select(Passkey)).one().sign_count == 6


def test_a_staff_passkey_never_opens_the_portal_door_and_vice_versa(write, settings, user):
    device = SoftAuthenticator()
    _register(write, settings, user.id, device, kind="portal")
    assert not _authenticate(write, settings, device.assert_(_sign_in_options(write, settings, "staff"))).ok
    assert _authenticate(write, settings, device.assert_(_sign_in_options(write, settings, "portal")), "portal").ok


def test_a_forged_signature_or_user_handle_is_refused(write, settings, user):
    device = SoftAuthenticator()
    _register(write, settings, user.id, device)
    impostor = SoftAuthenticator(credential_id=device.credential_id, user_handle=device.user_handle)
    assert not _authenticate(write, settings, impostor.assert_(_sign_in_options(write, settings))).ok
    wrong_handle = device.assert_(_sign_in_options(write, settings), user_handle=b"someone else entirely")
    assert not _authenticate(write, settings, wrong_handle).ok


@pytest.mark.parametrize(
    "answer", ["", "{}", "not json", '{"response": "x"}', '{"response": {"clientDataJSON": "%%%"}}', "x" * 40_000]
)
def test_malformed_answers_are_refused_without_an_error(write, settings, user, answer):
    assert not _authenticate(write, settings, answer).ok
    with write() as s:
        assert not passkeys.register(
            s, settings, owner_kind="staff", owner_id=user.id, response_json=answer, name=""
        ).ok


def test_the_same_device_cant_register_twice_and_removal_is_scoped_to_the_owner(write, read, settings, user):
    device = SoftAuthenticator()
    assert _register(write, settings, user.id, device)[0].ok
    options = json.loads(_options(write, settings, user.id))
    assert [c["id"] for c in options["excludeCredentials"]] == [passkeys.bytes_to_base64url(device.credential_id)]
    assert _register(write, settings, user.id, device)[0].error == passkeys.DUPLICATE
    with read() as s:
        passkey_id = s.exec(select(Passkey.id)).one()
    with write() as s:
        assert not passkeys.remove_passkey(s, "staff", user.id + 1, passkey_id)
        assert not passkeys.remove_passkey(s, "portal", user.id, passkey_id)
        assert passkeys.remove_passkey(s, "staff", user.id, passkey_id)


def test_challenges_per_address_are_limited(write, settings, user):
    for _ in range(passkeys.OPTIONS_LIMIT.max_failures):
        assert _sign_in_options(write, settings, ip="203.0.113.50") is not None
    assert _sign_in_options(write, settings, ip="203.0.113.50") is None
    assert _sign_in_options(write, settings, ip="203.0.113.51") is not None
