from datetime import UTC, datetime

from repair_portal.services.quiet_hours import next_allowed


def test_a_text_in_quiet_hours_waits_for_the_morning_in_the_shops_time_zone():
    evening = datetime(2026, 12, 1, 21, 15, tzinfo=UTC)  # 21:15 in London (GMT in winter)
    assert next_allowed(evening, "20:00", "08:00", "Europe/London") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    small_hours = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert next_allowed(small_hours, "20:00", "08:00", "Europe/London") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert next_allowed(noon, "20:00", "08:00", "Europe/London") == noon


def test_summer_time_and_another_zone_and_no_quiet_hours():
    summer = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)  # 20:30 in London (BST)
    assert next_allowed(summer, "20:00", "08:00", "Europe/London") == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    assert next_allowed(summer, "20:00", "08:00", "America/New_York") == summer  # 15:30 there
    assert next_allowed(summer, "", "", "Europe/London") == summer
    assert next_allowed(summer, "13:00", "17:00", "UTC") == summer
    assert next_allowed(datetime(2026, 7, 1, 14, 0, tzinfo=UTC), "13:00", "17:00", "UTC") == datetime(
        2026, 7, 1, 17, 0, tzinfo=UTC
    )
