"""Reading Stripe's form-encoded request bodies for the stand-in (stripe_standin.py), with Stripe's own
error shapes, so a wrong call fails here the way it would fail against Stripe instead of passing quietly."""

from __future__ import annotations

import re
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_PART = re.compile(r"\[([^\[\]]*)\]")
_MINIMUM_CHARGE = {"gbp": 30}  # Stripe's minimum charge per currency, minor units; most others 50
_ALNUM = string.ascii_letters + string.digits
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
# Real Stripe parameters the stand-in accepts and ignores (they change nothing it imitates).
_IGNORED_SESSION = {"locale", "submit_type", "payment_method_types", "billing_address_collection", "ui_mode"}
_STRUCTURED = {"line_items", "metadata", "payment_method_types"}
_IGNORED_INTENT_DATA = {"receipt_email", "statement_descriptor", "statement_descriptor_suffix"}


class StripeError(Exception):
    """A Stripe-style error answer. `save=False`: a parameter error, which Stripe does not store under
    the request's idempotency key (a retry with the same key runs again)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        kind: str = "invalid_request_error",
        save: bool = True,
    ):
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.kind, self.save = (
            status,
            message,
            code,
            param,
            kind,
            save,
        )

    def body(self) -> dict:
        error = {"type": self.kind, "message": self.message, "code": self.code, "param": self.param}
        return {"error": {k: v for k, v in error.items() if v is not None}}


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(24))


def param_error(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, message, code=code, param=param, save=False)


def decode_form(raw: str) -> dict[str, Any]:
    """`a[b][0][c]=v` pairs -> nested dicts of strings (list indexes stay dict keys; see as_list)."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        match = _KEY.fullmatch(key)
        if not match:
            raise param_error(f"Invalid parameter name: {key}")
        parts = [match.group(1), *_PART.findall(match.group(2))]
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise param_error(f"Invalid parameter: {key}", key)
            node = child
        last = parts[-1] if parts[-1] != "" else str(len(node))  # `a[]` (old clients): append
        if isinstance(node.get(last), dict):
            raise param_error(f"Invalid parameter: {key}", key)
        node[last] = value
    return out


def refuse_unknown(params: dict, allowed: set[str], prefix: str = "") -> None:
    for name in params:
        if name not in allowed:
            shown = f"{prefix}[{name}]" if prefix else name
            raise param_error(
                f"Received unknown parameter: {shown} (the Stripe stand-in does not implement it)",
                shown,
                "parameter_unknown",
            )


def require_text(params: dict, names: set[str], prefix: str = "") -> None:
    """The named parameters, where given, are plain values (`name[x]=1` for a plain one is refused)."""
    for name in names & params.keys():
        if not isinstance(params[name], str):
            shown = f"{prefix}[{name}]" if prefix else name
            raise param_error(f"Invalid string: {shown}", shown)


def as_list(value: Any, param: str) -> list:
    if isinstance(value, dict) and all(k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    raise param_error(f"Invalid array: {param}", param)


def as_dict(value: Any, param: str) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise param_error(f"Invalid object: {param}", param)
    return value


def as_int(value: Any, param: str, *, minimum: int = 0) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"-?\d{1,15}", value):
        raise param_error(f"Invalid integer: {value}", param, "parameter_invalid_integer")
    number = int(value)
    if number < minimum:
        raise param_error(f"This value must be greater than or equal to {minimum}.", param, "parameter_invalid_integer")
    return number


def metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """Stripe metadata: string values; an empty value means "not set"."""
    data = as_dict(value, param)
    for key, item in data.items():
        if not isinstance(item, str):
            raise param_error(f"Invalid metadata value: {param}[{key}]", f"{param}[{key}]")
    return {k: v for k, v in data.items() if v != ""}


def url(value: Any, param: str) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
        raise param_error("Not a valid URL", param, "url_invalid")
    return value


@dataclass
class CheckoutRequest:
    """What a create call asked for: the public fields and what the hosted page and payment need."""

    currency: str
    amount_total: int
    items: list[dict] = field(default_factory=list)  # name, description, unit_amount, quantity
    fields: dict = field(default_factory=dict)  # client_reference_id, metadata, customer_email, urls, expires_at
    intent_metadata: dict[str, str] = field(default_factory=dict)
    intent_description: str | None = None
    created: int = 0


