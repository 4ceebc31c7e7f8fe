"""The installation keys (DATA_DIR/secret_key, DATA_DIR/passcode_key) are created only by an explicit
first-time step, and only while the database holds nothing they protect. Starting the app with one missing
is an error that says what is missing, where, how to restore it and what a new one would lose."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from repair_portal import keys
from repair_portal.app_lock import serving
from repair_portal.db import write_session
from repair_portal.integrations import vault
from repair_portal.keys import MissingKeyError
from repair_portal.models import Order
from repair_portal.services import passcodes
from repair_portal.settings import PROJECT_ROOT, get_settings, load_settings

from .. import factories


@pytest.fixture
def env(monkeypatch, tmp_path, db_url):
    """A DATA_DIR with no keys, pointed at a migrated (empty) database."""
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name in ("SECRET_KEY", "DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


def _with_data(engine) -> int:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s)
        return factories.order(s, location).order.id


def test_a_new_installation_gets_its_keys_only_from_the_explicit_step(env, db_url):
    with pytest.raises(MissingKeyError) as refused:
        load_settings()
    message = str(refused.value)
    assert f"{env / 'secret_key'}" in message and "create-keys" in message and "bootstrap" in message
    assert not (env / "secret_key").exists() and not (env / "passcode_key").exists()  # nothing made quietly
    assert keys.ensure_keys(env, db_url, secret_in_env=False) == ["secret_key", "passcode_key"]
    for name in ("secret_key", "passcode_key"):
        assert oct((env / name).stat().st_mode & 0o777) == "0o600"
    settings = load_settings()
    assert settings.secret_key == (env / "secret_key").read_text() and len(settings.secret_key) >= 40
    assert settings.passcode_key() == (env / "passcode_key").read_bytes()
    assert keys.ensure_keys(env, db_url, secret_in_env=False) == []  # in place: nothing replaced


def test_a_lost_secret_key_with_data_in_the_database_stops_the_start_with_instructions(env, engine, db_url):
    keys.ensure_keys(env, db_url, secret_in_env=False)
    _with_data(engine)
    (env / "secret_key").unlink()
    with pytest.raises(MissingKeyError) as refused:
        load_settings()
    message = str(refused.value)
    for expected in (
        f"expected at {env / 'secret_key'}",  # what and where
        "already holds this shop's data",
        "copy the secret_key file from your backup",  # how to restore it
        f"chmod 600 {env / 'secret_key'}",
        "create-keys --accept-loss",  # how to make a new one knowingly…
        "tracking link and QR code already printed or emailed stops working",  # …and what that loses
    ):
        assert expected in message, expected
    with pytest.raises(MissingKeyError):  # the explicit step refuses too: it would break every link
        keys.ensure_keys(env, db_url, secret_in_env=False)
    assert not (env / "secret_key").exists()
    assert keys.ensure_keys(env, db_url, secret_in_env=False, accept_loss=True) == ["secret_key"]
    assert load_settings().secret_key


def test_the_secret_key_may_come_from_the_environment_instead_of_the_file(env, engine, db_url, monkeypatch):
    _with_data(engine)
    vault.create_key(env)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert load_settings().secret_key == "k" * 40 and not (env / "secret_key").exists()


def test_a_lost_passcode_key_is_refused_only_where_something_was_encrypted_with_it(env, engine, db_url):
    keys.ensure_keys(env, db_url, secret_in_env=False)
    order_id = _with_data(engine)
    (env / "passcode_key").unlink()
    # data, but nothing encrypted: the explicit step may make it (nothing is lost); the start still wants it
    with pytest.raises(MissingKeyError, match="Nothing stored needs an earlier one"):
        load_settings()
    assert keys.ensure_keys(env, db_url, secret_in_env=False) == ["passcode_key"]
    key = load_settings().passcode_key()
    with write_session(engine) as s:
        order = s.get(Order, order_id)
        passcodes.store(order, key, "1234")
        s.add(order)
    (env / "passcode_key").unlink()
    with pytest.raises(MissingKeyError) as refused:
        load_settings()
    assert "passcodes, two-step sign-in (TOTP) secrets" in str(refused.value)
    assert "reset-mfa" in str(refused.value) and "copy the passcode_key file from your backup" in str(refused.value)
    with pytest.raises(MissingKeyError):
        keys.ensure_keys(env, db_url, secret_in_env=False)
    assert not (env / "passcode_key").exists()
    with pytest.raises(MissingKeyError, match="was it moved or deleted"):  # a running app never makes one either
        vault.load_key(env)
    assert not (env / "passcode_key").exists()


def test_starting_the_app_checks_the_keys_and_holds_the_running_lock(env, engine, db_url):
    _with_data(engine)

    async def start():
        async with serving():
            return "served"

    with pytest.raises(MissingKeyError, match="already holds this shop's data"):
        asyncio.run(start())
    keys.ensure_keys(env, db_url, secret_in_env=False, accept_loss=True)
    get_settings.cache_clear()
    assert asyncio.run(start()) == "served"


def _cli(data: Path, db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data), "DATABASE_URL": db_url, "DEMO_MODE": "false"}
    env.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "repair_portal", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bootstrap_with_data_and_no_key_stops_with_the_message_and_creates_nothing(env, engine, db_url):
    _with_data(engine)
    done = _cli(env, db_url, "bootstrap")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "secret_key is missing" in done.stderr and "create-keys --accept-loss" in done.stderr
    assert not (env / "secret_key").exists()
    made = _cli(env, db_url, "create-keys", "--accept-loss")
    assert made.returncode == 0 and "secret_key" in made.stdout, made.stderr
    again = _cli(env, db_url, "bootstrap")
    assert again.returncode == 0, again.stderr
