"""Mail delivery backends: SendGrid (the official client) and the offline outbox/console."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from ..logs import mask_email

log = logging.getLogger("repair_portal.mail")


@dataclass(frozen=True)
class Envelope:
    to_email: str
    to_name: str
    from_email: str
    from_name: str
    subject: str
    text: str
    html: str


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class MailBackend(Protocol):
    name: str

    def send(self, envelope: Envelope) -> str:
        """Deliver or raise DeliveryError; returns the provider's message id (may be empty)."""


# Tracking links and set-password links (staff and portal users).
PRIVATE_LINK = re.compile(r"(/track/|/staff/set-password/|/portal/set-password/)[A-Za-z0-9_-]{16,}")


def redact_private_links(text: str) -> str:
    """Links that work as credentials, with the secret part replaced: for logs and stored copies."""
    return PRIVATE_LINK.sub(r"\1[private link]", text)


class OutboxBackend:
    """No email provider: the message stays in the outbox for staff to see, and goes to the log
    with its private links blanked (tokens never reach logs; staff copy links from the app)."""

    name = "outbox"

    def send(self, envelope: Envelope) -> str:
        to = mask_email(envelope.to_email)
        log.info("[outbox] to %s: %s", to, envelope.subject)
        print(
            f"[outbox] To: {envelope.to_name} <{to}>\n[outbox] Subject: {envelope.subject}\n"
            f"{redact_private_links(envelope.text)}",
            flush=True,
        )
        return ""


class SendGridBackend:
    name = "sendgrid"

    def __init__(self, api_key: str, host: str = "https://api.sendgrid.com", timeout: float = 15.0):
        from sendgrid import SendGridAPIClient

        self._client = SendGridAPIClient(api_key=api_key, host=host)
        self._client.client.timeout = timeout

    def send(self, envelope: Envelope) -> str:
        from python_http_client.exceptions import HTTPError
        from sendgrid.helpers.mail import Content, From, Mail, To

        mail = Mail(
            from_email=From(envelope.from_email, envelope.from_name or None),
            to_emails=To(envelope.to_email, envelope.to_name or None),
            subject=envelope.subject,
        )
        mail.add_content(Content("text/plain", envelope.text))
        mail.add_content(Content("text/html", envelope.html))
        try:
            response = self._client.send(mail)
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0) or 0
            body = getattr(exc, "body", b"") or b""
            detail = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            raise DeliveryError(
                f"SendGrid answered {status}: {detail[:500]}", retryable=status >= 500 or status == 429
            ) from exc
        except OSError as exc:  # connection refused, DNS, timeout
            raise DeliveryError(f"Could not reach SendGrid: {exc}", retryable=True) from exc
        headers = getattr(response, "headers", {}) or {}
        return str(headers.get("X-Message-Id", "") if hasattr(headers, "get") else "")