def checkout_request(params: dict) -> CheckoutRequest:
    allowed = {"mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata"}
    refuse_unknown(
        params,
        allowed | {"customer_email", "expires_at", "payment_intent_data", "currency"} | _IGNORED_SESSION,
    )
    require_text(params, {*allowed, "customer_email", "expires_at", "currency", *_IGNORED_SESSION} - _STRUCTURED)
    if "mode" not in params:
        raise param_error("Missing required param: mode.", "mode", "parameter_missing")
    if params["mode"] != "payment":
        raise param_error("The Stripe stand-in implements mode=payment only.", "mode")
    if "line_items" not in params:
        raise param_error("Missing required param: line_items.", "line_items", "parameter_missing")
    items = [_line_item(raw, f"line_items[{i}]") for i, raw in enumerate(as_list(params["line_items"], "line_items"))]
    currencies = {item.pop("currency") for item in items} | (
        {params["currency"].lower()} if "currency" in params else set()
    )
    if len(currencies) != 1:
        raise param_error("All line items must use the same currency.", "line_items")
    currency = currencies.pop()
    total = sum(item["unit_amount"] * item["quantity"] for item in items)
    minimum = _MINIMUM_CHARGE.get(currency, 50)
    if total < minimum:
        raise param_error(
            f"The Checkout Session's total amount due must add up to at least {minimum} {currency} (minor units).",
            "line_items",
            "amount_too_small",
        )
    intent = as_dict(params.get("payment_intent_data"), "payment_intent_data")
    refuse_unknown(intent, {"metadata", "description"} | _IGNORED_INTENT_DATA, "payment_intent_data")
    require_text(intent, {"description"} | _IGNORED_INTENT_DATA, "payment_intent_data")
    now = int(time.time())
    expires_at = as_int(params["expires_at"], "expires_at") if "expires_at" in params else now + 24 * 3600
    if not now + 30 * 60 <= expires_at <= now + 24 * 3600:
        raise param_error("expires_at must be between 30 minutes and 24 hours after creation.", "expires_at")
    fields = {
        "client_reference_id": params.get("client_reference_id") or None,
        "metadata": metadata(params.get("metadata")),
        "customer_email": params.get("customer_email") or None,
        "success_url": url(params.get("success_url"), "success_url"),
        "cancel_url": url(params.get("cancel_url"), "cancel_url"),
        "expires_at": expires_at,
    }
    return CheckoutRequest(
        currency=currency,
        amount_total=total,
        items=items,
        fields=fields,
        intent_metadata=metadata(intent.get("metadata"), "payment_intent_data[metadata]"),
        intent_description=intent.get("description") or None,
        created=now,
    )


def _line_item(raw: Any, param: str) -> dict:
    item = as_dict(raw, param)
    refuse_unknown(item, {"price_data", "quantity"}, param)
    require_text(item, {"quantity"}, param)
    if "price_data" not in item:
        raise param_error(f"Missing required param: {param}[price_data].", f"{param}[price_data]", "parameter_missing")
    if "quantity" not in item:
        raise param_error(f"Missing required param: {param}[quantity].", f"{param}[quantity]", "parameter_missing")
    price = as_dict(item["price_data"], f"{param}[price_data]")
    refuse_unknown(price, {"currency", "unit_amount", "product_data"}, f"{param}[price_data]")
    require_text(price, {"currency", "unit_amount"}, f"{param}[price_data]")
    product = as_dict(price.get("product_data"), f"{param}[price_data][product_data]")
    refuse_unknown(product, {"name", "description", "metadata", "images"}, f"{param}[price_data][product_data]")
    require_text(product, {"name", "description"}, f"{param}[price_data][product_data]")
    for name, value in (
        ("currency", price.get("currency")),
        ("unit_amount", price.get("unit_amount")),
        ("product_data][name", product.get("name")),
    ):
        if not value:
            where = f"{param}[price_data][{name}]"
            raise param_error(f"Missing required param: {where}.", where, "parameter_missing")
    currency = price["currency"].lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise param_error(f"Invalid currency: {price['currency']}", f"{param}[price_data][currency]")
    return {
        "name": product["name"],
        "description": product.get("description") or None,
        "unit_amount": as_int(price.get("unit_amount"), f"{param}[price_data][unit_amount]"),
        "quantity": as_int(item["quantity"], f"{param}[quantity]", minimum=1),
        "currency": currency,
    }
