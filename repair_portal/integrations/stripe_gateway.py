"""Stripe through its official package: Checkout Sessions (the hosted page takes the card; card data never
reaches us), refunds, and webhook signature checks. Everything the rest of the app needs is in these small
frozen records, so the services never see a `stripe` object."""

from __future__ import annotations

from dataclasses import dataclass, field

import stripe

# Stripe counts these in whole units; the app's money has two decimals everywhere (services/money.py).
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"} | {"PYG", "RWF", "UGX", "VND"})
ZERO_DECIMAL |= {"VUV", "XAF", "XOF", "XPF"}  # Stripe's list
WEBHOOK_TOLERANCE_SECONDS = 300  # Stripe's own default: an older signed payload is refused


class GatewayError(RuntimeError):
    """Stripe refused or couldn't be reached; the message is safe to show (never a key)."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class SignatureError(ValueError):
    """A webhook whose Stripe-Signature doesn't verify (forged, altered or too old)."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


@dataclass(frozen=True)
class SessionFacts:
    """What Stripe says about a checkout session (from the API or an event)."""

    session_id: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int
    currency: str  # upper case, as the app stores it
    payment_intent: str
    client_reference_id: str
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RefundFacts:
    refund_id: str
    status: str  # succeeded | pending | failed | canceled | requires_action
    amount: int
    currency: str
    payment_intent: str
    metadata: dict = field(default_factory=dict)


def _id_of(value) -> str:
    """An expandable field: an id string, an object with an id, or nothing."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value.get("id") or "")


def session_facts(obj) -> SessionFacts:
    return SessionFacts(
        session_id=str(obj.get("id") or ""),
        status=str(obj.get("status") or ""),
        payment_status=str(obj.get("payment_status") or ""),
        amount_total=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or "").upper(),
        payment_intent=_id_of(obj.get("payment_intent")),
        client_reference_id=str(obj.get("client_reference_id") or ""),
        metadata=dict(obj.get("metadata") or {}),
    )


def refund_facts(obj) -> RefundFacts:
    return RefundFacts(
        refund_id=str(obj.get("id") or ""),
        status=str(obj.get("status") or ""),
        amount=int(obj.get("amount") or 0),
        currency=str(obj.get("currency") or "").upper(),
        payment_intent=_id_of(obj.get("payment_intent")),
        metadata=dict(obj.get("metadata") or {}),
    )


class StripeGateway:
    def __init__(self, secret_key: str, webhook_secret: str, *, api_base: str | None = None):
        base = {"api": api_base.rstrip("/")} if api_base else None
        # A customer waits on these calls: 20 s each, one retry (Stripe's own default is 80 s).
        self._client = stripe.StripeClient(
            secret_key, base_addresses=base, max_network_retries=1, http_client=stripe.RequestsClient(timeout=20)
        )
        self._webhook_secret = webhook_secret
        self.demo = bool(api_base) and not api_base.startswith("https://api.stripe.com")

    def create_checkout(
        self,
        *,
        amount_minor: int,
        currency: str,
        description: str,
        reference: str,
        metadata: dict[str, str],
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
        expires_at: int,
        customer_email: str = "",
    ) -> Checkout:
        if currency.upper() in ZERO_DECIMAL:
            raise GatewayError(f"Online payments in {currency.upper()} aren't supported yet.")
        params: dict = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": int(amount_minor),
                        "product_data": {"name": description[:250]},
                    },
                }
            ],
            "client_reference_id": reference,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": description[:250]},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(expires_at),
        }
        if customer_email:
            params["customer_email"] = customer_email
        try:
            made = self._client.v1.checkout.sessions.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return Checkout(session_id=made.id, url=str(made.url or ""))

    def retrieve_checkout(self, session_id: str) -> SessionFacts:
        try:
            return session_facts(self._client.v1.checkout.sessions.retrieve(session_id).to_dict())
        except stripe.StripeError as exc:
            raise _error(exc) from exc

    def expire_checkout(self, session_id: str) -> SessionFacts | None:
        """Close an open hosted page so it can't be paid any more; None when it was already closed."""
        try:
            return session_facts(self._client.v1.checkout.sessions.expire(session_id).to_dict())
        except stripe.InvalidRequestError:
            return None
        except stripe.StripeError as exc:
            raise _error(exc) from exc

    def refund(self, *, payment_intent: str, amount_minor: int, metadata: dict, idempotency_key: str) -> RefundFacts:
        params = {"payment_intent": payment_intent, "amount": int(amount_minor), "metadata": metadata}
        try:
            made = self._client.v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return refund_facts(made.to_dict())

    def parse_event(self, payload: bytes, signature: str | None) -> dict:
        """The verified event as a plain dict, or SignatureError."""
        try:
            event = stripe.Webhook.construct_event(
                payload, signature or "", self._webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise SignatureError(str(exc)[:200]) from exc
        return event.to_dict()


def _error(exc: stripe.StripeError) -> GatewayError:
    return GatewayError(_message(exc), unreachable=isinstance(exc, stripe.APIConnectionError))


def _message(exc: stripe.StripeError) -> str:
    text = getattr(exc, "user_message", None) or str(getattr(exc, "_message", "") or "") or type(exc).__name__
    return f"The card processor said: {text[:200]}"
