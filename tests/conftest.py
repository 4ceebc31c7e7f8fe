"""Shared fixtures: a real SQLite file database per test, migrated with Alembic."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

from repair_portal.db import make_engine, session_scope, write_session
from repair_portal.migrations import upgrade_to_head
from repair_portal.settings import Settings

TEST_SECRET_KEY = "test-installation-key-" + "x" * 32


def installation_keys(data_dir: Path, *, secret_key_file: bool = False) -> None:
    """What `bootstrap` does on a new machine: the keys in DATA_DIR (the secret key usually comes from the
    environment or the Settings the test builds). The app never creates one by itself (repair_portal/keys.py)."""
    from repair_portal.keys import ensure_keys

    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_keys(data_dir, f"sqlite:///{data_dir / 'no-database-yet.db'}", secret_in_env=not secret_key_file)


# Tests that read the app's settings without `app_env` get a DATA_DIR of their own with its keys, never the
# project's ./data (the app creates no key by itself: repair_portal/keys.py).
if "DATA_DIR" not in os.environ:
    _DEFAULT_DATA = Path(tempfile.mkdtemp(prefix="rp-test-data-"))
    atexit.register(shutil.rmtree, _DEFAULT_DATA, True)
    installation_keys(_DEFAULT_DATA, secret_key_file=True)
    os.environ["DATA_DIR"] = str(_DEFAULT_DATA)


@pytest.fixture(autouse=True)
def _quick_bcrypt(request, monkeypatch):
    """New password hashes use bcrypt cost 4 in tests: the cost is a property of the stored hash, not of
    the rules under test, and cost 12 takes a quarter of a second per hash and per check. Tests about the
    cost itself are marked `full_bcrypt_cost`; the browser tests' app runs in its own process at full cost."""
    if request.node.get_closest_marker("full_bcrypt_cost"):
        return
    import bcrypt

    real = bcrypt.gensalt
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=12, prefix=b"2b": real(min(rounds, 4), prefix))


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory) -> Path:
    """One database migrated to head per test process; each test gets a copy of the file (a copy takes
    a millisecond, running every migration a third of a second)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_url(tmp_path: Path, _migrated_template: Path) -> str:
    target = tmp_path / "test.db"
    shutil.copyfile(_migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    installation_keys(tmp_path)
    return Settings(
        data_dir=tmp_path,
        database_url=db_url,
        public_url="http://shop.test",
        secret_key=TEST_SECRET_KEY,
        demo_mode=True,
    )


@pytest.fixture
def session(engine):
    """A session committed at the end of the test (objects stay usable).

    Its transaction starts deferred; commit before another session writes.
    """
    with session_scope(engine) as s:
        yield s


@pytest.fixture
def write(engine):
    """Open a committed-on-exit write transaction: `with write() as s: ...`."""
    return lambda: write_session(engine)


@pytest.fixture
def read(engine):
    """Open a fresh read session: `with read() as s: ...`."""
    return lambda: session_scope(engine)


class FrozenClock:
    def __init__(self, start: datetime):
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch) -> FrozenClock:
    """Every service reads time through repair_portal.services.clock.now."""
    frozen = FrozenClock(datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    monkeypatch.setattr("repair_portal.services.clock.now", frozen.now)
    return frozen


@pytest.fixture
def app_env(monkeypatch, tmp_path: Path, db_url: str):
    """Point the app-level settings/engine (used by state classes) at the test database."""
    from repair_portal import db
    from repair_portal import settings as settings_mod

    installation_keys(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("PUBLIC_URL", "http://shop.test")
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield settings_mod.get_settings()
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()


def database_bytes(engine) -> bytes:
    """Everything the database holds on disk: the main file after a WAL checkpoint, plus any WAL left."""
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(text("SELECT 1"))
    path = Path(engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --- PostgreSQL: a scratch database per test, skipped with a reason when no server runs -------------


def _postgres_base() -> str | None:
    url = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    try:
        probe = create_engine(url, connect_args={"connect_timeout": 2})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
        return url
    except Exception as exc:
        print(f"PostgreSQL not reachable at {url}: {exc}")
        return None


@pytest.fixture
def pg_url():
    """An empty scratch database on the local PostgreSQL, dropped afterwards."""
    base = _postgres_base()
    if base is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (the default SQLite set-up doesn't need it)")
    name = f"rp_test_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_url):
    """The scratch PostgreSQL database, migrated to head."""
    upgrade_to_head(pg_url)
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def each_engine(request):
    """The test's database on SQLite, then on PostgreSQL (skipped with the reason when no server runs)."""
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def app_on(each_engine, monkeypatch, tmp_path: Path):
    """Actions (which open `write_session()` on the app's engine) pointed at `each_engine`'s database."""
    from repair_portal import db
    from repair_portal import settings as settings_mod

    installation_keys(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", each_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("PUBLIC_URL", "http://shop.test")
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield each_engine
    db.get_engine().dispose()
    settings_mod.get_settings.cache_clear()
    db.get_engine.cache_clear()
