"""Settings → Payments: Stripe keys (environment over page, never shown whole), on/off, the deposit rule."""

import json
from dataclasses import replace

import pytest
from sqlmodel import select

from repair_portal.integrations import vault
from repair_portal.models import AuditEvent, ShopSettings
from repair_portal.services import audit, payment_settings
from repair_portal.services.payment_settings import PaymentOptions, masked, save_payment_settings, stripe_keys

from .. import factories
from ..conftest import installation_keys

OWNER = audit.Actor("staff", 1, "owner@example.com")
OTHER = audit.Actor("staff", 2, "other@example.com")
SECRET = "sk_live_51HxAbCdEfGhIjKlMnOpQrStUv4242"
SECRET_2 = "sk_test_51ZyXwVuTsRqPoNmLkJiHgFe9876"
WEBHOOK = "whsec_Q2FuYXJ5V2ViaG9va1NlY3JldA1234"
ENV_SECRET = "rk_live_EnvironmentKeyAbCdEfGh7777"
ENV_WEBHOOK = "whsec_EnvironmentSigningSecret8888"


@pytest.fixture
def live(settings):
    """Outside demo mode: no stand-in, so keys are really needed."""
    return replace(settings, demo_mode=False)


@pytest.fixture
def shop(write):
    with write() as s:
        factories.shop(s)


def _save(write, settings, actor=OWNER, loaded=None, **form):
    with write() as s:
        return save_payment_settings(s, settings, form, actor, loaded=loaded)


def _shop(read) -> ShopSettings:
    with read() as s:
        return s.get(ShopSettings, 1)


def _keys(read, settings):
    with read() as s:
        return stripe_keys(s, settings)


def _audit(read) -> list[AuditEvent]:
    with read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == payment_settings.AUDIT_ACTION)))


# --- keys -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (SECRET, "sk_live_…4242"),
        (WEBHOOK, "whsec_…1234"),
        ("rk_test_abcdefghijklmnop9999", "rk_test_…9999"),
        ("sk_live_short", "sk_live_…"),  # too short to show its end: that would be much of the key
        ("", ""),
        (None, ""),
    ],
)
def test_masked_shows_the_kind_and_the_last_four_at_most(key, shown):
    assert masked(key) == shown
    if key:
        prefix, tail = shown.split("…")
        assert len(tail) <= 4 and key.startswith(prefix) and key.endswith(tail)


def test_no_keys_means_none_and_the_page_says_pay_buttons_stay_hidden(shop, read, live):
    assert _keys(read, live) is None
    with read() as s:
        view = payment_settings.settings_view(s, live)
        assert not payment_settings.payments_ready(s, live)
        assert not payment_settings.demo_standin_active(live, s)
    assert view.status == "Online payments are off — no keys: Pay buttons stay hidden"
    assert (view.secret.masked, view.secret.source) == ("", "")
    assert view.webhook_url == "http://shop.test/api/stripe/webhook"
    assert "checkout.session.completed" in view.events and "refund.updated" in view.events


def test_keys_typed_on_the_page_are_kept_encrypted_and_never_shown_back_whole(shop, write, read, live):
    assert _save(write, live, secret_key=f"  {SECRET}\n", webhook_secret=WEBHOOK) is None
    stored = _shop(read)
    assert SECRET not in stored.stripe_secret_key_enc and WEBHOOK not in stored.stripe_webhook_secret_enc
    assert _keys(read, live) == payment_settings.StripeKeys(SECRET, WEBHOOK, "settings")
    with read() as s:
        view = payment_settings.settings_view(s, live)
    shown = repr(view)
    assert SECRET not in shown and WEBHOOK not in shown and SECRET[8:-4] not in shown
    assert (view.secret.masked, view.secret.source, view.secret.stored) == ("sk_live_…4242", "settings", True)
    (event,) = _audit(read)
    assert SECRET not in event.detail and WEBHOOK not in event.detail and "4242" not in event.detail
    assert json.loads(event.detail)["keys"] == {"secret_key": "added", "webhook_secret": "added"}


def test_an_empty_key_field_keeps_the_stored_key(shop, write, read, live):
    _save(write, live, secret_key=SECRET, webhook_secret=WEBHOOK)
    before = _shop(read)
    assert _save(write, live, secret_key="", webhook_secret="   ", pay_orders_online=True) is None
    after = _shop(read)
    assert after.stripe_secret_key_enc == before.stripe_secret_key_enc
    assert after.stripe_webhook_secret_enc == before.stripe_webhook_secret_enc
    _save(write, live, secret_key=SECRET_2)  # one field typed: only that key is replaced
    assert _keys(read, live) == payment_settings.StripeKeys(SECRET_2, WEBHOOK, "settings")
    assert json.loads(_audit(read)[-1].detail)["keys"] == {"secret_key": "replaced"}


