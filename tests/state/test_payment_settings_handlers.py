"""Settings → Payments and the location editor's deposit, called directly: owners only, keys never in state."""

import pytest
from reflex_base.utils.format import json_dumps
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Location, Role, ShopSettings
from repair_portal.services import staff_auth
from repair_portal.state.staff_locations import StaffLocationsState
from repair_portal.state.staff_payment_settings import StaffPaymentSettingsState

from .. import factories
from .conftest import as_staff, redirect_path

PATH = "/staff/settings/payments"
SECRET = "sk_live_51HxAbCdEfGhIjKlMnOpQrStUv4242"
WEBHOOK = "whsec_Q2FuYXJ5V2ViaG9va1NlY3JldA1234"


@pytest.fixture(autouse=True)
def _no_stripe_env(monkeypatch):
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        for email, role in (
            ("tech@example.com", Role.TECHNICIAN),
            ("desk@example.com", Role.FRONT_DESK),
            ("manager@example.com", Role.MANAGER),
            ("owner@example.com", Role.OWNER),
            ("owner2@example.com", Role.OWNER),
        ):
            factories.staff(s, email=email, role=role, name=email.split("@")[0].title())

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return {"token": token, "location_id": location.id}


def _as(state_factory, cls, token, path=PATH):
    state = state_factory(cls, path=path)
    as_staff(state, token)
    return state


def _snapshot(engine):
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1).model_dump()
        places = [loc.model_dump() for loc in s.exec(select(Location).order_by(Location.id))]
        events = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("settings.%"))).all()
        return shop, places, list(events)


def _sent(state) -> str:
    return json_dumps(state._get_root_state().dict())


def _page(state_factory, world, email="owner@example.com"):
    state = _as(state_factory, StaffPaymentSettingsState, world["token"](email))
    assert state.load_payment_settings() is None
    return state


@pytest.mark.parametrize("email", ["manager@example.com", "tech@example.com", "desk@example.com"])
def test_only_owners_reach_the_page_and_every_handler_refuses_the_rest(state_factory, world, engine, email):
    before = _snapshot(engine)
    state = _as(state_factory, StaffPaymentSettingsState, world["token"](email))
    assert redirect_path(state.load_payment_settings()) == "/staff"
    assert state.webhook_url == "" and state.status == ""  # nothing of the page reached them
    state.set_toggle("online_payments_enabled", True)  # forged draft edits are ignored
    state.set_value("deposit_rule", "fixed")
    assert state.toggles["online_payments_enabled"] is False and state.values["deposit_rule"] == "none"
    state._loaded = {"online_payments_enabled": False}  # even with a draft forced in, the save is refused
    state.toggles = {**state.toggles, "remove_keys": True}
    result = state.handle_save({"secret_key": SECRET, "webhook_secret": WEBHOOK})
    assert redirect_path(result) == "/staff"
    assert _snapshot(engine) == before


def test_without_a_session_the_page_goes_to_sign_in(state_factory, world, engine):
    before = _snapshot(engine)
    state = state_factory(StaffPaymentSettingsState, path=PATH)
    assert redirect_path(state.load_payment_settings()) == "/staff/login?next=/staff/settings/payments"
    assert redirect_path(state.handle_save({"secret_key": SECRET})).startswith("/staff/login")
    assert _snapshot(engine) == before


