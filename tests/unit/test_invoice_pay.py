"""Paying several invoices: reading the portal's form, the Pay button's total, and who is offered it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from repair_portal.models import ShopSettings
from repair_portal.services import invoice_pay, payment_settings
from repair_portal.services.invoice_pay import PayFormError, button_text, chosen_from_form, offer, picked_total
from repair_portal.services.portal_permissions import Perm

from .. import factories

NUMBERS = {12: "INV-00012", 13: "INV-00013"}


def test_the_form_gives_each_ticked_invoice_its_amount_and_ignores_the_rest():
    form = {
        "pay_12": "on",
        "amount_12": "£1,049.50",
        "pay_13": "on",
        "amount_13": "12",
        "amount_14": "99",  # an amount without its box: not paid
        "pay_15": "off",
        "pay_²": "on",
        "pay_-1": "on",
        "pay_" + "9" * 40: "on",
        "pay_012": "on",  # the same invoice again
        "note": "hello",
        7: "on",
    }
    assert chosen_from_form(form, NUMBERS) == {12: 104950, 13: 1200}


def test_a_blank_amount_is_left_for_the_service_to_name_and_a_bad_one_names_its_invoice():
    assert chosen_from_form({"pay_12": "on", "amount_12": "  "}) == {12: 0}
    assert chosen_from_form({"pay_12": "on"}) == {12: 0}
    with pytest.raises(PayFormError, match=r"^INV-00013: “ten” isn't an amount"):
        chosen_from_form({"pay_13": "on", "amount_13": "ten"}, NUMBERS)
    with pytest.raises(PayFormError, match=r"^Amount: "):
        chosen_from_form({"pay_99": "on", "amount_99": "1.234"}, NUMBERS)


def test_an_over_long_amount_is_refused_not_cut_to_what_fits():
    """The browser no longer cuts a pasted amount (no maxlength): the whole text is read, so a stray tail far
    to the right is refused with a message instead of being dropped without a word."""
    with pytest.raises(PayFormError, match=r"^INV-00012: That amount is too long"):
        chosen_from_form({"pay_12": "on", "amount_12": "10.00" + " " * 30 + "9"}, NUMBERS)


def test_at_most_fifty_invoices_and_nothing_from_what_is_not_a_form():
    fifty = {f"pay_{i}": "on" for i in range(1, 51)} | {f"amount_{i}": "1" for i in range(1, 51)}
    assert len(chosen_from_form(fifty)) == 50
    with pytest.raises(PayFormError, match="at most 50"):
        chosen_from_form(fifty | {"pay_51": "on"})
    assert chosen_from_form("pay_1=on") == {} and chosen_from_form(None) == {}  # type: ignore[arg-type]


def _row(invoice_id: int, due_minor: int, due_input: str):
    return SimpleNamespace(id=invoice_id, due_minor=due_minor, due_input=due_input)


def test_the_button_totals_the_ticked_rows_shown_at_the_amounts_typed():
    rows = [_row(12, 18000, "180.00"), _row(13, 5000, "50.00"), _row(14, 0, "")]
    assert picked_total(rows, [12, 13], {}) == (2, 23000)
    assert picked_total(rows, [12, 13, 99], {"13": "20.5"}) == (2, 20050)  # 99: not on this page
    assert picked_total(rows, [12, 14], {"12": "oops"}) == (1, 0)  # paid rows don't count; "oops" is nothing
    assert button_text(2, 23000, "GBP") == "Pay £230.00 for 2 invoices"
    assert button_text(1, 50, "EUR") == "Pay €0.50 for 1 invoice"
    assert button_text(0, 0, "GBP") == "Choose invoices to pay"


@pytest.fixture
def ready(monkeypatch):
    answer = {"value": (True, False)}
    monkeypatch.setattr(payment_settings, "online_ready", lambda session, settings: answer["value"])
    return answer


def test_offered_only_with_both_permissions_the_shop_switch_and_no_preview(session, settings, ready):
    factories.shop(session)
    both = {Perm.INVOICES_VIEW, Perm.INVOICES_PAY}
    assert offer(session, settings, both, preview=False) == invoice_pay.Offer(shown=True, demo=False, currency="GBP")
    assert not offer(session, settings, {Perm.INVOICES_VIEW}, preview=False).shown
    assert not offer(session, settings, {Perm.INVOICES_PAY}, preview=False).shown
    assert not offer(session, settings, both, preview=True).shown
    ready["value"] = (True, True)
    assert offer(session, settings, both, preview=False).demo
    ready["value"] = (False, False)
    assert not offer(session, settings, both, preview=False).shown
    ready["value"] = (True, False)
    ShopSettings.current(session).pay_invoices_online = False
    assert not offer(session, settings, both, preview=False).shown
