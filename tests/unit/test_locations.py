"""Settings → Locations: validation, opening hours, overrides, locking, (de)activation, logos."""

import io
import json
from dataclasses import replace

import pytest
from PIL import Image
from sqlmodel import select

from repair_portal.integrations.images import ImageRejected
from repair_portal.models import AccessMode, AuditEvent, Location, Order, ShopSettings, Stage
from repair_portal.services import audit, branding, locations, mail, portal_access, portal_view
from repair_portal.services import hours as hours_mod
from repair_portal.services.locations import LocationConflict, LocationError, LocationForm, LocationInvalid

from .. import factories

MANAGER = audit.Actor("staff", 7, "manager@example.com")
OTHER = audit.Actor("staff", 8, "owner@example.com")
WEEKDAYS = {day: ("09:00", "17:30") for day in ("mon", "tue", "wed", "thu", "fri")}


def _hours(**days) -> locations.Hours:
    return {**hours_mod.closed_week(), **days}


@pytest.fixture
def world(write):
    with write() as s:
        _, location = factories.shop(s)
        new = factories.order(s, location)
    return {"location_id": location.id, "order_id": new.order.id}


def _events(read, action):
    with read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def _form(read, location_id) -> LocationForm:
    with read() as s:
        return locations.form_for(s.get(Location, location_id))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the location a name"),
        ({"phone": "call us"}, "phone", "digits only"),
        ({"phone": "12"}, "phone", "too short"),
        ({"phone": "020 7946 01"}, "phone", "doesn't look like a UK phone number"),
        ({"email": "shop@"}, "email", "email address like"),
        ({"address": "a" * 501}, "address", "under 500"),
        ({"accent_color": "blue"}, "accent_color", "#0f766e"),
        ({"welcome_message": "w" * 2001}, "welcome_message", "under 2000"),
        ({"access_mode": "account"}, "access_mode", "how customers open"),
        ({"hours": _hours(mon=("17:00", "09:00"))}, "hours_mon", "after the opening time"),
        ({"hours": _hours(sat=("10:00", "10:00"))}, "hours_sat", "after the opening time"),
        ({"hours": _hours(sun=("25:00", "26:00"))}, "hours_sun", "like 09:00 and 17:30"),
        ({"hours": _hours(wed=("", "17:00"))}, "hours_wed", "or mark the day closed"),
    ],
)
def test_each_field_gets_its_own_message(changes, field, message):
    errors = locations.validate(replace(LocationForm(name="Market Street"), **changes), "GB")
    assert list(errors) == [field]
    assert message in errors[field]


def test_location_numbers_are_read_and_listed_in_the_shops_country(world, write, read):
    with write() as s:
        shop = s.get(ShopSettings, 1)
        shop.country = "DE"
        s.add(shop)
        with pytest.raises(LocationInvalid) as caught:
            locations.create_location(s, LocationForm(name="Berlin", phone="0190 123456"), MANAGER)
        assert "doesn't look like a German phone number" in caught.value.errors["phone"]
        created = locations.create_location(s, LocationForm(name="Berlin", phone="030 123456"), MANAGER)
        assert created.phone == "+4930123456"
    with read() as s:
        rows = {row.name: row.phone for row in locations.list_locations(s)}
    assert rows == {"Berlin": "030 123456", "High Street": "+44 20 0000 0000"}


