import pytest

from repair_portal.services.ids import parse_id


@pytest.mark.parametrize("value,expected", [("42", 42), (" 7 ", 7), (42, 42), ("000123", 123)])
def test_real_ids_parse(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value", ["²", "٣", "-1", "0", "1e3", "12a", "", None, True, "9" * 20, 2**64, -5, "1.0", [], {"id": 1}]
)
def test_anything_else_is_none_not_a_crash(value):
    assert parse_id(value) is None
