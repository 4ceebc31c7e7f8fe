"""Deposit rules: what a shop (or one location) asks up front when a quote is approved.

A rule is none, a percentage (basis points) or a fixed amount (minor units); a location overrides the
shop's rule when its own `deposit_rule` is set, and its `deposit_required` when that is set. Pure
functions: services/payment_settings.py saves them, the approval flow asks `deposit_amount`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Location, ShopSettings
from . import money
from .shop_settings import format_rate_input
from .text_input import too_long_message

RULES = ("none", "percent", "fixed")
RULE_LABELS = {"none": "No deposit", "percent": "A percentage of the quote", "fixed": "A fixed amount"}
# The location editor's choices (a select needs a value for "the shop's": INHERIT).
INHERIT = "inherit"
LOCATION_RULE_CHOICES = {
    INHERIT: "Use the shop's rule",
    "none": "None",
    "percent": "Percentage",
    "fixed": "Fixed amount",
}
REQUIRED_CHOICES = {INHERIT: "Use the shop's", "yes": "Yes", "no": "No"}
MAX_BP = 10_000
MAX_PERCENT_TEXT = 20  # what a percentage field may hold ("12.5 %" needs 6)
_PERCENT = re.compile(r"\d{1,3}(?:[.,]\d{1,2})?")


@dataclass(frozen=True)
class DepositRule:
    rule: str  # none | percent | fixed
    value: int  # basis points (percent) or minor units (fixed); 0 for none
    required: bool  # no "Skip" after approving; never true without a deposit to pay


NO_DEPOSIT = DepositRule("none", 0, False)


@dataclass(frozen=True)
class LocationDeposit:
    """A location's override as stored: None everywhere means "the shop's"."""

    rule: str | None
    value: int | None
    required: bool | None


def _sane(rule: str | None, value: int | None, required: bool | None) -> DepositRule:
    """A stored rule as the app uses it: an unknown rule or a non-positive value is no deposit."""
    value = int(value or 0)
    if rule == "percent" and value > 0:
        return DepositRule("percent", min(value, MAX_BP), bool(required))
    if rule == "fixed" and value > 0:
        return DepositRule("fixed", value, bool(required))
    return NO_DEPOSIT


def deposit_rule_for(shop: ShopSettings, location: Location | None = None) -> DepositRule:
    """The rule for an order at `location`: its own rule when set, else the shop's; likewise `required`."""
    rule, value, required = shop.deposit_rule, shop.deposit_value, shop.deposit_required
    if location is not None and location.deposit_rule is not None:
        rule, value = location.deposit_rule, location.deposit_value
    if location is not None and location.deposit_required is not None:
        required = location.deposit_required
    return _sane(rule, value, required)


