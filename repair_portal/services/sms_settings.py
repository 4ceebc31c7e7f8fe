"""Twilio credentials: the environment's (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM) win over
the ones typed on Settings → Texts (the auth token kept encrypted with the installation's vault key).
Without all three, texts stay in the SMS outbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from .. import routes
from ..models import ShopSettings
from ..settings import Settings
from .payment_keys import decrypt, masked


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str
    sender: str  # E.164 number or a Messaging Service SID (MG…)
    source: str  # environment | settings | mixed


def credentials(session: Session, settings: Settings) -> TwilioCredentials | None:
    shop = ShopSettings.current(session)
    sid = settings.twilio_account_sid or shop.twilio_account_sid or ""
    token = settings.twilio_auth_token or decrypt(settings, shop.twilio_auth_token_enc) or ""
    sender = settings.twilio_from or shop.twilio_from or ""
    if not (sid and token and sender):
        return None
    from_env = [bool(settings.twilio_account_sid), bool(settings.twilio_auth_token), bool(settings.twilio_from)]
    source = "environment" if all(from_env) else "settings" if not any(from_env) else "mixed"
    return TwilioCredentials(sid, token, sender, source)


def masked_token(session: Session, settings: Settings) -> str:
    found = credentials(session, settings)
    return masked(found.auth_token) if found else ""


def inbound_url(settings: Settings) -> str:
    """What the shop pastes into Twilio as the number's "A message comes in" webhook."""
    return settings.public_url.rstrip("/") + routes.TWILIO_INBOUND


def status_url(settings: Settings) -> str:
    """Sent with each text: where Twilio reports delivered / failed (signed)."""
    return settings.public_url.rstrip("/") + routes.TWILIO_STATUS


def backend_for(session: Session, settings: Settings):
    """Twilio with credentials, else the SMS outbox."""
    from ..integrations.sms import OutboxSms, TwilioSms

    found = credentials(session, settings)
    if found is None:
        return OutboxSms()
    return TwilioSms(found.account_sid, found.auth_token, found.sender, api_base=settings.twilio_api_base)
