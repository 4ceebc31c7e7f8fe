"""Password rules (ASVS V6.2) and hashing.

bcrypt only reads the first 72 bytes of its input, so passwords are pre-hashed
with HMAC-SHA256 and base64-encoded (44 ASCII bytes) before bcrypt: long
passphrases keep every character significant and nothing is silently cut.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from importlib import resources

import bcrypt

MIN_LENGTH = 12
MAX_LENGTH = 128
BCRYPT_ROUNDS = 12
_PREHASH_KEY = b"repair-portal/password-prehash/v1"
# Verified against when an account does not exist, so both paths cost the same.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password-hash-input", bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


class PasswordPolicyError(ValueError):
    """A password the rules reject; the message is safe to show to the user."""


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    extra = resources.files("repair_portal.services").joinpath("common_passwords.txt").read_text()
    words = {w.strip().lower() for w in extra.splitlines() if w.strip() and not w.startswith("#")}
    return frozenset(FREQUENCY_LISTS["passwords"]) | words


def _is_common(password: str) -> bool:
    lowered = password.lower().strip()
    common = _common_passwords()
    if lowered in common:
        return True
    # "password1234", "letmein!!!!!", "qwertyqwerty": a common word padded or repeated.
    core = lowered.rstrip("0123456789!?.@#$%*_- ")
    if len(core) >= 4 and core in common:
        return True
    for size in range(1, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            return True
    return False


def check_password_policy(password: str, email: str | None = None) -> None:
    """Raise PasswordPolicyError with a clear message, or return None when acceptable."""
    if not isinstance(password, str):
        raise PasswordPolicyError("Enter a password.")
    length = len(password)
    if length < MIN_LENGTH:
        raise PasswordPolicyError(f"Use at least {MIN_LENGTH} characters (you entered {length}).")
    if length > MAX_LENGTH:
        raise PasswordPolicyError(f"Use at most {MAX_LENGTH} characters (you entered {length}).")
    if email and password.strip().lower() == email.strip().lower():
        raise PasswordPolicyError("Your password can't be your email address.")
    if _is_common(password):
        raise PasswordPolicyError("That password is too common. Try a few unrelated words together.")


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant-work check: a missing hash still costs one bcrypt verification."""
    if not password_hash:
        bcrypt.checkpw(_prehash(password or ""), _DUMMY_HASH.encode())
        return False
    try:
        return bcrypt.checkpw(_prehash(password or ""), password_hash.encode("ascii"))
    except ValueError:
        burn_dummy_check(password)  # a corrupt hash must not answer faster than a real one
        return False


def burn_dummy_check(password: str) -> None:
    """Spend the same time as a real verification (unknown accounts)."""
    bcrypt.checkpw(_prehash(password or ""), _DUMMY_HASH.encode())
