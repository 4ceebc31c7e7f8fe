"""Settings → Shop and Locations handlers, called directly: only owners and managers, and the portal follows."""

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import reflex as rx
from PIL import Image
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Location, Role, ShopSettings
from repair_portal.services import phones, portal_view, staff_auth
from repair_portal.state.staff_locations import StaffLocationsState
from repair_portal.state.staff_shop_settings import StaffShopSettingsState
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import as_staff, redirect_path


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (37, 99, 235, 255)).save(out, format="PNG")
    return out.getvalue()


def _upload(data: bytes, name: str = "logo.png") -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


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
        new = factories.order(s, location)

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return {"token": token, "location_id": location.id, "order_id": new.order.id, "code": new.code}


def _as(state_factory, cls, path, token):
    state = state_factory(cls, path=path)
    as_staff(state, token)
    return state


def _snapshot(engine):
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        rows = [(loc.id, loc.name, loc.phone, loc.active, loc.logo_path) for loc in s.exec(select(Location))]
        settings_events = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("settings.%"))).all()
        return (shop.model_dump(), rows, list(settings_events))


@pytest.mark.parametrize("email", ["tech@example.com", "desk@example.com"])
def test_other_roles_are_sent_back_and_every_shop_handler_refuses_them(state_factory, world, engine, email):
    before = _snapshot(engine)
    state = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"](email))
    assert redirect_path(state.load_shop_settings()) == "/staff"
    assert state.values["name"] == ""  # nothing of the settings reached the page
    state.set_value("name", "Hijacked")  # a forged draft edit is ignored
    state.set_toggle("show_payments", False)
    assert state.values["name"] == "" and state.toggles["show_payments"] is True
    state.values = {**state.values, "name": "Hijacked"}  # even with a draft forced in, the save is refused
    state._loaded = {"name": "Test Repairs"}
    for result in (
        state.handle_save(),
        state.handle_discard(),
        state.handle_remove_logo(),
        _run(state.handle_logo_upload([_upload(_png())])),
    ):
        assert redirect_path(result) == "/staff"
    assert _snapshot(engine) == before


@pytest.mark.parametrize("email", ["tech@example.com", "desk@example.com"])
def test_other_roles_are_refused_by_every_location_handler(state_factory, world, engine, email):
    with write_session(engine) as s:
        second = Location(name="Station Road")
        s.add(second)
    before = _snapshot(engine)
    state = _as(state_factory, StaffLocationsState, "/staff/settings/locations", world["token"](email))
    assert redirect_path(state.load_locations()) == "/staff"
    assert state.rows == []
    for result in (
        state.open_new(),
        state.open_edit(world["location_id"]),
        state.handle_save(),
        state.handle_deactivate(world["location_id"]),
        state.handle_reactivate(world["location_id"]),
        state.handle_remove_logo(),
        _run(state.handle_logo_upload([_upload(_png())])),
    ):
        assert redirect_path(result) == "/staff"
    assert state.editing is False
    assert _snapshot(engine) == before


def test_without_a_session_the_settings_pages_go_to_sign_in(state_factory, world, engine):
    before = _snapshot(engine)
    shop = state_factory(StaffShopSettingsState, path="/staff/settings/shop")
    assert redirect_path(shop.load_shop_settings()) == "/staff/login?next=/staff/settings/shop"
    assert redirect_path(shop.handle_save()).startswith("/staff/login")
    places = state_factory(StaffLocationsState, path="/staff/settings/locations")
    assert redirect_path(places.handle_deactivate(world["location_id"])).startswith("/staff/login")
    assert _snapshot(engine) == before


