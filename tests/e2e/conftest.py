"""Start the real app (`reflex run --env prod`) on a fresh data dir, drive it with Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from repair_portal.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 3.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except Exception:
        return 0


@dataclass
class LiveApp:
    base_url: str
    bootstrap_output: str
    data_dir: Path
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path


def _start(env: dict, port: int, log_path: Path):
    """(process, base URL, log file) once the app answers; (None, ...) when its port was taken."""
    bin_dir = Path(sys.executable).parent
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(bin_dir / "reflex"), "run", "--env", "prod", "--frontend-port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.flush()
            output = log_path.read_text()
            if "address already in use" in output.lower() or "is already in use" in output.lower():
                log.close()
                return None, base, None
            pytest.fail(f"the app exited with {proc.returncode}:\n{output[-4000:]}")
        if _get(base + "/api/health") == 200 and _get(base + "/staff/login/") == 200:
            return proc, base, log
        time.sleep(1)  # polling the app's start-up, not a test's timing
    pytest.fail(f"the app did not start within 600 s:\n{log_path.read_text()[-4000:]}")


def _no_reminders(data_dir: Path) -> None:
    """The demo shop has old quotes and ready devices: its reminder pass, due a while after start-up,
    would add alerts in the middle of whichever test is running. Reminders have their own unit tests."""
    from repair_portal.db import make_engine, write_session
    from repair_portal.models import ShopSettings

    engine = make_engine(f"sqlite:///{data_dir / 'repair_portal.db'}")
    with write_session(engine) as session:
        shop = ShopSettings.current(session)
        shop.quote_reminder_days = shop.collection_reminder_days = 0
        shop.quiet_hours_start = shop.quiet_hours_end = ""  # texts go at once whatever time the suite runs
        session.add(shop)
    engine.dispose()


@pytest.fixture(scope="session")
def twilio():
    """A local stand-in of Twilio's Messages API: the app's texts go to it (nothing reaches the internet)."""
    from ..twilio_standin import TwilioStandInServer

    with TwilioStandInServer() as server:
        yield server


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, request, twilio) -> LiveApp:
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("app-data")
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "app.log"
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DEMO_MODE": "true",
        "PUBLIC_URL": f"http://localhost:{port}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "TWILIO_ACCOUNT_SID": twilio.standin.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.standin.auth_token,
        "TWILIO_FROM": sorted(twilio.standin.numbers)[0],
        "TWILIO_API_BASE": twilio.url,
        "PATH": f"{PROJECT_ROOT / '.tools' / 'node_modules' / '.bin'}:{bin_dir}:{os.environ.get('PATH', '')}",
    }
    for key in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        env.pop(key, None)
    boot = subprocess.run(
        [sys.executable, "-m", "repair_portal", "bootstrap"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert boot.returncode == 0, boot.stderr
    _no_reminders(data_dir)
    for attempt in range(3):  # a free port can be taken between choosing it and binding it: try another
        if attempt:
            port = _free_port()
            env["PUBLIC_URL"] = f"http://localhost:{port}"
        proc, base, log = _start(env, port, log_path)
        if proc is not None:
            break
    else:
        pytest.fail(f"the app did not start:\n{log_path.read_text()[-4000:]}")
    yield LiveApp(base, boot.stdout, data_dir, log_path)
    failed = request.session.testsfailed
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()
    if not failed:  # the app's log is kept for a run that failed
        log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


def _page(browser, request, options: dict, label: str):
    context = browser.new_context(**options)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed_call", False):  # what the page showed when the test failed
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}-{label}.png"), full_page=True)
    context.close()


@pytest.fixture
def desktop(browser, request):
    yield from _page(browser, request, DESKTOP, "desktop")


@pytest.fixture
def phone(browser, request):
    yield from _page(browser, request, PHONE, "phone")


def shot(page, name: str) -> Path | None:
    """A screenshot to look at, kept only when SCREENSHOTS=1 (failed tests keep theirs anyway)."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
