"""Text message backends: Twilio (the official client) and the offline SMS outbox/console."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from .email import PRIVATE_LINK

log = logging.getLogger("repair_portal.sms")


@dataclass(frozen=True)
class Text:
    to_number: str  # E.164
    body: str
    status_callback: str = ""  # where the provider reports delivery (Twilio: signed)


class SmsDeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool, code: str = ""):
        super().__init__(message)
        self.retryable, self.code = retryable, code


class SmsBackend(Protocol):
    name: str

    def send(self, text: Text) -> tuple[str, str]:
        """Hand the text over or raise SmsDeliveryError; returns (provider id, provider status)."""


def redact(body: str) -> str:
    """A text's private links (tracking links work as credentials) blanked: for logs and stored copies."""
    return PRIVATE_LINK.sub(r"\1[private link]", body)


def masked_number(number: str) -> str:
    """+447700900123 -> +44…0123 (logs never hold a whole number)."""
    digits = re.sub(r"\D", "", number)
    return f"+{digits[:2]}…{digits[-4:]}" if len(digits) > 6 else "…"


_NUMBER = re.compile(r"\+?\d[\d ]{6,}\d")


def masked_digits(text: str) -> str:
    """Every phone number in a message (a provider's error quotes the To number) masked, for logs."""
    return _NUMBER.sub(lambda m: masked_number(m.group(0)), text)


class OutboxSms:
    """No provider: the text stays in the SMS outbox for staff to see, and goes to the console with its
    private links blanked."""

    name = "outbox"

    def send(self, text: Text) -> tuple[str, str]:
        log.info("[sms outbox] to %s", masked_number(text.to_number))
        print(f"[sms outbox] To: {masked_number(text.to_number)}\n{redact(text.body)}", flush=True)
        return "", "outbox"


class TwilioSms:
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender: str, *, api_base: str | None = None):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=15))
        if api_base:  # tests and proxies: the same client against another address
            self._client.api.base_url = api_base.rstrip("/")
        self._sender = sender

    def send(self, text: Text) -> tuple[str, str]:
        from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

        params = {"to": text.to_number, "body": text.body}
        if self._sender.startswith("MG"):
            params["messaging_service_sid"] = self._sender
        else:
            params["from_"] = self._sender
        if text.status_callback:
            params["status_callback"] = text.status_callback
        try:
            message = self._client.messages.create(**params)
        except TwilioRestException as exc:
            retryable = exc.status >= 500 or exc.status == 429
            raise SmsDeliveryError(
                f"Twilio said: {exc.msg}"[:500], retryable=retryable, code=str(exc.code or "")
            ) from exc
        except TwilioServiceException as exc:  # the newer (RFC 9457) error shape
            status = int(getattr(exc, "status", 0) or 0)
            retryable = status >= 500 or status in (0, 429)
            detail = getattr(exc, "detail", "") or getattr(exc, "title", "") or str(exc)
            code = str(getattr(exc, "code", "") or "")
            raise SmsDeliveryError(f"Twilio said: {detail}"[:500], retryable=retryable, code=code) from exc
        except TwilioException as exc:
            raise SmsDeliveryError(f"Twilio couldn't be reached: {exc}"[:500], retryable=True) from exc
        except OSError as exc:
            import requests

            if isinstance(exc, requests.exceptions.ReadTimeout):  # sent, maybe: Twilio didn't answer in time
                raise SmsDeliveryError(
                    "Twilio didn't answer in time: the text may have gone. Check Twilio's log before sending it again.",
                    retryable=False,
                ) from exc
            raise SmsDeliveryError(
                f"Twilio couldn't be reached: {masked_digits(str(exc))}"[:500], retryable=True
            ) from exc
        return message.sid or "", message.status or "queued"
