"""Deposit rules: amounts, percentages typed in, and a location's override of the shop's rule."""

from dataclasses import replace

import pytest
from sqlmodel import select

from repair_portal.models import Location, ShopSettings
from repair_portal.services import audit, deposits
from repair_portal.services.deposits import DepositRule, deposit_amount, deposit_rule_for, parse_percent_bp

from .. import factories

OWNER = audit.Actor("staff", 1, "owner@example.com")


@pytest.fixture
def shop(write):
    with write() as s:
        factories.shop(s)


# --- deposits (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bp"), [("25", 2500), ("12.5", 1250), ("12,5", 1250), ("8.25", 825), ("1", 100), ("100", 10000)]
)
def test_percentages_are_read_to_basis_points(text, bp):
    assert parse_percent_bp(text) == bp and parse_percent_bp(f" {text} %") == bp
    assert parse_percent_bp(deposits.deposit_value_text("percent", bp)) == bp


@pytest.mark.parametrize("text", ["0", "0.99", "101", "1e2", "-5", "12.345", "²5", "", "25 percent"])
def test_percentages_out_of_range_or_odd_are_refused(text):
    with pytest.raises(ValueError):
        parse_percent_bp(text)


def test_an_over_long_percentage_is_refused_not_cut():
    """A "25" with a stray tail far to the right was once cut back to "25": now the whole text is read."""
    with pytest.raises(ValueError, match="at most 20 characters"):
        parse_percent_bp("25" + " " * 30 + "7")
    assert parse_percent_bp("25" + " " * 17 + "%") == 2500  # 20 characters: still a percentage


@pytest.mark.parametrize(
    ("rule", "total", "amount"),
    [
        (DepositRule("percent", 2500, False), 999, 250),  # 249.75 rounds up
        (DepositRule("percent", 2500, False), 998, 250),  # 249.5 rounds half up
        (DepositRule("percent", 2500, False), 997, 249),  # 249.25 rounds down
        (DepositRule("percent", 5000, False), 1, 1),  # 0.5 rounds half up
        (DepositRule("percent", 1250, False), 1, 0),
        (DepositRule("percent", 10000, True), 12345, 12345),
        (DepositRule("percent", 20000, True), 500, 500),  # never above the total
        (DepositRule("fixed", 2000, True), 15000, 2000),
        (DepositRule("fixed", 2000, True), 1500, 1500),  # capped at the total
        (DepositRule("fixed", 2000, True), 0, 0),
        (DepositRule("percent", 2500, True), -400, 0),
        (DepositRule("none", 0, False), 15000, 0),
        (DepositRule("bogus", 5000, True), 15000, 0),
    ],
)
def test_deposit_amounts(rule, total, amount):
    assert deposit_amount(rule, total) == amount


def test_a_location_overrides_the_shops_rule_and_required_separately():
    shop = ShopSettings(id=1, name="S", deposit_rule="percent", deposit_value=2500, deposit_required=False)
    assert deposit_rule_for(shop) == deposit_rule_for(shop, Location(name="L")) == DepositRule("percent", 2500, False)
    assert deposit_rule_for(shop, Location(name="L", deposit_required=True)) == DepositRule("percent", 2500, True)
    fixed = Location(name="L", deposit_rule="fixed", deposit_value=1500)
    assert deposit_rule_for(shop, fixed) == DepositRule("fixed", 1500, False)
    assert deposit_rule_for(shop, Location(name="L", deposit_rule="none", deposit_value=0)) == deposits.NO_DEPOSIT
    broken = ShopSettings(id=1, name="S", deposit_rule="percent", deposit_value=0, deposit_required=True)
    assert deposit_rule_for(broken) == deposits.NO_DEPOSIT  # a rule with no value asks nothing
    assert deposits.describe(DepositRule("percent", 1250, True), "GBP") == "12.5 % deposit, required"
    assert deposits.describe(DepositRule("fixed", 2000, False), "GBP") == "£20.00 deposit, optional"


@pytest.mark.parametrize(
    ("fields", "expected", "errors"),
    [
        (("", "", ""), deposits.LocationDeposit(None, None, None), set()),
        (("inherit", "junk", "inherit"), deposits.LocationDeposit(None, None, None), set()),
        (("percent", "10", "yes"), deposits.LocationDeposit("percent", 1000, True), set()),
        (("fixed", "25.00", "no"), deposits.LocationDeposit("fixed", 2500, False), set()),
        (("none", "", ""), deposits.LocationDeposit("none", 0, None), set()),
        (("", "", "yes"), deposits.LocationDeposit(None, None, True), set()),
        (("percent", "150", ""), None, {"deposit_value"}),
        (("all", "", "maybe"), None, {"deposit_rule", "deposit_required"}),
    ],
)
def test_the_location_editors_deposit_fields(fields, expected, errors):
    deposit, found = deposits.parse_location_deposit(*fields)
    assert set(found) == errors
    if expected is not None:
        assert deposit == expected


# --- a location's override through the location editor's service ---------------------------------------


def test_a_location_keeps_its_own_deposit_rule(shop, write, read):
    from repair_portal.services import locations

    with read() as s:
        location_id = s.exec(select(Location.id)).one()
        original = locations.form_for(s.get(Location, location_id))
    assert (original.deposit_rule, original.deposit_value, original.deposit_required) == ("", "", "")
    mine = replace(original, deposit_rule="percent", deposit_value="12.50", deposit_required="yes")
    with write() as s:
        changed = locations.update_location(s, location_id, mine, original=original, actor=OWNER)
    assert changed == ["deposit_rule", "deposit_value", "deposit_required"]
    with read() as s:
        stored = s.get(Location, location_id)
        assert (stored.deposit_rule, stored.deposit_value, stored.deposit_required) == ("percent", 1250, True)
        again = locations.form_for(stored)
    assert (again.deposit_rule, again.deposit_value, again.deposit_required) == ("percent", "12.5", "yes")
    with write() as s:  # '12.5' and '12.50' are the same rule: nothing to save
        assert (
            locations.update_location(
                s, location_id, replace(again, deposit_value="12.50"), original=again, actor=OWNER
            )
            == []
        )
    with pytest.raises(locations.LocationInvalid) as refused, write() as s:
        locations.update_location(s, location_id, replace(again, deposit_value="0"), original=again, actor=OWNER)
    assert "between 1 and 100" in refused.value.errors["deposit_value"]
    kept = locations.keep_deposit(replace(again, name="Renamed", deposit_rule=""), again)
    assert (kept.name, kept.deposit_rule) == ("Renamed", "percent")
    with write() as s:
        locations.update_location(
            s, location_id, replace(again, deposit_rule="", deposit_required=""), original=again, actor=OWNER
        )
    with read() as s:
        stored = s.get(Location, location_id)
        assert (stored.deposit_rule, stored.deposit_value, stored.deposit_required) == (None, None, None)
