"""A backend worker that dies is started again: Granian (the server `reflex run --env prod` uses) with the
defaults repair_portal/supervision.py gives it, two real worker processes, one killed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from repair_portal.settings import PROJECT_ROOT
from repair_portal.supervision import live_children

TINY_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
"""

SERVER = """
import sys
sys.path.insert(0, {project!r})
sys.path.insert(0, {here!r})
if {supervised!r}:
    from repair_portal.supervision import respawn_dead_workers
    assert respawn_dead_workers()
from granian.constants import Interfaces
from granian.server import Server
Server(target="tiny:app", address="127.0.0.1", port={port}, interface=Interfaces.ASGI, workers=2).serve()
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def _wait(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)  # polling a server process, not timing a test
    return False


def _serve(tmp_path: Path, *, supervised: bool):
    (tmp_path / "tiny.py").write_text(TINY_APP)
    port = _port()
    script = SERVER.format(project=str(PROJECT_ROOT), here=str(tmp_path), supervised=supervised, port=port)
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert _wait(lambda: _answers(port) and len(live_children(proc.pid)) == 2), "the server did not start two workers"
    return proc, port


def _stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.mark.parametrize("supervised", [True, False], ids=["respawned", "granian-default"])
def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(tmp_path, supervised):
    proc, port = _serve(tmp_path, supervised=supervised)
    try:
        first = live_children(proc.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        if supervised:
            assert _wait(lambda: len(live_children(proc.pid)) == 2 and victim not in live_children(proc.pid))
            assert live_children(proc.pid) - first, "a new worker process took the dead one's place"
            assert all(_answers(port) for _ in range(20))
            assert proc.poll() is None
        else:  # what Reflex's own settings do: the whole server stops with the one worker
            assert _wait(lambda: proc.poll() is not None)
            assert not _answers(port)
    finally:
        _stop(proc)
