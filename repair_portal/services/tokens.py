"""Random tokens and their at-rest hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 20  # 160 bits, above the 128-bit floor


def new_token(nbytes: int = TOKEN_BYTES) -> str:
    """URL-safe token from the OS CSPRNG."""
    if nbytes < 16:
        raise ValueError("tokens must carry at least 128 bits")
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """SHA-256 hex digest: what the database stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)


def derive_token(secret_key: str, purpose: str, salt: str, nbytes: int = TOKEN_BYTES) -> str:
    """A token recomputable from a random salt and the installation key.

    The database holds the salt and the token's SHA-256, never the token; without
    the key (kept outside the database) neither reveals the token. This lets the
    shop re-send or re-print a link without rotating it.
    """
    mac = hmac.new(secret_key.encode("utf-8"), f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:nbytes]).rstrip(b"=").decode("ascii")
