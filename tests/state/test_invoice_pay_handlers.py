"""Paying several invoices online from /portal/invoices through the handlers: one checkout for the ticked
invoices at the amounts typed, and nothing started for another account's invoice, an amount above what is
due, a group without "Invoices: pay online" or a staff member's preview.

The provider is a tiny fake here (the real client against the stand-in is tested with the core), and
"online payments are ready" is patched on, so these tests don't depend on how keys are configured."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal import cookies
from repair_portal.actions import online_payments as pay_actions
from repair_portal.db import session_scope, write_session
from repair_portal.integrations.stripe_gateway import Checkout
from repair_portal.models import AuditEvent, PaymentAttempt, PaymentAttemptLine, PermissionGroup, Role, ShopSettings
from repair_portal.services import invoice_pay, payment_settings, portal_auth, portal_preview, staff_auth
from repair_portal.state.portal_invoice_pay import PortalInvoicePayState

from .. import factories, portal_factories
from ..invoice_factories import account, issued_invoice
from .conftest import connect, make_state, run

CHECKOUT = Checkout("cs_test_1", "https://pay.example/cs_test_1")


class FakeGateway:
    demo = False

    def __init__(self):
        self.calls = []

    def expire_checkout(self, session_id):
        return None

    def create_checkout(self, **kw):
        self.calls.append(kw)
        return CHECKOUT


@pytest.fixture
def provider(monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(pay_actions, "gateway", lambda session, settings=None, **_kw: fake)
    monkeypatch.setattr(payment_settings, "online_ready", lambda session, settings: (True, True))
    return fake


@pytest.fixture
def world(app_env, engine, provider):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        ours, theirs = account(s, "Ours Ltd"), account(s, "Theirs Secret Ltd")
        first, second = issued_invoice(s, location, ours), issued_invoice(s, location, ours)
        foreign = issued_invoice(s, location, theirs)
        viewer = PermissionGroup(name="See invoices", permissions_json='["invoices.view", "payments.view"]')
        s.add(viewer)
        s.flush()
        admin = portal_factories.portal_user(s, email="admin@ours.test", customer=ours)
        looker = portal_factories.portal_user(s, email="looker@ours.test", customer=ours, group=viewer)
        sessions = {
            who: portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
            for who, user in (("admin", admin), ("looker", looker))
        }
    owner = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    with write_session(engine) as s:
        preview = portal_preview.start(s, app_env, owner, admin.id, ip="", user_agent="")
    return {
        "first": first,
        "second": second,
        "foreign": foreign,
        "ours": ours.id,
        "admin_id": admin.id,
        "admin": {cookies.PORTAL_SESSION: sessions["admin"]},
        "looker": {cookies.PORTAL_SESSION: sessions["looker"]},
        "preview": {cookies.PORTAL_PREVIEW: preview, cookies.STAFF_SESSION: owner},
    }


def _page(jar: dict) -> PortalInvoicePayState:
    state = connect(make_state(PortalInvoicePayState, path="/portal/invoices"), **jar)
    state.load_money()
    state.load_pay()
    return state


def _form(*picks: tuple[int, str]) -> dict:
    form = {"junk": "ignored", "pay_²": "on", "amount_999": "1.00"}
    for invoice_id, amount in picks:
        form[f"pay_{invoice_id}"], form[f"amount_{invoice_id}"] = "on", amount
    return form


def _attempts(engine) -> list[PaymentAttempt]:
    with session_scope(engine) as s:
        return list(s.exec(select(PaymentAttempt)))


def test_two_invoices_paid_in_one_checkout(world, engine, provider):
    state = _page(world["admin"])
    first, second = world["first"].id, world["second"].id
    assert state.pay_shown and state.pay_demo and state.pay_button == "Choose invoices to pay"
    assert {row.id: row.due_input for row in state.invoice_rows} == {first: "180.00", second: "180.00"}
    state.pick_invoice(first, True)
    state.pick_invoice(second, True)
    state.set_pay_amount(second, "50")
    assert state.pay_button == "Pay £230.00 for 2 invoices"

    result = run(state.handle_pay_invoices(_form((first, "180.00"), (second, "50"))))

    assert state.pay_error == ""
    assert "window.location.assign" in str(result.args) and CHECKOUT.url in str(result.args)
    [attempt] = _attempts(engine)
    assert (attempt.kind, attempt.amount_minor, attempt.customer_id) == ("invoices", 23000, world["ours"])
    assert attempt.portal_user_id == world["admin_id"] and attempt.provider_session_id == "cs_test_1"
    assert attempt.back_path == "/portal/invoices"
    with session_scope(engine) as s:
        lines = s.exec(select(PaymentAttemptLine).where(PaymentAttemptLine.attempt_id == attempt.id)).all()
        started = s.exec(select(AuditEvent).where(AuditEvent.action == "payment.online_started")).one()
    assert sorted((line.invoice_id, line.amount_minor) for line in lines) == [(first, 18000), (second, 5000)]
    assert started.actor_type == "portal" and started.actor_id == world["admin_id"]
    assert [call["amount_minor"] for call in provider.calls] == [23000]


def test_another_accounts_invoice_is_refused_with_nothing_started(world, engine, provider):
    state = _page(world["admin"])
    for form in (_form((world["foreign"].id, "10.00")), _form((world["first"].id, "10"), (world["foreign"].id, "1"))):
        assert run(state.handle_pay_invoices(form)) is None
        assert state.pay_error == "One of those invoices isn't on this account."
    assert _attempts(engine) == [] and provider.calls == []


def test_an_amount_above_what_is_due_or_not_an_amount_is_refused(world, engine, provider):
    state = _page(world["admin"])
    first = world["first"]
    assert run(state.handle_pay_invoices(_form((first.id, "180.01")))) is None
    assert state.pay_error == f"{first.number_text}: that's more than is due (£180.00)."
    run(state.handle_pay_invoices(_form((first.id, "lots"))))
    assert state.pay_error.startswith(f"{first.number_text}: “lots” isn't an amount")
    run(state.handle_pay_invoices(_form((first.id, ""))))
    assert state.pay_error == f"Enter an amount for {first.number_text}."
    run(state.handle_pay_invoices(_form()))
    assert state.pay_error == "Choose at least one invoice to pay."
    assert _attempts(engine) == [] and provider.calls == []


def test_a_group_without_pay_online_is_neither_offered_it_nor_allowed(world, engine, provider):
    state = _page(world["looker"])
    assert state.invoice_rows and not state.pay_shown
    refused = run(state.handle_pay_invoices(_form((world["first"].id, "180.00"))))
    assert refused is not None and "doesn't include that" in str(refused)
    assert _attempts(engine) == [] and provider.calls == []


def test_a_staff_preview_sees_no_pay_and_cannot_pay(world, engine, provider):
    state = _page(world["preview"])
    assert state.invoice_rows and not state.pay_shown
    refused = run(state.handle_pay_invoices(_form((world["first"].id, "180.00"))))
    assert refused is not None and "preview" in str(refused).lower()
    assert _attempts(engine) == [] and provider.calls == []


def test_the_shop_can_turn_paying_invoices_off(world, engine, provider):
    with write_session(engine) as s:
        ShopSettings.current(s).pay_invoices_online = False
    state = _page(world["admin"])
    assert not state.pay_shown
    run(state.handle_pay_invoices(_form((world["first"].id, "180.00"))))
    assert state.pay_error == "Paying invoices online isn't available; please contact the shop."
    assert _attempts(engine) == [] and provider.calls == []


def test_ticks_and_amounts_from_forged_events_stay_bounded(world):
    state = _page(world["admin"])
    for forged in ("²", -1, "9" * 40, None):
        state.pick_invoice(forged, True)
        state.set_pay_amount(forged, "5")
    for invoice_id in range(1, 200):
        state.pick_invoice(invoice_id, True)
        state.set_pay_amount(invoice_id, "x" * 500)
    assert len(state.pay_picked) == 50 and len(state.pay_amounts) == 50
    # clipped far above an amount's limit (never to what could read as another amount): still bounded
    assert all(len(text) <= invoice_pay.MAX_TYPED_AMOUNT for text in state.pay_amounts.values())
