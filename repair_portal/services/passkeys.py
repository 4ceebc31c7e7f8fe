"""Passkeys (WebAuthn, via the `webauthn` package) for any owner: a staff member ("staff") or a portal
user ("portal"). The owner's own sign-in code opens the session; this module only proves who holds
the credential.

- The relying party is the shop's PUBLIC_URL: its host is the RP id, its origin the only origin accepted.
- Every ceremony starts with a challenge kept server-side (`WebAuthnChallenge`: SHA-256 only, purpose,
  owner, five minutes). The browser's signed answer carries the challenge back; it is looked up and
  spent with one conditional UPDATE before anything else, so it works once, even when the answer
  turns out to be wrong. Nothing about it lives in Reflex state or in a cookie.
- Sign-in is usernameless (discoverable credentials): the credential id finds the passkey, and its
  owner kind must match the door used (a staff passkey never opens the portal and vice versa).
- User verification (the device's PIN or biometric) is required, so a passkey sign-in is two factors.
- The signature counter must grow (when the authenticator keeps one); the new count is stored with a
  compare-and-set, so two uses of a cloned authenticator can't both pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, update
from sqlmodel import Session, select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..models import Passkey, ShopSettings, WebAuthnChallenge
from ..settings import Settings
from . import clock, ratelimit
from .text_input import clean_text, text_problem

log = logging.getLogger("repair_portal.security")

OWNER_KINDS = ("staff", "portal")
REGISTER, SIGN_IN = "register", "sign_in"
CHALLENGE_LIFETIME = timedelta(minutes=5)
BROWSER_TIMEOUT_MS = 120_000
MAX_RESPONSE_CHARS = 32_000  # a "none" attestation is a few hundred bytes
MAX_NAME = 100
# Challenges handed out per client address (each one is a row): bounds what the public sign-in page can cost.
OPTIONS_LIMIT = ratelimit.Limit("passkey_options_ip", 30, timedelta(minutes=5))

REFUSED = "That passkey didn't work. Try again, or sign in with your password."
REGISTER_REFUSED = "The passkey wasn't saved. Try again."
DUPLICATE = "That passkey is already registered."
TOO_MANY = "Too many passkey attempts from this address. Wait a few minutes and try again."


@dataclass(frozen=True)
class RelyingParty:
    id: str  # the host of PUBLIC_URL ("shop.example.com", "localhost")
    name: str  # the shop's name, shown by the browser and the authenticator
    origin: str  # "https://shop.example.com"


def relying_party(session: Session, settings: Settings) -> RelyingParty:
    parts = urlsplit(settings.public_url)
    name = ShopSettings.current(session).name.strip() or "Repair Portal"
    return RelyingParty(id=parts.hostname or "localhost", name=name[:64], origin=f"{parts.scheme}://{parts.netloc}")


@dataclass(frozen=True)
class PasskeyResult:
    ok: bool
    error: str = ""
    passkey_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class PasskeyRow:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def user_handle(secret_key: str, owner_kind: str, owner_id: int) -> bytes:
    """The opaque user id an authenticator stores with the credential (the same for every passkey of one
    owner, so a new one replaces an old one on the same device); it names nobody."""
    msg = f"passkey-user:{owner_kind}:{owner_id}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).digest()


def _check_kind(owner_kind: str) -> None:
    if owner_kind not in OWNER_KINDS:
        raise ValueError(f"unknown passkey owner kind {owner_kind!r}")


def _challenge_hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _store_challenge(session: Session, challenge: bytes, purpose: str, owner_kind: str, owner_id: int | None) -> None:
    now = clock.now()
    session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now - timedelta(hours=1)))
    session.add(
        WebAuthnChallenge(
            challenge_hash=_challenge_hash(challenge),
            purpose=purpose,
            owner_kind=owner_kind,
            owner_id=owner_id,
            created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    session.flush()


def _spend_challenge(session: Session, challenge: bytes, purpose: str, owner_kind: str, owner_id: int | None) -> bool:
    """Spend a live challenge issued for exactly this ceremony and owner; False for anything else."""
    now = clock.now()
    query = (
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.challenge_hash == _challenge_hash(challenge))
        .where(WebAuthnChallenge.purpose == purpose)
        .where(WebAuthnChallenge.owner_kind == owner_kind)
        .where(WebAuthnChallenge.used_at.is_(None))
        .where(WebAuthnChallenge.expires_at > now)
    )
    if owner_id is None:
        query = query.where(WebAuthnChallenge.owner_id.is_(None))
    else:
        query = query.where(WebAuthnChallenge.owner_id == owner_id)
    return bool(session.execute(query.values(used_at=now)).rowcount)


def _parse(response_json: str) -> tuple[dict, bytes] | None:
    """(the credential as a dict, the challenge its clientDataJSON carries), or None when malformed."""
    if not isinstance(response_json, str) or not response_json or len(response_json) > MAX_RESPONSE_CHARS:
        return None
    try:
        data = json.loads(response_json)
        client_data = json.loads(base64url_to_bytes(data["response"]["clientDataJSON"]))
        challenge = base64url_to_bytes(client_data["challenge"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(data, dict) or not challenge:
        return None
    return data, challenge


# --- registration (a signed-in owner adds a passkey) ----------------------------------------------


def registration_options(
    session: Session, settings: Settings, *, owner_kind: str, owner_id: int, user_name: str, display_name: str
) -> str:
    """The options JSON for `navigator.credentials.create()`; its challenge is stored for five minutes."""
    _check_kind(owner_kind)
    rp = relying_party(session, settings)
    existing = session.exec(
        select(Passkey.credential_id).where(Passkey.owner_kind == owner_kind).where(Passkey.owner_id == owner_id)
    ).all()
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user_name[:64] or "user",
        user_id=user_handle(settings.secret_key, owner_kind, owner_id),
        user_display_name=(display_name or user_name)[:64],
        timeout=BROWSER_TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in existing],
    )
    _store_challenge(session, options.challenge, REGISTER, owner_kind, owner_id)
    return options_to_json(options)


def name_problem(name) -> str | None:
    """What is wrong with a passkey's name as typed (too long, a NUL), or None."""
    return text_problem(name, "The passkey's name", MAX_NAME, one_line=True)


