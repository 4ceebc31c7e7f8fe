"""A local stand-in for the parts of Stripe's HTTP API the app calls (Checkout Sessions, PaymentIntents,
Refunds) and for Stripe's hosted checkout page, with webhooks signed the way Stripe signs them. Tests and
the offline demo point the real `stripe` package at it; it can run on its own server or be mounted in the
app's. Nothing here is checked against Stripe itself: the shapes follow stripe-python 16's expectations."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from . import stripe_standin_page as page
from .stripe_standin_events import WebhookSender
from .stripe_standin_http import build_app
from .stripe_standin_params import (
    REFUND_REASONS,
    CheckoutRequest,
    StripeError,
    as_int,
    checkout_request,
    decode_form,
    metadata,
    new_id,
    param_error,
    refuse_unknown,
    require_text,
)

_DECLINE = {
    "type": "card_error",
    "code": "card_declined",
    "decline_code": "generic_decline",
    "message": "Your card was declined.",
}


def _missing(kind: str, ident: str, param: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{ident}'", code="resource_missing", param=param)


class StripeStandIn(WebhookSender):
    """In-memory Stripe for one account. State changes under one lock; webhooks go out after it is released
    (stripe_standin_events.py). The sync test controls (pay, decline, settle_refund and the sender's) must not
    run on the event loop that serves `app` when webhook_url points back into that same server."""

    MAX_SESSIONS = 5000  # a long-running demo keeps the newest (memory stays bounded)

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        webhook_url: str | None,
        public_base: str,
        return_origin: str | None = None,
    ):
        super().__init__(webhook_secret=webhook_secret, webhook_url=webhook_url)
        # Mounted in an app: the customer may only be sent back to that app (no open redirect on its domain).
        self.return_origin = return_origin.rstrip("/") if return_origin else None
        self.secret_key = secret_key
        self.public_base = public_base.rstrip("/")
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.refund_status = "succeeded"  # "pending": new refunds wait for settle_refund
        self._checkouts: dict[str, CheckoutRequest] = {}
        self._charges: dict[str, str] = {}  # charge id -> payment intent id
        self._refunded: dict[str, int] = {}  # payment intent id -> amount refunded or pending
        self._idempotent: dict[str, tuple[str, list, int, dict]] = {}
        self.app = build_app(self)

    # -- checkout sessions ----------------------------------------------------------------------

    def _session(self, ident: str) -> dict:
        if ident not in self.sessions:
            raise _missing("checkout.session", ident, "session")
        return self.sessions[ident]

    def create_session(self, params: dict) -> dict:
        asked = checkout_request(params)
        if self.return_origin:
            for name in ("success_url", "cancel_url"):
                target = str(asked.fields.get(name) or "")
                if target and not target.startswith(self.return_origin + "/"):
                    raise StripeError(400, f"{name} must be on {self.return_origin}", code="url_invalid", param=name)
        if len(self.sessions) >= self.MAX_SESSIONS:
            for old in list(self.sessions)[: len(self.sessions) // 5]:
                self.sessions.pop(old, None)
                self._checkouts.pop(old, None)
        ident = new_id("cs_test_")
        session = {
            "id": ident,
            "object": "checkout.session",
            "amount_subtotal": asked.amount_total,
            "amount_total": asked.amount_total,
            "created": asked.created,
            "currency": asked.currency,
            "customer": None,
            "customer_details": None,
            "livemode": False,
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "url": f"{self.public_base}/checkout/{ident}",
            **asked.fields,
        }
        self.sessions[ident] = session
        self._checkouts[ident] = asked
        return session

    def _expire_session(self, ident: str) -> dict:
        session = self._session(ident)
        if session["status"] != "open":
            raise StripeError(
                400,
                f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a '
                f'status of "{session["status"]}".',
            )
        session.update(status="expired", url=None)
        if session["payment_intent"]:
            self.payment_intents[session["payment_intent"]]["status"] = "canceled"
        return session

    def _intent_for(self, session: dict) -> dict:
        if session["payment_intent"]:
            return self.payment_intents[session["payment_intent"]]
        asked = self._checkouts[session["id"]]
        intent = {
            "id": new_id("pi_"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_capturable": 0,
            "amount_received": 0,
            "created": int(time.time()),
            "currency": session["currency"],
            "description": asked.intent_description,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": dict(asked.intent_metadata),
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
        }
        self.payment_intents[intent["id"]] = intent
        session["payment_intent"] = intent["id"]
        return intent

    def _complete(self, ident: str) -> list[dict]:
        """The customer paid with the test card: session complete and paid, intent succeeded, one event.
        A session no longer open changes nothing (a second click is not a second payment)."""
        with self._lock:
            session = self._session(ident)
            if session["status"] != "open":
                return []
            intent = self._intent_for(session)
            charge = new_id("ch_")
            self._charges[charge] = intent["id"]
            intent.update(
                status="succeeded", amount_received=intent["amount"], latest_charge=charge, last_payment_error=None
            )
            session.update(
                status="complete",
                payment_status="paid",
                url=None,
                customer_details={"email": session["customer_email"]},
            )
            return [self._event("checkout.session.completed", session)]

    def _decline(self, ident: str) -> list[dict]:
        with self._lock:
            session = self._session(ident)
            if session["status"] != "open":
                return []
            intent = self._intent_for(session)
            charge = new_id("ch_")
            self._charges[charge] = intent["id"]
            intent.update(status="requires_payment_method", latest_charge=charge, last_payment_error=dict(_DECLINE))
            return [self._event("payment_intent.payment_failed", intent)]

    def pay(self, session_id: str) -> dict:
        """What "Pay (test card)" does, without a browser."""
        self._send_sync(self._route_records(self._complete(session_id)))
        return self.snapshot(session_id)

    def decline(self, session_id: str) -> dict:
        """What "Decline" does, without a browser."""
        self._send_sync(self._route_records(self._decline(session_id)))
        return self.snapshot(session_id)

    async def pay_async(self, session_id: str) -> dict:
        """The hosted page's Pay button: the webhook goes out (awaited) before the customer is redirected."""
        await self._send_async(self._route_records(self._complete(session_id)))
        return self.snapshot(session_id)

    async def decline_async(self, session_id: str) -> dict:
        await self._send_async(self._route_records(self._decline(session_id)))
        return self.snapshot(session_id)

    def snapshot(self, session_id: str) -> dict | None:
        """A copy of the session as it is now, or None."""
        with self._lock:
            return copy.deepcopy(self.sessions.get(session_id))

    def checkout_details(self, session_id: str) -> CheckoutRequest:
        return self._checkouts[session_id]

    # -- refunds --------------------------------------------------------------------------------

    def create_refund(self, params: dict) -> dict:
        refuse_unknown(params, {"payment_intent", "charge", "amount", "reason", "metadata"})
        require_text(params, {"payment_intent", "charge", "amount", "reason"})
        if params.get("charge") and not params.get("payment_intent"):
            if params["charge"] not in self._charges:
                raise _missing("charge", params["charge"], "charge")
            params = params | {"payment_intent": self._charges[params["charge"]]}
        if not params.get("payment_intent"):
            raise param_error(
                "One of the following params should be provided for this request: payment_intent or charge.",
                "payment_intent",
                "parameter_missing",
            )
        intent = self.payment_intents.get(params["payment_intent"])
        if intent is None:
            raise _missing("payment_intent", params["payment_intent"], "payment_intent")
        if params.get("reason") not in (None, "", *REFUND_REASONS):
            raise param_error(
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason"
            )
        refund_metadata = metadata(params.get("metadata"))
        if intent["status"] != "succeeded":
            raise StripeError(
                400,
                "This PaymentIntent does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
                param="payment_intent",
            )
        left = intent["amount_received"] - self._refunded.get(intent["id"], 0)
        amount = as_int(params["amount"], "amount", minimum=1) if "amount" in params else left
        if left <= 0:
            raise StripeError(
                400, f"Charge {intent['latest_charge']} has already been refunded.", code="charge_already_refunded"
            )
        if amount > left:
            raise StripeError(
                400,
                f"Refund amount ({page.money(amount, intent['currency'])}) is greater than unrefunded amount on "
                f"charge ({page.money(left, intent['currency'])})",
                code="amount_too_large",
                param="amount",
            )
        self._refunded[intent["id"]] = self._refunded.get(intent["id"], 0) + amount
        refund = {
            "id": new_id("re_"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": refund_metadata,
            "payment_intent": intent["id"],
            "reason": params.get("reason") or None,
            "status": self.refund_status,
        }
        self.refunds[refund["id"]] = refund
        return refund

    def settle_refund(self, refund_id: str, status: str = "succeeded") -> dict:
        """A pending refund succeeds (or fails: status="failed", the amount becomes refundable again);
        Stripe then sends `refund.updated`."""
        with self._lock:
            refund = self.refunds[refund_id]
            if refund["status"] != "pending" or status not in ("succeeded", "failed"):
                raise ValueError(f"refund {refund_id} is {refund['status']}; cannot become {status}")
            refund["status"] = status
            if status == "failed":
                refund["failure_reason"] = "declined"
                self._refunded[refund["payment_intent"]] -= refund["amount"]
            records = [self._event("refund.updated", refund, previous={"status": "pending"})]
        self._send_sync(self._route_records(records))
        return copy.deepcopy(refund)

    # -- the API's entry points (HTTP in stripe_standin_http.py; operations run inside call()) ----

    def call(self, where: str, raw: str, key: str | None, operation: Callable[[dict], dict]) -> tuple[int, dict, bool]:
        """Run one API operation on the decoded form `raw` -> (status, body, replayed). Stripe's idempotency:
        the same key with the same endpoint and parameters answers the stored result again; with others,
        an idempotency_error. Parameter errors are not stored (a corrected retry may reuse the key)."""
        fingerprint = sorted(parse_qsl(raw, keep_blank_values=True))
        with self._lock:
            if key and key in self._idempotent:
                stored = self._idempotent[key]
                if stored[:2] != (where, fingerprint):
                    error = StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        f"used with. Try using a key other than '{key}' if you meant to execute a different request.",
                        kind="idempotency_error",
                    )
                    return 400, error.body(), False
                return stored[2], copy.deepcopy(stored[3]), True
            try:
                status, body, save = 200, copy.deepcopy(operation(decode_form(raw))), True
            except StripeError as error:
                status, body, save = error.status, error.body(), error.save
            if key and save:
                self._idempotent[key] = (where, fingerprint, status, copy.deepcopy(body))
        return status, body, False

    def retrieve_session(self, ident: str, params: dict) -> dict:
        refuse_unknown(params, {"expand"})
        session = copy.deepcopy(self._session(ident))
        expand = params.get("expand", {})
        for name in expand.values() if isinstance(expand, dict) else [expand]:
            if name != "payment_intent":
                raise param_error(f"The Stripe stand-in cannot expand {name}.", "expand")
            if session["payment_intent"]:
                session["payment_intent"] = copy.deepcopy(self.payment_intents[session["payment_intent"]])
        return session

    def retrieve(self, kind: str, ident: str, params: dict) -> dict:
        refuse_unknown(params, set())
        store, param = {"payment_intent": (self.payment_intents, "intent"), "refund": (self.refunds, "refund")}[kind]
        if ident not in store:
            raise _missing(kind, ident, param)
        return store[ident]

    def expire_session(self, ident: str, params: dict) -> dict:
        refuse_unknown(params, set())
        return self._expire_session(ident)
