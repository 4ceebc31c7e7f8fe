import hashlib

import pytest

from repair_portal.services.passwords import (
    PasswordPolicyError,
    check_password_policy,
    hash_password,
    verify_password,
)

GOOD = "maple-orbit-canvas"


@pytest.mark.parametrize("length,ok", [(11, False), (12, True), (128, True), (129, False)])
def test_length_bounds(length, ok):
    password = (hashlib.sha256(b"a").hexdigest() + hashlib.sha256(b"b").hexdigest() + "xyz")[:length]
    if ok:
        check_password_policy(password, "someone@example.com")
    else:
        with pytest.raises(PasswordPolicyError, match="characters"):
            check_password_policy(password, "someone@example.com")


@pytest.mark.parametrize("candidate", ["owner@shop-example.com", "  OWNER@Shop-Example.COM ", "Owner@shop-example.com"])
def test_password_equal_to_email_in_any_casing_or_padding_is_refused(candidate):
    with pytest.raises(PasswordPolicyError, match="email"):
        check_password_policy(candidate, "owner@shop-example.com")


@pytest.mark.parametrize("common", ["password1234", "Password123456", "qwertyuiop123", "123456789012", "abcabcabcabc"])
def test_common_passwords_are_refused(common):
    with pytest.raises(PasswordPolicyError, match="common"):
        check_password_policy(common)


def test_no_composition_rules_a_long_lowercase_passphrase_is_fine():
    check_password_policy("walnut lantern gravel tide")


def test_hash_is_bcrypt_and_verifies():
    hashed = hash_password(GOOD, rounds=4)
    assert hashed.startswith("$2b$04$")
    assert GOOD not in hashed
    assert verify_password(GOOD, hashed)
    assert not verify_password(GOOD + "!", hashed)


def test_passwords_longer_than_72_bytes_are_not_truncated():
    prefix = "é" * 40  # 80 bytes in UTF-8: past bcrypt's 72-byte horizon on its own
    a, b = prefix + "-first-ending", prefix + "-other-ending"
    check_password_policy(a)
    hashed = hash_password(a, rounds=4)
    assert verify_password(a, hashed)
    assert not verify_password(b, hashed)


def test_128_multibyte_characters_hash_without_error():
    password = "漢字ł" * 42 + "éé"
    assert len(password) == 128
    check_password_policy(password)
    assert verify_password(password, hash_password(password, rounds=4))


def test_missing_or_corrupt_hash_never_verifies():
    assert not verify_password(GOOD, None)
    assert not verify_password(GOOD, "not-a-bcrypt-hash")
