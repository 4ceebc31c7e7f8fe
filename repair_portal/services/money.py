"""Integer money: amounts are minor units (pence/cents); tax rates are basis points."""

from __future__ import annotations

import re
from dataclasses import dataclass

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def format_money(amount_minor: int, currency: str = "GBP") -> str:
    sign = "-" if amount_minor < 0 else ""
    whole, minor = divmod(abs(amount_minor), 100)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    body = f"{whole:,}.{minor:02d}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency.upper()}"


class AmountError(ValueError):
    """An amount typed into a form that isn't one (the message is for the form)."""


_AMOUNT = re.compile(r"^\s*(?:[£$€]|[A-Z]{1,2}\$)?\s*(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?\s*$")
_AMOUNT_COMMA_DECIMAL = re.compile(r"^\s*(?:[£$€])?\s*(\d{1,7}),(\d{1,2})\s*$")


MAX_AMOUNT_TEXT = 32


def parse_amount(text: str) -> int:
    """What staff type into a money field -> minor units, never through a float.

    '149', '149.5', '£149.50', '1,049.00' and '149,50' are read; anything else is refused."""
    raw = str(text or "")
    if len(raw.strip()) > MAX_AMOUNT_TEXT:  # refused, never cut (a cut could read as another amount)
        raise AmountError("That amount is too long. Use numbers like 149.99.")
    match = _AMOUNT_COMMA_DECIMAL.match(raw) or _AMOUNT.match(raw)
    if not match:
        raise AmountError(f"“{raw.strip()}” isn't an amount. Use numbers like 149.99.")
    whole, frac = match.group(1).replace(",", ""), (match.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(frac)


def input_text(amount_minor: int) -> str:
    """Minor units -> what a money field shows for editing: '149.50' (no symbol, no grouping)."""
    sign = "-" if amount_minor < 0 else ""
    whole, minor = divmod(abs(amount_minor), 100)
    return f"{sign}{whole}.{minor:02d}"


def plain(amount_minor: int) -> str:
    """Minor units -> '1,049.00' with a true minus sign, for lists that state the currency elsewhere."""
    sign = "−" if amount_minor < 0 else ""
    whole, minor = divmod(abs(amount_minor), 100)
    return f"{sign}{whole:,}.{minor:02d}"


def format_rate(rate_bp: int) -> str:
    whole, frac = divmod(rate_bp, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def tax_on(amount_minor: int, rate_bp: int) -> int:
    """Tax rounded half-up to the minor unit, computed once on the subtotal."""
    numerator = amount_minor * rate_bp
    if numerator >= 0:
        return (numerator + 5000) // 10000
    return -((-numerator + 5000) // 10000)


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax: int
    total: int


def totals(line_amounts: list[int], rate_bp: int) -> Totals:
    subtotal = sum(line_amounts)
    tax = tax_on(subtotal, rate_bp)
    return Totals(subtotal, tax, subtotal + tax)