def deposit_amount(rule: DepositRule, total_minor: int) -> int:
    """The deposit on `total_minor`: a percentage rounded half up to the minor unit, never above the total."""
    if total_minor <= 0:
        return 0
    if rule.rule == "percent":
        return min(total_minor, (total_minor * max(rule.value, 0) + 5000) // 10000)
    if rule.rule == "fixed":
        return min(max(rule.value, 0), total_minor)
    return 0


# --- typing a rule in ---------------------------------------------------------------------------------


def parse_percent_bp(text: str) -> int:
    """'25' -> 2500, '12.5' -> 1250 basis points; 1 to 100 %, at most two decimals (ValueError: the message)."""
    raw = str(text or "").strip()
    if len(raw) > MAX_PERCENT_TEXT:  # refused, never cut (a cut could read as another rate)
        raise ValueError(too_long_message("The percentage", MAX_PERCENT_TEXT, len(raw)))
    raw = raw.rstrip("%").strip()
    if not _PERCENT.fullmatch(raw):
        raise ValueError("Enter a percentage like 25 or 12.5 (at most two decimals).")
    whole, _, frac = raw.replace(",", ".").partition(".")
    bp = int(whole) * 100 + int(frac.ljust(2, "0") or "0")
    if not 100 <= bp <= MAX_BP:
        raise ValueError("A percentage deposit is between 1 and 100 %.")
    return bp


def parse_deposit(rule: str, text: str) -> int:
    """The value typed for `rule`: basis points, minor units, or 0 for none (ValueError: the message)."""
    if rule == "none":
        return 0
    if rule == "percent":
        return parse_percent_bp(text)
    if rule == "fixed":
        if not str(text or "").strip():
            raise ValueError("Enter the deposit amount, like 20.00.")
        amount = money.parse_amount(text)  # AmountError is a ValueError with a message for the form
        if amount <= 0:
            raise ValueError("A fixed deposit is more than 0.")
        return amount
    raise ValueError("Choose no deposit, a percentage or a fixed amount.")


def deposit_value_text(rule: str | None, value: int | None) -> str:
    """What the form shows for a stored value: '25' / '12.5' for a percentage, '20.00' for an amount."""
    if rule == "percent" and value:
        return format_rate_input(value)
    if rule == "fixed" and value:
        return money.input_text(value)
    return ""


def describe(rule: DepositRule, currency: str) -> str:
    """'25 % deposit, required' / '£20.00 deposit, optional' / 'No deposit' (pages and the location editor)."""
    if rule.rule == "none":
        return "No deposit"
    amount = f"{deposit_value_text('percent', rule.value)} %" if rule.rule == "percent" else ""
    amount = amount or money.format_money(rule.value, currency)
    return f"{amount} deposit, {'required' if rule.required else 'optional'}"


# --- a location's override ----------------------------------------------------------------------------


def _choice(raw, choices) -> str:
    text = str(raw or "").strip().lower()[:20]
    return INHERIT if text in ("", INHERIT) else text if text in choices else "?"


def parse_location_deposit(rule: str, value: str, required: str) -> tuple[LocationDeposit, dict[str, str]]:
    """The location editor's three fields ('' or 'inherit': the shop's) -> the override and field messages."""
    errors: dict[str, str] = {}
    rule_choice, required_choice = _choice(rule, LOCATION_RULE_CHOICES), _choice(required, REQUIRED_CHOICES)
    if rule_choice == "?":
        errors["deposit_rule"] = "Choose the shop's rule, none, a percentage or a fixed amount."
    if required_choice == "?":
        errors["deposit_required"] = "Choose the shop's setting, yes or no."
    own_rule = rule_choice not in (INHERIT, "?")
    amount = None
    if own_rule:
        try:
            amount = parse_deposit(rule_choice, value)
        except ValueError as exc:
            errors["deposit_value"] = str(exc)
    required_flag = None if required_choice in (INHERIT, "?") else required_choice == "yes"
    deposit = LocationDeposit(rule_choice if own_rule else None, amount if own_rule else None, required_flag)
    return deposit, errors


def location_deposit_fields(location: Location) -> tuple[str, str, str]:
    """(rule, value, required) as the location form holds them: '' for "the shop's"."""
    required = "" if location.deposit_required is None else ("yes" if location.deposit_required else "no")
    value = deposit_value_text(location.deposit_rule, location.deposit_value)
    return location.deposit_rule or "", value, required


def clean_location_fields(rule: str, value: str, required: str) -> tuple[str, str, str]:
    """The same three fields in one spelling ('12.50' and '12.5' are one percentage), for change checks."""
    deposit, errors = parse_location_deposit(rule, value, required)
    rule_text = str(rule or "").strip().lower()
    rule_text = "" if rule_text == INHERIT else rule_text
    if "deposit_value" in errors or "deposit_rule" in errors:
        shown = str(value or "").strip()
    else:
        shown = deposit_value_text(deposit.rule, deposit.value)
    required_text = str(required or "").strip().lower()
    return rule_text, shown, "" if required_text == INHERIT else required_text