def test_hours_round_trip_through_the_json_mail_and_the_portal_read(world, write, read):
    hours = _hours(**WEEKDAYS, sat=("10:00", "14:00"))
    form = LocationForm(name="Market Street", phone="020 7946 0123", email=" Market@Example.com ", hours=hours)
    with write() as s:
        created = locations.create_location(s, form, MANAGER)
    with read() as s:
        location = s.get(Location, created.id)
        assert json.loads(location.opening_hours_json) == {
            **{day: "09:00–17:30" for day in WEEKDAYS},
            "sat": "10:00–14:00",
        }
        assert mail.opening_hours(location) == [
            ("Monday", "09:00–17:30"),
            ("Tuesday", "09:00–17:30"),
            ("Wednesday", "09:00–17:30"),
            ("Thursday", "09:00–17:30"),
            ("Friday", "09:00–17:30"),
            ("Saturday", "10:00–14:00"),
        ]
        assert hours_mod.parse(location.opening_hours_json) == hours
        assert (location.phone, location.email) == ("+442079460123", "market@example.com")
        assert location.accent_color is None and location.welcome_message is None and location.access_mode is None
    (event,) = _events(read, "settings.location_created")
    assert event.actor_id == MANAGER.id and "Market Street" in event.detail


def test_hours_written_by_hand_or_the_demo_are_read_too():
    parsed = hours_mod.parse('{"mon": "9:00-17:30", "tue": "09:00–19:00", "wed": "by appointment"}')
    assert parsed["mon"] == ("09:00", "17:30") and parsed["tue"] == ("09:00", "19:00")
    assert parsed["wed"] is None and parsed["sun"] is None
    assert hours_mod.parse("not json") == hours_mod.closed_week()


def test_invalid_create_stores_nothing(world, write, read):
    with write() as s, pytest.raises(LocationInvalid) as caught:
        locations.create_location(s, LocationForm(name="", hours=_hours(mon=("18:00", "08:00"))), MANAGER)
    assert set(caught.value.errors) == {"name", "hours_mon"}
    with read() as s:
        assert len(s.exec(select(Location)).all()) == 1


def test_overrides_reach_the_portal_and_inherit_when_cleared(world, write, read):
    original = _form(read, world["location_id"])
    mine = replace(
        original, accent_color="#B91C1C", welcome_message="Hi from High Street", access_mode=AccessMode.LINK.value
    )
    with write() as s:
        changed = locations.update_location(s, world["location_id"], mine, original=original, actor=MANAGER)
    assert set(changed) == {"accent_color", "welcome_message", "access_mode"}
    with read() as s:
        view = portal_view.portal_view(s, world["order_id"])
        order = s.get(Order, world["order_id"])
        assert portal_access.access_mode(s, order) == AccessMode.LINK
        assert portal_access.can_view(s, order, None)
    assert (view.accent, view.welcome) == ("#b91c1c", "Hi from High Street")

    current = _form(read, world["location_id"])
    inherit = replace(current, accent_color="", welcome_message="", access_mode="inherit")
    with write() as s:
        locations.update_location(s, world["location_id"], inherit, original=current, actor=MANAGER)
        shop = s.get(ShopSettings, 1)
        shop.welcome_message = "Shop-wide hello"
        s.add(shop)
    with read() as s:
        view = portal_view.portal_view(s, world["order_id"])
        order = s.get(Order, world["order_id"])
        assert portal_access.access_mode(s, order) == AccessMode.LINK_LAST_NAME
        assert not portal_access.can_view(s, order, None)
    assert (view.accent, view.welcome) == (shop.accent_color, "Shop-wide hello")
    changes = _events(read, "settings.location_changed")
    assert len(changes) == 2 and '"welcome_message"' in changes[0].detail


def test_a_stale_edit_is_refused_and_names_what_changed(world, write, read):
    loaded = _form(read, world["location_id"])
    theirs = replace(loaded, phone="0161 496 0000", hours=_hours(**WEEKDAYS))
    mine = replace(loaded, name="High Street (Main)")
    with write() as s:
        locations.update_location(s, world["location_id"], theirs, original=loaded, actor=OTHER)
    with write() as s, pytest.raises(LocationConflict) as caught:
        locations.update_location(s, world["location_id"], mine, original=loaded, actor=MANAGER)
    assert caught.value.changed == ["phone", "hours"]
    assert "phone, opening hours" in str(caught.value) and "not saved" in str(caught.value)
    with read() as s:
        location = s.get(Location, world["location_id"])
        assert (location.name, location.phone) == ("High Street", "+441614960000")
        assert mail.opening_hours(location)[0] == ("Monday", "09:00–17:30")
    assert len(_events(read, "settings.location_changed")) == 1

    latest = _form(read, world["location_id"])
    rebased = locations.rebase(loaded, mine, latest, "GB")
    with write() as s:
        assert locations.update_location(s, world["location_id"], rebased, original=latest, actor=MANAGER) == ["name"]
    with read() as s:
        location = s.get(Location, world["location_id"])
        assert (location.name, location.phone) == ("High Street (Main)", "+441614960000")


