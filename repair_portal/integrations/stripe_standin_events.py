"""Stripe's webhook side for the stand-in: events shaped like Stripe's, signed as Stripe signs them
(`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.payload")>`), sent with httpx, and test
controls to hold, release and replay them."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time

import httpx
from stripe._api_version import _ApiVersion

from .stripe_standin_params import new_id

API_VERSION = _ApiVersion.CURRENT  # the version stripe-python 16.1.0 pins its requests to


class WebhookSender:
    """`events`: every delivery, oldest first, as dicts: id, type, event (the dict), payload (the exact bytes
    sent), signature (the Stripe-Signature value), headers (all headers sent), status (the receiver's answer;
    None if not sent), error (a connection failure), replay (a resend).
    `hold_webhooks = True` keeps new events in `held` until deliver_held(). No webhook_url: recorded only."""

    def __init__(self, *, webhook_secret: str, webhook_url: str | None):
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.events: list[dict] = []
        self.held: list[dict] = []
        self.hold_webhooks = False
        self._lock = threading.RLock()

    def sign(self, payload: bytes, timestamp: int | None = None) -> str:
        """The `Stripe-Signature` header: t=<unix>,v1=<hex HMAC-SHA256 of "t.payload" under the secret>."""
        stamp = int(time.time()) if timestamp is None else int(timestamp)
        signed = f"{stamp}.".encode() + payload
        digest = hmac.new(self.webhook_secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={stamp},v1={digest}"

    def _event(self, kind: str, obj: dict, previous: dict | None = None) -> dict:
        data = {"object": copy.deepcopy(obj)} | ({"previous_attributes": previous} if previous else {})
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }
        payload = json.dumps(event, indent=2).encode()
        signature = self.sign(payload)
        return {
            "id": event["id"],
            "type": kind,
            "event": event,
            "payload": payload,
            "signature": signature,
            "status": None,
            "error": None,
            "replay": False,
        }

    def _route_records(self, records: list[dict]) -> list[dict]:
        """Held, or recorded and returned for sending (nothing to send without a webhook_url)."""
        with self._lock:
            if self.hold_webhooks:
                self.held.extend(records)
                return []
            for record in records:
                self._remember(record)
        return records if self.webhook_url else []

    def _headers(self, record: dict) -> dict:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": record["signature"],
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }

    async def _send_async(self, records: list[dict]) -> None:
        if not records:
            return
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            for record in records:
                record["headers"] = self._headers(record)
                try:
                    answer = await client.post(self.webhook_url, content=record["payload"], headers=record["headers"])
                    record["status"] = answer.status_code
                except httpx.HTTPError as exc:
                    record["error"] = repr(exc)

    def _send_sync(self, records: list[dict]) -> None:
        if not records:
            return
        with httpx.Client(timeout=10, trust_env=False) as client:
            for record in records:
                record["headers"] = self._headers(record)
                try:
                    answer = client.post(self.webhook_url, content=record["payload"], headers=record["headers"])
                    record["status"] = answer.status_code
                except httpx.HTTPError as exc:
                    record["error"] = repr(exc)

    def send_event(self, kind: str, obj: dict) -> dict:
        """Build, sign and send (or hold) an arbitrary event; returns its record."""
        record = self._event(kind, obj)
        self._send_sync(self._route_records([record]))
        return record

    def deliver_held(self) -> list[dict]:
        """Send what was held, oldest first, each signed afresh (as Stripe signs each delivery attempt)."""
        with self._lock:
            records = list(self.held)
            self.held.clear()
            for record in records:
                record["signature"] = self.sign(record["payload"])
            self.events.extend(records)
        self._send_sync(records if self.webhook_url else [])
        return records

    MAX_EVENTS = 2000  # a long-running demo keeps the newest events only

    def _remember(self, record: dict) -> None:
        self.events.append(record)
        if len(self.events) > self.MAX_EVENTS:
            del self.events[: len(self.events) - self.MAX_EVENTS // 2]

    def resend(self, event_id: str, *, fresh_signature: bool = False) -> dict:
        """The identical payload and signature again (an attacker's replay); fresh_signature=True: the same
        payload signed now, as Stripe's own retry of an event is."""
        with self._lock:
            first = next(r for r in reversed(self.events) if r["id"] == event_id)
            signature = self.sign(first["payload"]) if fresh_signature else first["signature"]
            record = first | {"signature": signature, "status": None, "error": None, "replay": True}
            self._remember(record)
        self._send_sync([record] if self.webhook_url else [])
        return record