def test_a_manager_saves_and_the_customer_portal_follows(state_factory, world, engine):
    state = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("manager@example.com"))
    assert state.load_shop_settings() is None
    assert state.values["name"] == "Test Repairs" and state.values["tax_rate"] == "20"
    state.set_value("welcome_message", "Thanks for trusting us with your device.")
    state.set_value("accent_color", "#6D28D9")
    state.set_value("access_mode", "link")
    state.set_toggle("show_payments", False)
    assert state.accent_preview == "#6d28d9" and state.dirty
    state.handle_save()
    assert state.errors == {} and state.conflict == "" and not state.dirty
    assert state.values["accent_color"] == "#6d28d9"  # the form shows what was stored

    with write_session(engine) as s:
        view = portal_view.portal_view(s, world["order_id"])
        (event,) = s.exec(select(AuditEvent).where(AuditEvent.action == "settings.shop_changed")).all()
    assert view.welcome == "Thanks for trusting us with your device." and view.show_payments is False
    assert event.actor_label == "manager@example.com"

    track = state_factory(TrackState, path=f"/track/{world['code']}")
    track.load_tracking()
    assert track.status == "ok"  # link-only now: no last-name gate
    assert track.view.welcome == "Thanks for trusting us with your device."
    assert track.view.show_payments is False and track.accent_color == "#6d28d9"


def test_invalid_input_shows_field_messages_and_saves_nothing(state_factory, world, engine):
    before = _snapshot(engine)
    state = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("owner@example.com"))
    state.load_shop_settings()
    state.set_value("name", "")
    state.set_value("tax_rate", "twenty")
    state.set_value("link_expiry_days", "0")
    state.handle_save()
    assert set(state.errors) == {"name", "tax_rate", "link_expiry_days"}
    assert _snapshot(engine) == before
    state.set_value("name", "Back again")
    assert "name" not in state.errors  # typing clears the field's message


def test_the_shop_country_is_chosen_on_the_shop_page_and_reads_phone_numbers(state_factory, world, engine):
    state = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("manager@example.com"))
    state.load_shop_settings()
    assert state.values["country"] == "GB"
    state.set_value("country", "Narnia")
    state.handle_save()
    assert state.errors == {"country": "Choose the shop's country from the list."}
    state.set_value("country", "IE")
    state.handle_save()
    assert state.errors == {} and state.values["country"] == "IE"
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).country == "IE"
        assert phones.to_e164("087 123 4567", phones.shop_region(s)) == "+353871234567"


def test_two_managers_the_second_save_is_refused_then_rebased(state_factory, world, engine):
    owner = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("owner@example.com"))
    manager = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("manager@example.com"))
    owner.load_shop_settings()
    manager.load_shop_settings()
    owner.set_value("terms_text", "Owner's terms")
    owner.handle_save()
    manager.set_value("tax_rate", "5")
    manager.handle_save()
    assert "Owner saved the shop settings" in manager.conflict and "terms" in manager.conflict
    assert manager.values["terms_text"] == "Owner's terms" and manager.values["tax_rate"] == "5"
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.terms_text, shop.tax_rate_bp) == ("Owner's terms", 2000)
    manager.handle_save()  # a deliberate second save, on top of the owner's
    assert manager.conflict == ""
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.terms_text, shop.tax_rate_bp) == ("Owner's terms", 500)


def test_logo_upload_checks_content_server_side(state_factory, world, engine, app_env):
    state = _as(state_factory, StaffShopSettingsState, "/staff/settings/shop", world["token"]("manager@example.com"))
    state.load_shop_settings()
    _run(state.handle_logo_upload([_upload(b"<svg onload=alert(1)></svg>", "logo.png")]))
    assert "not a readable image" in state.logo_error and not state.has_logo
    _run(state.handle_logo_upload([_upload(b"\0" * (5 * 1024 * 1024 + 10))]))
    assert "larger than 5 MB" in state.logo_error
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).logo_path is None
    _run(state.handle_logo_upload([_upload(_png())]))
    assert state.has_logo and state.logo_error == "" and state.logo_url.startswith("/api/branding/logo/0?v=")
    with write_session(engine) as s:
        stored = s.get(ShopSettings, 1).logo_path
    with Image.open(app_env.uploads_dir / stored) as image:
        assert image.format == "PNG"
    state.handle_remove_logo()
    with write_session(engine) as s:
        assert s.get(ShopSettings, 1).logo_path is None
    assert state.logo_url == ""


