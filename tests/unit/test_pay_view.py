"""What an order's page offers to pay online, and the return page's words for each outcome."""

from __future__ import annotations

from dataclasses import replace

from repair_portal.models import AttemptStatus, ShopSettings
from repair_portal.services import online_payments, pay_view, payments

from .. import factories
from ..invoice_factories import ACTOR, account, approved_order


def _shop(session, **values):
    shop, location = factories.shop(session)
    for name, value in values.items():
        setattr(shop, name, value)
    session.add(shop)
    session.flush()
    return location


def test_nothing_is_offered_until_the_shop_takes_payments_online(session, settings):
    location = _shop(session)
    order = approved_order(session, location, account(session))
    assert pay_view.for_order(session, order, settings) == pay_view.PayView()  # off
    shop = ShopSettings.current(session)
    shop.online_payments_enabled = True
    session.add(shop)
    assert not pay_view.for_order(session, order, replace(settings, demo_mode=False)).can_pay  # no keys, no demo
    assert pay_view.for_order(session, order, replace(settings, demo_mode=True)).demo  # the demo's stand-in


def test_the_balance_and_the_deposit_after_approval(session, settings):
    location = _shop(session, online_payments_enabled=True, deposit_rule="percent", deposit_value=5000)
    settings = replace(settings, demo_mode=True)
    order = approved_order(session, location, account(session))
    offer = pay_view.for_order(session, order, settings)
    assert (offer.can_pay, offer.balance, offer.balance_input) == (True, "£180.00", "180.00")
    assert (offer.deposit, offer.deposit_required, offer.demo, offer.part_allowed) == ("£90.00", False, True, False)
    payments.record_payment(session, order, 9000, "cash", ACTOR)  # the deposit paid at the counter
    offer = pay_view.for_order(session, order, settings)
    assert (offer.balance, offer.deposit) == ("£90.00", "")
    payments.record_payment(session, order, 9000, "card", ACTOR)
    assert not pay_view.for_order(session, order, settings).can_pay


def test_the_return_page_says_what_happened(session, settings):
    location = _shop(session)
    order = approved_order(session, location, account(session))
    attempt, token = online_payments.open_attempt(session, online_payments.balance_ask(session, order))
    assert pay_view.return_view(session, token, settings).status == "waiting"
    assert pay_view.return_view(session, token + "x", settings).status == "missing"
    assert pay_view.return_view(session, "", settings).status == "missing"
    attempt.status, attempt.failure = AttemptStatus.CANCELLED.value, "Your card was declined."
    session.add(attempt)
    seen = pay_view.return_view(session, token, settings)
    assert (seen.status, seen.amount, seen.failure, seen.lines) == (
        "cancelled",
        "£180.00",
        "Your card was declined.",
        [f"Repair {order.reference}: £180.00"],
    )