def register(
    session: Session, settings: Settings, *, owner_kind: str, owner_id: int, response_json: str, name: str
) -> PasskeyResult:
    """Check the browser's answer to `registration_options` and keep the public key.

    Never raises for a bad answer, so the caller's transaction commits the spent challenge."""
    _check_kind(owner_kind)
    if (problem := name_problem(name)) is not None:
        return PasskeyResult(False, problem)
    parsed = _parse(response_json)
    if parsed is None:
        return PasskeyResult(False, REGISTER_REFUSED)
    data, challenge = parsed
    if not _spend_challenge(session, challenge, REGISTER, owner_kind, owner_id):
        return PasskeyResult(False, "That took too long or was already used. Try again.")
    rp = relying_party(session, settings)
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except Exception as exc:  # the library raises several types for malformed or forged answers
        log.info("passkey registration refused: %s", type(exc).__name__)
        return PasskeyResult(False, REGISTER_REFUSED)
    credential_id = bytes_to_base64url(verified.credential_id)
    if session.exec(select(Passkey.id).where(Passkey.credential_id == credential_id)).first() is not None:
        return PasskeyResult(False, DUPLICATE)
    passkey = Passkey(
        owner_kind=owner_kind,
        owner_id=owner_id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=clean_text(name, "The passkey's name", MAX_NAME, one_line=True) or "Passkey",
        created_at=clock.now(),
    )
    session.add(passkey)
    session.flush()
    return PasskeyResult(True, passkey_id=passkey.id, owner_id=owner_id)


# --- sign-in (usernameless) -------------------------------------------------------------------------


def authentication_options(session: Session, settings: Settings, *, owner_kind: str, client_ip: str) -> str | None:
    """The options JSON for `navigator.credentials.get()` (any discoverable passkey of this site), or None
    when this address asked for too many challenges lately."""
    _check_kind(owner_kind)
    verdict, _ = ratelimit.acquire(session, OPTIONS_LIMIT, f"{owner_kind}:{client_ip or 'unknown'}")
    if verdict.blocked:
        return None
    rp = relying_party(session, settings)
    options = generate_authentication_options(
        rp_id=rp.id, timeout=BROWSER_TIMEOUT_MS, user_verification=UserVerificationRequirement.REQUIRED
    )
    _store_challenge(session, options.challenge, SIGN_IN, owner_kind, None)
    return options_to_json(options)


def authenticate(session: Session, settings: Settings, *, owner_kind: str, response_json: str) -> PasskeyResult:
    """Who the browser's answer to `authentication_options` proves to be: `owner_id` when ok. The caller
    still checks that owner is active. Never raises for a bad answer (the challenge stays spent)."""
    _check_kind(owner_kind)
    parsed = _parse(response_json)
    if parsed is None:
        return PasskeyResult(False, REFUSED)
    data, challenge = parsed
    if not _spend_challenge(session, challenge, SIGN_IN, owner_kind, None):
        return PasskeyResult(False, "That took too long or was already used. Try again.")
    credential_id = str(data.get("id", ""))[:400]
    passkey = session.exec(
        select(Passkey).where(Passkey.credential_id == credential_id).where(Passkey.owner_kind == owner_kind)
    ).first()
    if passkey is None:
        return PasskeyResult(False, REFUSED)
    handle = (data.get("response") or {}).get("userHandle")
    if handle:
        try:
            same = hmac.compare_digest(
                base64url_to_bytes(str(handle)), user_handle(settings.secret_key, owner_kind, passkey.owner_id)
            )
        except ValueError:
            same = False
        if not same:
            return PasskeyResult(False, REFUSED)
    rp = relying_party(session, settings)
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except Exception as exc:  # a wrong signature, a counter that went backwards (a clone), a foreign origin
        log.warning("passkey sign-in refused for %s %s: %s", owner_kind, passkey.owner_id, exc)
        return PasskeyResult(False, REFUSED)
    stored = session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id)
        .where(Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=clock.now())
    )
    if not stored.rowcount:  # another sign-in with the same count got there first
        return PasskeyResult(False, REFUSED)
    return PasskeyResult(True, passkey_id=passkey.id, owner_id=passkey.owner_id)


# --- the owner's list ---------------------------------------------------------------------------------


def list_passkeys(session: Session, owner_kind: str, owner_id: int) -> list[PasskeyRow]:
    rows = session.exec(
        select(Passkey).where(Passkey.owner_kind == owner_kind).where(Passkey.owner_id == owner_id).order_by(Passkey.id)
    ).all()
    return [PasskeyRow(p.id, p.name, p.created_at, p.last_used_at) for p in rows]


def remove_passkey(session: Session, owner_kind: str, owner_id: int, passkey_id: int) -> bool:
    """Delete one of the owner's own passkeys (an id of someone else's deletes nothing)."""
    result = session.execute(
        delete(Passkey)
        .where(Passkey.id == passkey_id)
        .where(Passkey.owner_kind == owner_kind)
        .where(Passkey.owner_id == owner_id)
    )
    return bool(result.rowcount)


def remove_all(session: Session, owner_kind: str, owner_id: int) -> int:
    result = session.execute(
        delete(Passkey).where(Passkey.owner_kind == owner_kind).where(Passkey.owner_id == owner_id)
    )
    return result.rowcount or 0
