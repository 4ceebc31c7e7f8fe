"""`restore` refuses while the app runs: the running app holds a shared lock on DATA_DIR/app.lock (a lock, not
a file's presence, so a left-over file from a killed app blocks nothing)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from repair_portal.app_lock import LOCK_FILE, AppRunning, app_stopped, hold_running, release
from repair_portal.db import make_engine, session_scope, write_session
from repair_portal.models import Order
from repair_portal.settings import PROJECT_ROOT

from .. import factories
from ..conftest import installation_keys

# Stands in for the running app: takes the lock as the app's lifespan task does, says so, waits to be ended.
HOLDER = (
    "import sys; from pathlib import Path; from repair_portal.app_lock import hold_running;"
    "hold_running(Path(sys.argv[1])); print('held', flush=True); sys.stdin.read()"
)


@pytest.fixture
def shop_db(tmp_path):
    """DATA_DIR with its keys and a database holding one order, backed up; then the order is changed."""
    data = tmp_path / "data"
    installation_keys(data, secret_key_file=True)
    db_path = data / "repair_portal.db"
    from repair_portal.migrations import upgrade_to_head

    upgrade_to_head(f"sqlite:///{db_path}")
    engine = make_engine(f"sqlite:///{db_path}")
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.order(s, location, problem="Cracked screen")
    engine.dispose()
    backup = tmp_path / "backup.db"
    assert _cli(data, "backup", str(backup)).returncode == 0
    _set_problem(db_path, "changed after the backup")
    return data, db_path, backup


def _set_problem(db_path: Path, problem: str) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    with write_session(engine) as s:
        for order in s.exec(select(Order)):
            order.problem = problem
            s.add(order)
    engine.dispose()


def _problems(db_path: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{db_path}")
    with session_scope(engine) as s:
        found = {o.problem for o in s.exec(select(Order))}
    engine.dispose()
    return found


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data)}
    for name in ("DATABASE_URL", "SECRET_KEY"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "repair_portal", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_restore_refuses_while_an_app_process_holds_the_lock_and_runs_once_it_is_gone(shop_db):
    data, db_path, backup = shop_db
    app = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout.readline().strip() == "held"
        refused = _cli(data, "restore", str(backup))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "The app is running" in refused.stderr and "stop it first" in refused.stderr
        assert _problems(db_path) == {"changed after the backup"}  # nothing changed
    finally:
        os.kill(app.pid, signal.SIGKILL)  # killed, not stopped cleanly: its lock file stays behind
        app.wait(timeout=30)
    assert (data / LOCK_FILE).exists()  # the stale file…
    restored = _cli(data, "restore", str(backup))  # …blocks nothing: the lock died with the process
    assert restored.returncode == 0, restored.stderr
    assert _problems(db_path) == {"Cracked screen"}


def test_the_lock_in_one_process_several_workers_and_a_restore(tmp_path):
    first, second = hold_running(tmp_path), hold_running(tmp_path)  # workers share it
    with pytest.raises(AppRunning, match="The app is running"), app_stopped(tmp_path):
        pass
    release(first)
    with pytest.raises(AppRunning), app_stopped(tmp_path):
        pass
    release(second)
    # no app: the restore holds it, and an app starting now stops
    with app_stopped(tmp_path), pytest.raises(AppRunning, match="A restore of the database is running"):
        hold_running(tmp_path)
    release(hold_running(tmp_path))  # after the restore the app starts


def test_the_apps_own_start_holds_the_lock_until_it_stops(app_env):
    """`serving` is an app lifespan task (repair_portal.py): restore is refused while it runs."""
    import asyncio

    from repair_portal.app_lock import serving
    from repair_portal.mail_worker import delivery_loop
    from repair_portal.repair_portal import app

    tasks = app.get_lifespan_tasks()
    assert tasks.index(serving) < tasks.index(delivery_loop)  # checked before the app does any work

    async def while_serving():
        async with serving():
            with pytest.raises(AppRunning, match="The app is running"), app_stopped(app_env.data_dir):
                pass
            return "served"

    assert asyncio.run(while_serving()) == "served"
    with app_stopped(app_env.data_dir):  # stopped: the lock is free again
        pass
