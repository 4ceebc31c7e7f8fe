"""The demo's Stripe stand-in is served only in demo mode, and only while the shop has no keys of its own;
it sends customers back to this app only."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from repair_portal import settings as settings_mod
from repair_portal.actions.online_payments import DEMO_SECRET_KEY
from repair_portal.api import demo_payment_routes

SESSIONS = "/api/demo-stripe/v1/checkout/sessions"


def _client() -> TestClient:
    return TestClient(Starlette(routes=demo_payment_routes()))


def _checkout(success_url: str) -> dict:
    return {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "gbp",
        "line_items[0][price_data][unit_amount]": "5400",
        "line_items[0][price_data][product_data][name]": "Repair",
        "success_url": success_url,
        "cancel_url": "http://shop.test/api/pay/cancel/x",
    }


def test_served_in_demo_mode_until_real_keys_are_set(app_env, monkeypatch):
    monkeypatch.setenv("DEMO_MODE", "true")
    settings_mod.get_settings.cache_clear()
    client = _client()
    auth = {"Authorization": f"Bearer {DEMO_SECRET_KEY}"}
    assert client.get(SESSIONS + "/cs_nope").status_code == 401  # the stand-in answers (and wants its key)
    made = client.post(SESSIONS, data=_checkout("http://shop.test/api/pay/return/x"), headers=auth)
    assert made.status_code == 200 and made.json()["url"].startswith("http://shop.test/api/demo-stripe/checkout/")
    elsewhere = client.post(SESSIONS, data=_checkout("https://evil.example/phish"), headers=auth)
    assert elsewhere.status_code == 400 and "must be on http://shop.test" in elsewhere.text  # no open redirect
    assert DEMO_SECRET_KEY.startswith("sk_test_demo_") and len(DEMO_SECRET_KEY) > 40  # new at every start

    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_" + "a" * 24)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_" + "b" * 24)
    settings_mod.get_settings.cache_clear()
    assert client.get(SESSIONS + "/cs_nope").status_code == 404  # real keys: no stand-in at all
    assert client.get("/api/demo-stripe/checkout/" + made.json()["id"]).status_code == 404


def test_not_mounted_outside_demo_mode(app_env, monkeypatch):
    monkeypatch.setenv("DEMO_MODE", "false")
    settings_mod.get_settings.cache_clear()
    assert demo_payment_routes() == []
