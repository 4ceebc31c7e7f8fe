import base64
import hashlib

import pytest

from repair_portal.services.tokens import derive_token, hash_token, new_token, token_matches


def _bits(token: str) -> int:
    padded = token + "=" * (-len(token) % 4)
    return len(base64.urlsafe_b64decode(padded)) * 8


def test_new_tokens_carry_at_least_128_bits_and_never_repeat():
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert min(_bits(t) for t in tokens) >= 128


def test_short_tokens_are_refused():
    with pytest.raises(ValueError):
        new_token(15)


def test_hash_is_sha256_hex_and_matches_in_constant_time_helper():
    token = new_token()
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token_matches(token, hash_token(token))
    assert not token_matches(token + "x", hash_token(token))


def test_derived_tokens_depend_on_key_and_salt():
    a = derive_token("key-one", "portal-link", "salt-1")
    assert a == derive_token("key-one", "portal-link", "salt-1")
    assert a != derive_token("key-two", "portal-link", "salt-1")
    assert a != derive_token("key-one", "portal-link", "salt-2")
    assert _bits(a) >= 128
