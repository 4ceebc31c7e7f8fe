"""Money typed into forms and shown back: integer minor units all the way, never a float."""

import pytest

from repair_portal.services import money


@pytest.mark.parametrize(
    "text,minor",
    [
        ("149", 14900),
        ("149.5", 14950),
        ("£149.50", 14950),
        ("$ 12.05", 1205),
        ("€0.99", 99),
        ("149,50", 14950),
        ("1,049.00", 104900),
        ("1,234,567", 123456700),
        (" 12 ", 1200),
        ("0.1", 10),
        ("19.99", 1999),  # 19.99 * 100 is 1998.9999… as a float
    ],
)
def test_typed_amounts_become_minor_units(text, minor):
    assert money.parse_amount(text) == minor


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.234", "1e5", "99999999", "1,2345", "12,34,56", "£", None])
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(money.AmountError, match="isn't an amount"):
        money.parse_amount(text)


@pytest.mark.parametrize("minor", [0, 1, 99, 1999, 14950, 104900, 123456700])
def test_what_a_field_shows_reads_back_to_the_same_amount(minor):
    assert money.parse_amount(money.input_text(minor)) == minor


def test_display_forms():
    assert money.input_text(1999) == "19.99"
    assert money.input_text(-5) == "-0.05"
    assert money.plain(104900) == "1,049.00"
    assert money.plain(-1999) == "−19.99"
    assert money.format_money(104900, "GBP") == "£1,049.00"
    assert money.format_money(1500, "CHF") == "15.00 CHF"
