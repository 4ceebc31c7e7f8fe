"""Any accent a shop picks stays readable on the portal."""

from __future__ import annotations

import pytest

from repair_portal.services import colours


@pytest.mark.parametrize("accent", ["#0f766e", "#2563eb", "#ffd400", "#a3e635", "#ffffff", "#000000", "#ff0000"])
def test_text_on_any_accent_reads_at_4_5_to_1_and_accent_text_reads_on_white(accent):
    background = colours.surface(accent)
    assert colours.contrast(colours.text_on(background), background) >= 4.5
    assert colours.contrast(colours.as_text_on_white(accent), colours.WHITE) >= 4.5


def test_light_accents_get_dark_text_and_dark_ones_white():
    assert colours.text_on("#ffd400") == colours.INK and colours.text_on("#0f766e") == colours.WHITE
    assert colours.as_text_on_white("#0f766e") == "#0f766e"  # already readable: unchanged


def test_the_settings_refuse_below_3_to_1_and_warn_below_4_5():
    error, warning = colours.accent_problem("#ffd400")  # yellow on white ≈ 1.4:1
    assert "too light" in error and warning == ""
    assert colours.surface("#ff0000") != "#ff0000" and colours.surface("#0f766e") == "#0f766e"
    error, warning = colours.accent_problem("#ea580c")  # ≈ 3.6:1
    assert error == "" and "darker shade" in warning
    assert colours.accent_problem("#0f766e") == ("", "")
    assert colours.contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert colours.normalise("0F766E") == "#0f766e" and colours.normalise("teal") is None
