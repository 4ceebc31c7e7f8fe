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


@pytest.mark.parametrize("text,expected", [("123", True), ("²", False), ("٣", False), ("", False), ("1²", False)])
def test_digits_means_ascii_digits(text, expected):
    from repair_portal.services.ids import is_digits

    assert is_digits(text) is expected


def test_forms_and_settings_with_odd_digits_answer_with_a_message_not_a_crash():
    from repair_portal.services import quote_builder
    from repair_portal.services.intake import IntakeForm

    form = IntakeForm.from_form({"location_id": "²", "assigned_to_id": "٣", "last_name": "X"})
    assert form.location_id is None and form.assigned_to_id is None
    with pytest.raises(quote_builder.QuoteFormError):
        quote_builder.to_specs([quote_builder.FormLine("Screen", "²", "10.00", False)])
