"""Settings → Texts and the location editor's time zone, called directly: owners and managers only, the
auth token never in state, the preview live as staff type."""

import pytest
from reflex_base.utils.format import json_dumps
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Location, Role, ShopSettings, SmsTemplateText
from repair_portal.services import sms_templates, staff_auth
from repair_portal.state.staff_locations import StaffLocationsState
from repair_portal.state.staff_text_settings import StaffTextSettingsState

from .. import factories
from .conftest import as_staff, redirect_path

PATH = "/staff/settings/texts"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "5a" * 14 + "c0de"


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "TWILIO_API_BASE", "DEMO_MODE"):
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
        texts = [row.model_dump() for row in s.exec(select(SmsTemplateText))]
        events = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("settings.%"))).all()
        return shop, places, texts, list(events)


def _sent(state) -> str:
    return json_dumps(state._get_root_state().dict())


def _page(state_factory, world, email="manager@example.com"):
    state = _as(state_factory, StaffTextSettingsState, world["token"](email))
    assert state.load_text_settings() is None
    return state


@pytest.mark.parametrize("email", ["tech@example.com", "desk@example.com"])
def test_other_roles_are_sent_back_and_every_handler_refuses_them(state_factory, world, engine, email):
    before = _snapshot(engine)
    state = _as(state_factory, StaffTextSettingsState, world["token"](email))
    assert redirect_path(state.load_text_settings()) == "/staff"
    assert state.inbound_url == "" and state.status == "" and state.bodies["order_booked"] == ""
    state.set_value("quiet_start", "01:00")  # forged draft edits are ignored
    state.set_toggle("remove_credentials", True)
    state.edit_template("order_booked", "Hijacked {link}")
    assert state.values["quiet_start"] == "" and not state.toggles["remove_credentials"]
    assert state.bodies["order_booked"] == ""
    # even with a draft forced in, every save is refused
    state._loaded = {"account_sid": "", "sender": "", "quiet_start": "20:00", "quiet_end": "08:00"}
    state.values = {**state.values, "account_sid": SID, "quiet_start": "01:00", "quiet_end": "02:00"}
    state.bodies = {**state.bodies, "order_booked": "Hijacked {link}"}
    for result in (
        state.handle_save({"auth_token": TOKEN}),
        state.handle_save_template("order_booked"),
        state.handle_reset_template("order_booked"),
    ):
        assert redirect_path(result) == "/staff"
    assert _snapshot(engine) == before


def test_without_a_session_the_page_goes_to_sign_in(state_factory, world, engine):
    before = _snapshot(engine)
    state = state_factory(StaffTextSettingsState, path=PATH)
    assert redirect_path(state.load_text_settings()) == "/staff/login?next=/staff/settings/texts"
    assert redirect_path(state.handle_save({"auth_token": TOKEN})).startswith("/staff/login")
    assert redirect_path(state.handle_save_template("order_booked")).startswith("/staff/login")
    assert _snapshot(engine) == before


def test_a_manager_connects_twilio_and_the_token_never_reaches_the_state(state_factory, world, engine):
    state = _page(state_factory, world)
    assert state.status == "Texts stay in the SMS outbox: connect Twilio below"
    assert state.missing == "Still needed: Account SID, Auth token, From number."
    assert (state.inbound_url, state.status_url) == (
        "http://shop.test/api/twilio/inbound",
        "http://shop.test/api/twilio/status",
    )
    state.set_value("account_sid", SID)
    state.set_value("sender", "07400 900123")
    state.handle_save({"auth_token": "wrong"})
    assert "32 characters" in state.errors["auth_token"]
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).twilio_account_sid == ""

    result = state.handle_save({"auth_token": TOKEN})
    assert state.errors == {} and state.status == "Texts go through Twilio (from the settings)"
    assert (state.token_masked, state.token_note) == ("…c0de", "Saved here, encrypted.")
    assert state.values["sender"] == "+447400900123" and state.has_saved_credentials
    assert "ref_text_auth_token" in " ".join(repr(spec.args) for spec in result[1:])  # the field is emptied
    sent = _sent(state)
    assert TOKEN not in sent and TOKEN[:-4] not in sent
    assert not any(TOKEN in repr(value) for value in vars(state).values())
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        assert shop.twilio_auth_token_enc and TOKEN not in shop.twilio_auth_token_enc
    reloaded = _page(state_factory, world, "owner@example.com")  # a new tab: still masked only
    assert reloaded.token_masked == "…c0de" and TOKEN not in _sent(reloaded)

    state.set_value("quiet_start", "")
    state.set_value("quiet_end", "")
    state.handle_save({"auth_token": ""})  # an empty token field keeps the stored token
    assert state.token_masked == "…c0de" and state.values["quiet_start"] == ""
    state.set_toggle("remove_credentials", True)
    state.handle_save({})
    assert state.token_masked == "" and state.values["account_sid"] == "" and not state.has_saved_credentials