def test_the_owner_connects_stripe_and_the_keys_never_reach_the_state(state_factory, world, engine):
    state = _page(state_factory, world)
    assert state.status == "Online payments are off — no keys: Pay buttons stay hidden"
    assert state.webhook_url == "http://shop.test/api/stripe/webhook" and "refund.updated" in state.events
    state.set_toggle("online_payments_enabled", True)
    state.handle_save({"secret_key": "", "webhook_secret": ""})
    assert "need both Stripe keys" in state.errors["online_payments_enabled"]
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).online_payments_enabled is False

    result = state.handle_save({"secret_key": SECRET, "webhook_secret": WEBHOOK})
    assert state.errors == {} and state.status == "Online payments are on — Stripe keys saved on this page"
    assert (state.secret_masked, state.webhook_masked) == ("sk_live_…4242", "whsec_…1234")
    cleared = " ".join(repr(spec.args) for spec in result[1:])  # the page's key fields are emptied
    assert "ref_pay_secret_key" in cleared and "ref_pay_webhook_secret" in cleared
    sent = _sent(state)
    assert SECRET not in sent and WEBHOOK not in sent and SECRET[8:-4] not in sent
    assert not any(SECRET in repr(v) or WEBHOOK in repr(v) for v in vars(state).values())
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        assert shop.online_payments_enabled and shop.stripe_secret_key_enc and SECRET not in shop.stripe_secret_key_enc

    reloaded = _page(state_factory, world)  # a new tab: the same masked keys, still no key in state
    assert reloaded.secret_masked == "sk_live_…4242" and SECRET not in _sent(reloaded)


def test_bad_keys_and_deposits_show_field_messages_and_save_nothing(state_factory, world, engine):
    state = _page(state_factory, world)
    before = _snapshot(engine)
    state.set_value("deposit_rule", "percent")
    state.set_value("deposit_value", "150")
    state.handle_save({"secret_key": "pk_live_51HxAbCdEfGhIjKlMnOp", "webhook_secret": SECRET})
    assert set(state.errors) == {"deposit_value", "secret_key", "webhook_secret"}
    assert "publishable" in state.errors["secret_key"]
    assert _snapshot(engine) == before
    state.set_value("deposit_value", "12.5")
    state.set_toggle("deposit_required", True)
    state.handle_save({})
    assert state.errors == {}
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.deposit_rule, shop.deposit_value, shop.deposit_required) == ("percent", 1250, True)


def test_two_owners_a_clash_is_refused_then_rebased(state_factory, world, engine):
    first, second = _page(state_factory, world), _page(state_factory, world, "owner2@example.com")
    first.set_value("deposit_rule", "fixed")
    first.set_value("deposit_value", "20")
    first.handle_save({})
    second.set_value("deposit_rule", "percent")
    second.set_value("deposit_value", "10")
    second.handle_save({})
    assert "Owner saved the payment settings" in second.conflict
    assert (second.values["deposit_rule"], second.values["deposit_value"]) == ("percent", "10")
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).deposit_value == 2000
    second.handle_save({})  # saving again is deliberate
    assert second.conflict == ""
    with write_session(engine) as s:
        assert (s.get(ShopSettings, 1).deposit_rule, s.get(ShopSettings, 1).deposit_value) == ("percent", 1000)


def _edit_location(state_factory, world, email):
    state = _as(state_factory, StaffLocationsState, world["token"](email), "/staff/settings/locations")
    state.load_locations()
    state.open_edit(world["location_id"])
    return state


def test_the_owner_sets_a_locations_deposit_and_a_managers_change_to_it_is_ignored(state_factory, world, engine):
    owner = _edit_location(state_factory, world, "owner@example.com")
    assert owner.shop_deposit_label == "No deposit"
    assert (owner.values["deposit_rule"], owner.values["deposit_required"]) == ("inherit", "inherit")
    owner.set_value("deposit_rule", "percent")
    owner.set_value("deposit_value", "250")
    owner.handle_save()
    assert "between 1 and 100" in owner.errors["deposit_value"] and owner.editing
    owner.set_value("deposit_value", "25")
    owner.set_value("deposit_required", "yes")
    owner.handle_save()
    assert owner.errors == {} and not owner.editing
    with write_session(engine) as s:
        place = s.get(Location, world["location_id"])
        assert (place.deposit_rule, place.deposit_value, place.deposit_required) == ("percent", 2500, True)

    manager = _edit_location(state_factory, world, "manager@example.com")
    manager.set_value("deposit_rule", "none")
    manager.set_value("deposit_required", "no")
    manager.set_value("address", "1 High Street")
    manager.handle_save()
    with write_session(engine) as s:
        place = s.get(Location, world["location_id"])
        assert place.address == "1 High Street"  # the rest of the edit is saved
        assert (place.deposit_rule, place.deposit_value, place.deposit_required) == ("percent", 2500, True)
