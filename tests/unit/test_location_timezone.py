"""A location's time zone (quiet hours for texts): checked, stored, inherited when empty, locked like the rest."""

from dataclasses import replace

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Location
from repair_portal.services import audit, locations
from repair_portal.services.locations import LocationConflict, LocationInvalid

from .. import factories

MANAGER = audit.Actor("staff", 7, "manager@example.com")


@pytest.fixture
def location_id(write):
    with write() as s:
        _, location = factories.shop(s)
    return location.id


def _form(read, location_id):
    with read() as s:
        return locations.form_for(s.get(Location, location_id))


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "Europe", "../../etc/passwd", "/etc/localtime", "Europe/ London"]
)
def test_only_a_real_zone_name_is_accepted(location_id, write, read, zone):
    form = replace(_form(read, location_id), timezone=zone)
    with pytest.raises(LocationInvalid) as refused, write() as s:
        locations.update_location(s, location_id, form, original=_form(read, location_id), actor=MANAGER)
    assert refused.value.errors == {"timezone": "Choose a time zone from the list, or use the shop's."}
    with read() as s:
        assert s.get(Location, location_id).timezone is None


def test_a_zone_is_stored_audited_and_cleared_back_to_the_shops(location_id, write, read):
    original = _form(read, location_id)
    assert original.timezone == ""
    with write() as s:
        changed = locations.update_location(
            s, location_id, replace(original, timezone=" America/New_York "), original=original, actor=MANAGER
        )
    assert changed == ["timezone"]
    with read() as s:
        assert s.get(Location, location_id).timezone == "America/New_York"
        (event,) = s.exec(select(AuditEvent).where(AuditEvent.action == "settings.location_changed")).all()
    assert '"timezone"' in event.detail
    saved = _form(read, location_id)
    with write() as s:
        locations.update_location(s, location_id, replace(saved, timezone=""), original=saved, actor=MANAGER)
    with read() as s:
        assert s.get(Location, location_id).timezone is None


def test_someone_elses_zone_change_is_a_conflict(location_id, write, read):
    original = _form(read, location_id)
    with write() as s:
        locations.update_location(
            s, location_id, replace(original, timezone="Europe/Dublin"), original=original, actor=MANAGER
        )
    with pytest.raises(LocationConflict, match="time zone"), write() as s:
        locations.update_location(
            s, location_id, replace(original, address="1 High Street"), original=original, actor=MANAGER
        )


def test_the_choices_are_the_common_zones_plus_the_locations_own():
    assert "Europe/London" in locations.COMMON_TIMEZONES and not any(
        locations.timezone_problem(zone) for zone in locations.COMMON_TIMEZONES
    )
    assert locations.timezone_choices("") == list(locations.COMMON_TIMEZONES)
    assert locations.timezone_choices("Europe/Paris") == list(locations.COMMON_TIMEZONES)
    assert locations.timezone_choices("Asia/Kathmandu")[-1] == "Asia/Kathmandu"
    assert locations.timezone_choices("Mars/Base") == list(locations.COMMON_TIMEZONES)