def test_quiet_hours_need_both_times_and_a_clash_is_rebased(state_factory, world, engine):
    first, second = _page(state_factory, world), _page(state_factory, world, "owner@example.com")
    first.set_value("quiet_end", "")
    first.handle_save({})
    assert "Set both times" in first.errors["quiet_end"]
    first.set_value("quiet_end", "07:30")
    first.handle_save({})
    assert first.errors == {}
    second.set_value("quiet_end", "09:00")
    second.set_value("sender", "07400 900123")
    second.handle_save({})
    assert "saved the text settings" in second.conflict and "quiet hours end" in second.conflict
    assert (second.values["quiet_end"], second.values["sender"]) == ("09:00", "07400 900123")
    with write_session(engine) as s:
        assert (s.get(ShopSettings, 1).quiet_hours_end, s.get(ShopSettings, 1).twilio_from) == ("07:30", "")
    second.handle_save({})  # saving again is deliberate
    assert second.conflict == ""
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).quiet_hours_end == "09:00"


def test_the_preview_follows_typing_and_templates_save_and_reset(state_factory, world, engine):
    state = _page(state_factory, world)
    assert state.bodies["order_booked"] == sms_templates.SPECS["order_booked"].body
    assert state.previews["order_booked"].startswith("Test Repairs: we've booked in your iPhone 13 (R-10042).")
    assert state.summaries["order_booked"].endswith("· 1 text · GSM-7") and state.multipart["order_booked"] == ""
    assert state.unicode["stage_changed"] == ""  # plain quotes: GSM-7 (curly ones would make it UCS-2)

    state.edit_template("quote_ready", "Hi {first_name}, quote: {link} " + "x" * 150)
    assert state.previews["quote_ready"].startswith("Hi Sam, quote: http://shop.test/track/EXAMPLE")
    assert "?tab=quote" in state.previews["quote_ready"]
    assert "2 texts · GSM-7" in state.summaries["quote_ready"] and "Sent as 2 texts" in state.multipart["quote_ready"]
    state.edit_template("quote_ready", "z" * 5000)
    assert len(state.bodies["quote_ready"]) == 1000 and "under 480" in state.problems["quote_ready"]
    state.edit_template("quote_ready", "Hi {customer}")
    assert state.problems["quote_ready"] == "Unknown placeholder: {customer}"
    before = _snapshot(engine)
    state.handle_save_template("quote_ready")
    assert _snapshot(engine) == before and "{customer}" in state.problems["quote_ready"]

    state.edit_template("quote_ready", "{shop_name}: your quote is ready, {first_name}: {link}")
    state.handle_save_template("quote_ready")
    assert state.custom["quote_ready"] and state.problems["quote_ready"] == ""
    with write_session(engine) as s:
        assert sms_templates.body_of(s, "quote_ready") == "{shop_name}: your quote is ready, {first_name}: {link}"
    state.handle_reset_template("quote_ready")
    assert not state.custom["quote_ready"]
    assert state.bodies["quote_ready"] == sms_templates.SPECS["quote_ready"].body
    with write_session(engine) as s:
        assert s.get(SmsTemplateText, "quote_ready") is None
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("settings.text_template%"))).all()
    assert actions == ["settings.text_template_changed", "settings.text_template_reset"]

    before = _snapshot(engine)
    state.edit_template("not_a_text", "Hi")  # forged keys change nothing
    assert "not_a_text" not in state.bodies
    state.handle_save_template("not_a_text")
    state.handle_reset_template("not_a_text")
    assert _snapshot(engine) == before


def _edit_location(state_factory, world, email):
    state = _as(state_factory, StaffLocationsState, world["token"](email), "/staff/settings/locations")
    state.load_locations()
    state.open_edit(world["location_id"])
    return state


def test_a_locations_time_zone_is_chosen_checked_and_locked(state_factory, world, engine):
    manager = _edit_location(state_factory, world, "manager@example.com")
    assert manager.shop_timezone == "Europe/London" and manager.values["timezone"] == "inherit"
    assert "America/New_York" in manager.timezone_choices
    manager.set_value("timezone", "Mars/Olympus_Mons")  # a forged value
    manager.handle_save()
    assert "Choose a time zone" in manager.errors["timezone"] and manager.editing
    manager.set_value("timezone", "America/New_York")
    manager.handle_save()
    assert manager.errors == {} and not manager.editing
    with write_session(engine) as s:
        assert s.get(Location, world["location_id"]).timezone == "America/New_York"

    owner = _edit_location(state_factory, world, "owner@example.com")
    other = _edit_location(state_factory, world, "manager@example.com")
    owner.set_value("timezone", "inherit")  # back to the shop's
    owner.handle_save()
    other.set_value("timezone", "Europe/Dublin")
    other.handle_save()
    assert "time zone" in other.conflict
    with write_session(engine) as s:
        assert s.get(Location, world["location_id"]).timezone is None

    with write_session(engine) as s:  # a zone outside the common list still shows as a choice
        s.get(Location, world["location_id"]).timezone = "Asia/Kathmandu"
    chosen = _edit_location(state_factory, world, "owner@example.com")
    assert chosen.values["timezone"] == "Asia/Kathmandu" and chosen.timezone_choices[-1] == "Asia/Kathmandu"


def test_a_technician_cannot_open_or_save_the_location_editor(state_factory, world, engine):
    before = _snapshot(engine)
    state = _as(state_factory, StaffLocationsState, world["token"]("tech@example.com"), "/staff/settings/locations")
    assert redirect_path(state.open_edit(world["location_id"])) == "/staff"
    state.editing = True
    state.editing_id = world["location_id"]
    state.values = {**state.values, "name": "High Street", "timezone": "America/New_York"}
    assert redirect_path(state.handle_save()) == "/staff"
    assert _snapshot(engine) == before
