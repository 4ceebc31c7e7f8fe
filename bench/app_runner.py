"""Start the real app (`reflex run --env prod`) on a fresh data dir with the demo shop, for benches.

with running_app() as app:
    app.base_url, app.bootstrap_output, app.data_dir, app.pid
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningApp:
    base_url: str
    bootstrap_output: str
    data_dir: Path
    pid: int
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def staff_credentials(self) -> tuple[str, str]:
        out = self.bootstrap_output
        return re.search(r"Email:\s+(\S+)", out).group(1), re.search(r"Password:\s+(\S+)", out).group(1)

    def demo_links(self) -> list[tuple[str, str, str, str]]:
        """(reference, stage, last name, url) for each printed demo tracking link."""
        found = re.findall(r"- (R-\d+)\s+(.+?)\s+last name: (.+)\n\s+(http\S+)", self.bootstrap_output)
        return [
            (r, s.strip(), n.strip(), self.base_url + "/track/" + u.rsplit("/track/", 1)[1]) for r, s, n, u in found
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own http://localhost
            return response.status == 200
    except Exception:
        return False


def app_env(data_dir: Path, port: int, **extra: str) -> dict:
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DEMO_MODE": "true",
        "PUBLIC_URL": f"http://localhost:{port}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}:{bin_dir}:{os.environ.get('PATH', '')}",
    }
    for key in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        env.pop(key, None)
    env.update(extra)
    return env


@contextlib.contextmanager
def running_app(**extra_env: str):
    data_dir = Path(tempfile.mkdtemp(prefix="rp-bench-app-"))
    port = _free_port()
    env = app_env(data_dir, port, **extra_env)
    boot = subprocess.run(
        [sys.executable, "-m", "repair_portal", "bootstrap"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if boot.returncode != 0:
        raise RuntimeError(boot.stderr)
    log_path = data_dir / "app.log"
    with reflex_prod(ROOT, env, port, log_path, ("/api/health", "/staff/login/")) as (base, pid):
        yield RunningApp(base, boot.stdout, data_dir, pid, log_path)


@contextlib.contextmanager
def reflex_prod(folder: Path, env: dict, port: int, log_path: Path, ready: tuple[str, ...]):
    """`reflex run --env prod` of the app in `folder` until every path in `ready` answers 200:
    (base URL, process id); stopped (its whole process group) on leaving."""
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--frontend-port", str(port)],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 600
        while not all(_answers(base + path) for path in ready):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app in {folder} did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(1)  # waiting for start-up
        yield base, proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