def test_a_manager_adds_edits_and_deactivates_locations(state_factory, world, engine):
    state = _as(state_factory, StaffLocationsState, "/staff/settings/locations", world["token"]("manager@example.com"))
    assert state.load_locations() is None
    assert [(r.name, r.open_orders) for r in state.rows] == [("High Street", 1)]

    state.open_new()
    state.set_value("name", "Station Road")
    state.set_value("phone", "0161 496 0000")
    state.set_closed("mon", False)
    state.set_time("mon", "open", "18:00")
    state.set_time("mon", "close", "09:00")
    state.handle_save()
    assert "after the opening time" in state.errors["hours_mon"] and state.editing
    state.set_time("mon", "open", "08:30")
    state.handle_save()
    assert not state.editing and state.errors == {}
    assert [r.name for r in state.rows] == ["High Street", "Station Road"]
    station = state.rows[1]
    assert station.phone == "0161 496 0000" and station.hours == "Mon 08:30–09:00"

    state.open_edit(world["location_id"])
    state.set_own_accent(True)
    state.set_value("accent_color", "#b45309")
    state.set_value("welcome_message", "High Street says hi")
    state.handle_save()
    with write_session(engine) as s:
        view = portal_view.portal_view(s, world["order_id"])
    assert (view.accent, view.welcome) == ("#b45309", "High Street says hi")

    state.handle_deactivate(station.id)
    state.handle_deactivate(world["location_id"])  # refused: it would leave no active location
    with write_session(engine) as s:
        assert s.get(Location, station.id).active is False
        assert s.get(Location, world["location_id"]).active is True
    state.handle_reactivate(station.id)
    assert all(r.active for r in state.rows)


def test_location_edit_conflict_keeps_the_other_save(state_factory, world, engine):
    path, token = "/staff/settings/locations", world["token"]
    owner = _as(state_factory, StaffLocationsState, path, token("owner@example.com"))
    manager = _as(state_factory, StaffLocationsState, path, token("manager@example.com"))
    for editor in (owner, manager):
        editor.load_locations()
        editor.open_edit(world["location_id"])
    owner.set_value("phone", "020 7946 0999")
    owner.handle_save()
    manager.set_value("address", "1 High Street")
    manager.handle_save()
    assert "changed: phone" in manager.conflict and manager.editing
    assert manager.values["phone"] == "020 7946 0999" and manager.values["address"] == "1 High Street"
    with write_session(engine) as s:
        location = s.get(Location, world["location_id"])
        assert (location.phone, location.address) == ("+442079460999", "")
    manager.handle_save()
    with write_session(engine) as s:
        location = s.get(Location, world["location_id"])
        assert (location.phone, location.address) == ("+442079460999", "1 High Street")


def test_location_logo_through_the_handler(state_factory, world, engine, app_env):
    state = _as(state_factory, StaffLocationsState, "/staff/settings/locations", world["token"]("manager@example.com"))
    state.load_locations()
    state.open_new()
    _run(state.handle_logo_upload([_upload(_png())]))  # a new location has no id yet
    state.open_edit(world["location_id"])
    _run(state.handle_logo_upload([_upload(b"not an image at all")]))
    assert state.logo_error and not state.edit_has_logo
    _run(state.handle_logo_upload([_upload(_png())]))
    assert state.edit_has_logo and state.edit_logo_url.startswith(f"/api/branding/logo/{world['location_id']}?v=")
    with write_session(engine) as s:
        stored = s.get(Location, world["location_id"]).logo_path
    assert stored and (app_env.uploads_dir / stored).is_file()
    state.handle_remove_logo()
    with write_session(engine) as s:
        assert s.get(Location, world["location_id"]).logo_path is None
