"""Phone numbers: read in the shop's country, stored E.164, shown nationally at home and internationally otherwise."""

import pytest

from repair_portal.models import ShopSettings
from repair_portal.services import phones


@pytest.mark.parametrize(
    ("raw", "region", "stored"),
    [
        ("07400 900123", "GB", "+447400900123"),
        ("+44 7400 900123", "GB", "+447400900123"),
        ("0044 7400 900123", "GB", "+447400900123"),  # 00: the international prefix from the UK
        ("(07400) 900-123", "GB", "+447400900123"),
        ("+44 (0)20 7946 0000", "GB", "+442079460000"),  # the (0) people write is dropped
        ("020 7946 0000", "GB", "+442079460000"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("201.555.0123", "US", "+12015550123"),
        ("011 44 20 7946 0000", "US", "+442079460000"),  # 011: the international prefix from the US
        ("087 123 4567", "IE", "+353871234567"),
        ("00353 87 123 4567", "GB", "+353871234567"),
        ("030 123456", "DE", "+4930123456"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("+49 30 123456", "GB", "+4930123456"),
        ("", "GB", ""),
        ("   ", "GB", ""),
    ],
)
def test_numbers_are_stored_in_e164_read_in_the_shops_country(raw, region, stored):
    assert phones.to_e164(raw, region) == stored
    assert phones.problem(raw, region) is None


def test_the_same_digits_are_a_different_number_in_another_country():
    assert phones.to_e164("030 123456", "DE") == "+4930123456"
    assert phones.to_e164("087 123 4567", "GB") != phones.to_e164("087 123 4567", "IE")


@pytest.mark.parametrize(
    ("raw", "region", "message"),
    [
        ("call me maybe", "GB", "digits only"),
        ("07400 CALLME", "GB", "digits only"),
        ("0740", "GB", "too short"),
        ("+", "GB", "too short"),
        ("07400 9001 23 45 67 89 01", "GB", "too long"),
        ("07700 900123", "GB", "doesn't look like a UK phone number"),  # Ofcom's fictional mobile range
        ("07700 900123", "GB", "start with + and the country code"),
        ("(555) 010-9999", "US", "doesn't look like a US phone number"),
        ("555-0100", "US", "area code"),  # a local number: which area?
        ("099 123 4567", "IE", "doesn't look like an Irish phone number"),
        ("+353 99 123 4567", "GB", "doesn't look like an Irish phone number"),  # named by its own country code
        ("0190 123456", "DE", "German phone number"),
        ("+999 1234 5678", "GB", "country code"),
        ("+44 7700 900123", "GB", "UK phone number. Check the number and its country code."),
    ],
)
def test_bad_numbers_get_a_clear_message(raw, region, message):
    assert message in phones.problem(raw, region)


def test_an_unknown_region_reads_numbers_as_the_default():
    assert phones.region_or_default("xx") == phones.region_or_default("") == "GB"
    assert phones.region_or_default(" ie ") == "IE"
    assert phones.to_e164("07400 900123", "XX") == "+447400900123"


def test_unreadable_input_comes_back_trimmed_for_validation_to_report():
    assert phones.to_e164("  call me  ", "GB") == "call me"
    assert phones.parse("call me", "GB") is None


@pytest.mark.parametrize(
    ("stored", "region", "shown"),
    [
        ("+447400900123", "GB", "07400 900123"),
        ("+442079460000", "GB", "020 7946 0000"),
        ("+442079460000", "IE", "+44 20 7946 0000"),
        ("+353871234567", "GB", "+353 87 123 4567"),
        ("+353871234567", "IE", "087 123 4567"),
        ("+12015550123", "US", "(201) 555-0123"),
        ("+12015550123", "GB", "+1 201-555-0123"),
        ("+4930123456", "DE", "030 123456"),
        ("+4930123456", "GB", "+49 30 123456"),
        ("+447700900123", "GB", "07700 900123"),  # stored before numbers were checked: still shown nicely
        ("020 7946 0000", "GB", "020 7946 0000"),  # not E.164 (an old row): read, then shown
        ("ask at the desk", "GB", "ask at the desk"),
        ("", "GB", ""),
    ],
)
def test_numbers_are_shown_nationally_at_home_and_internationally_otherwise(stored, region, shown):
    assert phones.display(stored, region) == shown


def test_tel_links_dial_from_anywhere():
    assert phones.tel_href("+442079460000", "GB") == "tel:+442079460000"
    assert phones.tel_href("+44 (0)20 7946-0000", "GB") == "tel:+442079460000"
    assert phones.tel_href("020 7946 0000", "GB") == "tel:+442079460000"
    assert phones.tel_href("ask at the desk 0800", "GB") == "tel:0800"
    assert phones.tel_href("", "GB") == ""


def test_country_choices_put_named_countries_first_by_name_then_every_other_region():
    choices = phones.region_choices()
    named = choices[: phones.named_region_count()]
    assert [label for _, label in named] == sorted((label for _, label in named), key=str.casefold)
    assert ("GB", "United Kingdom (+44)") in named and ("IE", "Ireland (+353)") in named
    assert {code for code, _ in choices} == set(phones.phonenumbers.SUPPORTED_REGIONS)
    assert all(label.startswith(code) for code, label in choices[phones.named_region_count() :])
    assert phones.region_name("DE") == "Germany" and phones.region_name("AX") == "AX"


def test_the_shops_country_comes_from_its_settings(session):
    assert phones.shop_region(session) == "GB"  # before set-up: the default
    session.add(ShopSettings(id=1, name="Shop", country="IE"))
    session.flush()
    assert phones.shop_region(session) == "IE"
