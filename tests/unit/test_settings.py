"""Settings from the environment: typos stop the app with a clear message instead of meaning "off"."""

import pytest

from repair_portal.settings import SettingsError, load_settings

from ..conftest import installation_keys


@pytest.fixture
def env(monkeypatch, tmp_path):
    installation_keys(tmp_path, secret_key_file=True)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    for name in ("DEMO_MODE", "SECRET_KEY", "STAFF_SESSION_IDLE_MINUTES", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), (" Yes ", True), ("1", True), ("off", False), ("", False)]
)
def test_switches_read_the_usual_words(env, raw, expected):
    env.setenv("DEMO_MODE", raw)
    assert load_settings().demo_mode is expected


@pytest.mark.parametrize("raw", ["ture", "y", "enabled", "2"])
def test_a_misspelt_switch_is_an_error_not_off(env, raw):
    env.setenv("DEMO_MODE", raw)
    with pytest.raises(SettingsError, match="DEMO_MODE must be true or false"):
        load_settings()


@pytest.mark.parametrize("raw", ["abc", "-5", "0", "²", "1.5"])
def test_numbers_must_be_whole_and_positive(env, raw):
    env.setenv("STAFF_SESSION_IDLE_MINUTES", raw)
    with pytest.raises(SettingsError, match="STAFF_SESSION_IDLE_MINUTES must be a whole number"):
        load_settings()
    env.setenv("STAFF_SESSION_IDLE_MINUTES", "45")
    assert load_settings().staff_session_idle_minutes == 45


def test_log_lines_can_be_json_and_never_carry_whole_addresses(env, capsys):
    import json
    import logging

    from repair_portal import logs

    env.setenv("LOG_FORMAT", "json")
    assert load_settings().log_format == "json"
    env.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="LOG_FORMAT must be one of text, json"):
        load_settings()
    handler = logging.StreamHandler()
    handler.setFormatter(logs.JsonLines())
    record = logging.LogRecord("repair_portal.mail", logging.WARNING, __file__, 1, "to %s", ("x",), None)
    entry = json.loads(handler.format(record))
    assert entry["level"] == "warning" and entry["logger"] == "repair_portal.mail" and entry["message"] == "to x"
    assert logs.mask_email("jan.kowalski@example.com") == "j…@example.com" and logs.mask_email("nope") == "…"
