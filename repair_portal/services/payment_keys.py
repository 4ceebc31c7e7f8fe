"""Stripe keys: where each comes from (the environment's wins over the one typed on Settings → Payments,
kept encrypted with the installation's vault key, integrations/vault.py), what they must look like, and
how the page may show them (`masked`: the kind and the last 4 characters, never more)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..integrations import vault
from ..models import ShopSettings
from ..settings import Settings

SECRET_PREFIXES = ("sk_", "rk_")
WEBHOOK_PREFIX = "whsec_"
MAX_KEY = 255
_SECRET_CHARS = re.compile(r"[A-Za-z0-9_]{12,255}")
_WEBHOOK_CHARS = re.compile(r"[A-Za-z0-9_+/=]{12,255}")
_MASK_PREFIX = re.compile(r"(?:(?:sk|rk|pk)_(?:live|test)_|whsec_|[a-z]{2,5}_)")


@dataclass(frozen=True)
class StripeKeys:
    secret_key: str
    webhook_secret: str
    source: str  # "environment" | "settings" | "mixed" (one from each)


@dataclass(frozen=True)
class KeyView:
    """One key as the page may show it."""

    masked: str  # "sk_live_…4242", or ""
    source: str  # "environment" | "settings" | "unreadable" (stored with another vault key) | ""
    stored: bool  # a key is saved on the page (unused while the environment's wins)


def masked(key: str | None) -> str:
    """'sk_live_…4242': the key's kind and, for a long enough key, its last 4 characters; never more."""
    if not key:
        return ""
    found = _MASK_PREFIX.match(key)
    prefix = found.group(0) if found else ""
    body = key[len(prefix) :]
    return f"{prefix}…{body[-4:] if len(body) >= 16 else ''}"


def decrypt(settings: Settings, token: str) -> str | None:
    if not token:
        return None
    try:
        return vault.decrypt(settings.passcode_key(), token) or None
    except vault.VaultError:
        return None


def _key(env_value: str | None, token: str, settings: Settings) -> tuple[str | None, str]:
    """(the key, where it came from): the environment's first, else the page's."""
    if env_value:
        return env_value, "environment"
    if not token:
        return None, ""
    value = decrypt(settings, token)
    return (value, "settings") if value else (None, "unreadable")


def keys_of(shop: ShopSettings, settings: Settings) -> tuple[tuple[str | None, str], tuple[str | None, str]]:
    return (
        _key(settings.stripe_secret_key, shop.stripe_secret_key_enc, settings),
        _key(settings.stripe_webhook_secret, shop.stripe_webhook_secret_enc, settings),
    )


def pair(shop: ShopSettings, settings: Settings) -> StripeKeys | None:
    (secret, secret_from), (webhook, webhook_from) = keys_of(shop, settings)
    if not secret or not webhook:
        return None
    return StripeKeys(secret, webhook, secret_from if secret_from == webhook_from else "mixed")


def secret_key_problem(text: str) -> str:
    """Why `text` isn't a Stripe secret key ('' when it could be one)."""
    if text.startswith("pk_"):
        return "That's the publishable key (pk_…). Paste the secret key (sk_…) or a restricted key (rk_…)."
    if text.startswith(WEBHOOK_PREFIX):
        return "That's the webhook signing secret: paste it into the webhook secret field."
    if not text.startswith(SECRET_PREFIXES):
        return "A Stripe secret key starts with sk_ (or rk_ for a restricted key)."
    if not _SECRET_CHARS.fullmatch(text):
        return "That doesn't look like a whole Stripe key: copy it again from Stripe's dashboard."
    return ""


def webhook_secret_problem(text: str) -> str:
    if text.startswith((*SECRET_PREFIXES, "pk_")):
        return "That's an API key: the webhook signing secret starts with whsec_."
    if not text.startswith(WEBHOOK_PREFIX):
        return "The webhook signing secret starts with whsec_ (Stripe shows it on the webhook endpoint's page)."
    if not _WEBHOOK_CHARS.fullmatch(text):
        return "That doesn't look like a whole signing secret: copy it again from Stripe's dashboard."
    return ""