def test_the_last_active_location_cant_be_deactivated(world, write, read):
    with write() as s, pytest.raises(LocationError, match="only active location"):
        locations.deactivate_location(s, world["location_id"], MANAGER)
    with read() as s:
        assert s.get(Location, world["location_id"]).active is True
    assert _events(read, "settings.location_deactivated") == []


def test_deactivating_reports_open_orders_and_reactivating_works(world, write, read):
    with write() as s:
        other = locations.create_location(s, LocationForm(name="Station Road"), MANAGER)
        factories.order(s, s.get(Location, world["location_id"]))
        finished = factories.order(s, s.get(Location, world["location_id"])).order
        finished.stage_id = s.exec(select(Stage.id).where(Stage.is_terminal)).first()
        s.add(finished)
    with write() as s:
        assert locations.deactivate_location(s, world["location_id"], MANAGER) == 2  # the finished one doesn't count
    with write() as s, pytest.raises(LocationError, match="Station Road is your only active location"):
        locations.deactivate_location(s, other.id, MANAGER)
    with read() as s:
        rows = locations.list_locations(s)
    assert [(r.name, r.active, r.open_orders) for r in rows] == [("Station Road", True, 0), ("High Street", False, 2)]
    (event,) = _events(read, "settings.location_deactivated")
    assert '"open_orders": 2' in event.detail
    with write() as s:
        locations.reactivate_location(s, world["location_id"], MANAGER)
    with read() as s:
        assert s.get(Location, world["location_id"]).active is True
    assert len(_events(read, "settings.location_reactivated")) == 1


def test_location_logo_fake_rejected_real_re_encoded_and_removed(world, write, read, settings):
    with write() as s, pytest.raises(ImageRejected):
        locations.set_location_logo(s, settings.uploads_dir, world["location_id"], b"GIF89a<script>", MANAGER)
    with write() as s, pytest.raises(LocationError):
        locations.set_location_logo(s, settings.uploads_dir, 999, b"", MANAGER)
    upload = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 30, 30)).save(upload, format="WEBP")
    with write() as s:
        shop_logo = branding.set_logo(s, settings.uploads_dir, upload.getvalue(), MANAGER)
        own = locations.set_location_logo(s, settings.uploads_dir, world["location_id"], upload.getvalue(), MANAGER)
    with Image.open(settings.uploads_dir / own) as image:
        assert image.format == "PNG" and image.size == (200, 200)
    with read() as s:
        assert branding.logo_for(s, world["location_id"]) == own
        assert locations.list_locations(s)[0].has_logo
    with write() as s:
        assert locations.remove_location_logo(s, world["location_id"], MANAGER) is True
    with read() as s:
        assert s.get(Location, world["location_id"]).logo_path is None
        assert branding.logo_for(s, world["location_id"]) == shop_logo  # falls back to the shop's
    assert len(_events(read, "settings.logo_removed")) == 1


def test_a_new_location_starts_with_the_shops_hours(world, write, read):
    with write() as s:
        first = s.get(Location, world["location_id"])
        first.opening_hours_json = '{"mon": "08:00–18:00", "sat": "10:00–14:00"}'
        s.add(first)
    with read() as s:
        form = locations.new_form(s)
    assert form.hours["mon"] == ("08:00", "18:00") and form.hours["sat"] == ("10:00", "14:00")
    assert form.hours["sun"] is None and form.name == ""
