"""Integer money: amounts are minor units (pence/cents); tax rates are basis points."""

from __future__ import annotations

from dataclasses import dataclass

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def format_money(amount_minor: int, currency: str = "GBP") -> str:
    sign = "-" if amount_minor < 0 else ""
    whole, minor = divmod(abs(amount_minor), 100)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    body = f"{whole:,}.{minor:02d}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency.upper()}"


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