def test_environment_keys_win_over_the_page_and_each_key_on_its_own(shop, write, read, live):
    _save(write, live, secret_key=SECRET, webhook_secret=WEBHOOK)
    both = replace(live, stripe_secret_key=ENV_SECRET, stripe_webhook_secret=ENV_WEBHOOK)
    assert _keys(read, both) == payment_settings.StripeKeys(ENV_SECRET, ENV_WEBHOOK, "environment")
    one = replace(live, stripe_secret_key=ENV_SECRET)
    assert _keys(read, one) == payment_settings.StripeKeys(ENV_SECRET, WEBHOOK, "mixed")
    with read() as s:
        view = payment_settings.settings_view(s, one)
    assert (view.secret.source, view.secret.stored, view.webhook.source) == ("environment", True, "settings")


def test_either_key_missing_is_no_keys(shop, write, read, live):
    _save(write, live, secret_key=SECRET)
    assert _keys(read, live) is None
    assert _keys(read, replace(live, stripe_webhook_secret=ENV_WEBHOOK)).source == "mixed"


def test_a_key_stored_with_another_vault_key_is_unreadable_not_a_crash(shop, write, read, live, tmp_path):
    _save(write, live, secret_key=SECRET, webhook_secret=WEBHOOK)
    (tmp_path / "passcode_key").unlink()  # a new installation key: the stored tokens no longer open
    vault.create_key(tmp_path)
    assert _keys(read, live) is None
    with read() as s:
        assert payment_settings.settings_view(s, live).secret.source == "unreadable"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("secret_key", "pk_live_51HxAbCdEfGhIjKlMnOp", "publishable key"),
        ("secret_key", WEBHOOK, "webhook signing secret"),
        ("secret_key", "live_51HxAbCdEfGhIjKlMnOp", "starts with sk_"),
        ("secret_key", "sk_live_has spaces inside it", "whole Stripe key"),
        ("secret_key", "sk_x", "whole Stripe key"),
        ("webhook_secret", SECRET, "starts with whsec_"),
        ("webhook_secret", "we_1HxAbCdEfGhIjKlMnOp", "starts with whsec_"),
        ("webhook_secret", "whsec_<script>alert(1)</script>", "whole signing secret"),
    ],
)
def test_keys_of_the_wrong_kind_are_refused_and_nothing_is_written(shop, write, read, live, field, value, message):
    before = _shop(read).model_dump()
    errors = _save(write, live, **{field: value})
    assert message in errors[field]
    assert _shop(read).model_dump() == before and _audit(read) == []


def test_turning_payments_on_needs_both_keys(shop, write, read, live):
    errors = _save(write, live, online_payments_enabled=True, secret_key=SECRET)
    assert "need both Stripe keys" in errors["online_payments_enabled"]
    assert _shop(read).online_payments_enabled is False and _shop(read).stripe_secret_key_enc == ""
    assert _save(write, live, online_payments_enabled="on", secret_key=SECRET, webhook_secret=WEBHOOK) is None
    with read() as s:
        assert payment_settings.payments_ready(s, live)
        assert payment_settings.settings_view(s, live).status == (
            "Online payments are on — Stripe keys saved on this page"
        )


def test_environment_keys_alone_let_payments_on(shop, write, read, live):
    env = replace(live, stripe_secret_key=ENV_SECRET, stripe_webhook_secret=ENV_WEBHOOK)
    assert _save(write, env, online_payments_enabled=True) is None
    with read() as s:
        assert payment_settings.payments_ready(s, env) and not payment_settings.payments_ready(s, live)


def test_removing_the_stored_keys(shop, write, read, live):
    _save(write, live, online_payments_enabled=True, secret_key=SECRET, webhook_secret=WEBHOOK)
    assert (
        "not both"
        in _save(write, live, online_payments_enabled=True, remove_keys=True, secret_key=SECRET_2)["remove_keys"]
    )
    assert "turn them off too" in _save(write, live, online_payments_enabled=True, remove_keys=True)["remove_keys"]
    assert _keys(read, live) is not None
    assert _save(write, live, online_payments_enabled=False, remove_keys=True) is None
    stored = _shop(read)
    assert (stored.stripe_secret_key_enc, stored.stripe_webhook_secret_enc, stored.online_payments_enabled) == (
        "",
        "",
        False,
    )
    assert json.loads(_audit(read)[-1].detail)["keys"] == {"secret_key": "removed", "webhook_secret": "removed"}


def test_demo_mode_without_keys_uses_the_stand_in(shop, write, read, settings):
    assert settings.demo_mode
    assert _save(write, settings, online_payments_enabled=True) is None  # the stand-in plays Stripe
    with read() as s:
        assert payment_settings.demo_standin_active(settings, s) and payment_settings.payments_ready(s, settings)
        assert "demo: no money moves" in payment_settings.settings_view(s, settings).status
    _save(write, settings, online_payments_enabled=True, secret_key=SECRET, webhook_secret=WEBHOOK)
    with read() as s:
        assert not payment_settings.demo_standin_active(settings, s)  # real keys switch to Stripe


def test_options_are_saved_and_audited_without_keys(shop, write, read, live):
    form = {"pay_invoices_online": False, "allow_part_payment": "on", "deposit_rule": "percent"}
    assert _save(write, live, pay_orders_online=True, deposit_value="12.5", deposit_required=True, **form) is None
    stored = _shop(read)
    assert (stored.pay_orders_online, stored.pay_invoices_online, stored.allow_part_payment) == (True, False, True)
    assert (stored.deposit_rule, stored.deposit_value, stored.deposit_required) == ("percent", 1250, True)
    assert PaymentOptions.of(stored).deposit_value == "12.5"
    detail = json.loads(_audit(read)[-1].detail)
    assert detail["changes"]["deposit_value"] == [0, 1250] and detail["keys"] == {}
    assert _save(write, live, pay_orders_online=True, deposit_rule="fixed", deposit_value="£20") is None
    assert (_shop(read).deposit_rule, _shop(read).deposit_value) == ("fixed", 2000)
    assert _save(write, live, pay_orders_online=True, deposit_rule="none", deposit_value="rubbish") is None
    assert (_shop(read).deposit_rule, _shop(read).deposit_value) == ("none", 0)


@pytest.mark.parametrize(
    ("rule", "value", "field", "message"),
    [
        ("percent", "0.5", "deposit_value", "between 1 and 100"),
        ("percent", "100.01", "deposit_value", "between 1 and 100"),
        ("percent", "12.555", "deposit_value", "at most two decimals"),
        ("percent", "", "deposit_value", "like 25 or 12.5"),
        ("fixed", "0", "deposit_value", "more than 0"),
        ("fixed", "", "deposit_value", "like 20.00"),
        ("fixed", "lots", "deposit_value", "isn't an amount"),
        ("half", "50", "deposit_rule", "Choose no deposit"),
    ],
)
def test_deposit_values_are_checked(shop, write, read, live, rule, value, field, message):
    errors = _save(write, live, deposit_rule=rule, deposit_value=value)
    assert message in errors[field] and _audit(read) == []


def test_two_editors_changing_different_options_both_keep_theirs(shop, write, read, live):
    with read() as s:
        loaded = PaymentOptions.of(s.get(ShopSettings, 1))
    page = {"pay_orders_online": True, "pay_invoices_online": True}
    assert _save(write, live, loaded=loaded, **page, deposit_rule="percent", deposit_value="25") is None
    assert _save(write, live, OTHER, loaded=loaded, **{**page, "pay_invoices_online": False}) is None
    stored = _shop(read)
    assert (stored.deposit_rule, stored.deposit_value, stored.pay_invoices_online) == ("percent", 2500, False)
    clash = _save(write, live, OTHER, loaded=loaded, **page, deposit_rule="fixed", deposit_value="30")
    assert "owner@example.com saved the payment settings" in clash["conflict"] and "deposit rule" in clash["conflict"]
    assert _shop(read).deposit_rule == "percent"
    mine = PaymentOptions(deposit_rule="fixed", deposit_value="30")
    rebased = payment_settings.rebase(loaded, mine, PaymentOptions.of(_shop(read)))
    assert (rebased.deposit_rule, rebased.deposit_value, rebased.pay_invoices_online) == ("fixed", "30", False)


# --- the environment ----------------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch, tmp_path):
    installation_keys(tmp_path, secret_key_file=True)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    for name in ("DEMO_MODE", "SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_stripe_keys_from_the_environment(env):
    from repair_portal.settings import load_settings

    assert (load_settings().stripe_secret_key, load_settings().stripe_api_base) == (None, None)
    env.setenv("STRIPE_SECRET_KEY", f" {SECRET} ")
    env.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK)
    env.setenv("STRIPE_API_BASE", "http://127.0.0.1:12111/")
    loaded = load_settings()
    assert (loaded.stripe_secret_key, loaded.stripe_webhook_secret) == (SECRET, WEBHOOK)
    assert loaded.stripe_api_base == "http://127.0.0.1:12111"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("STRIPE_SECRET_KEY", "changeme", "placeholder"),
        ("STRIPE_WEBHOOK_SECRET", "secret", "placeholder"),
        ("STRIPE_SECRET_KEY", "pk_live_51HxAbCdEfGhIjKlMnOp", "must start with sk_ or rk_"),
        ("STRIPE_WEBHOOK_SECRET", SECRET, "must start with whsec_"),
        ("STRIPE_API_BASE", "localhost:12111", "http:// or https://"),
    ],
)
def test_stripe_settings_that_stop_the_app(env, name, value, message):
    from repair_portal.settings import SettingsError, load_settings

    env.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_a_placeholder_key_in_demo_mode_means_the_stand_in(env):
    from repair_portal.settings import load_settings

    env.setenv("DEMO_MODE", "true")
    env.setenv("STRIPE_SECRET_KEY", "test")
    assert load_settings().stripe_secret_key is None
