"""The scale-out mode (PostgreSQL + Redis, several workers) losing a worker while pages are open.

    python bench/scale_out.py                 # 2 workers, 20 open pages
    python bench/scale_out.py --workers 3 --pages 50

Needs PostgreSQL on 127.0.0.1:5432 (trust) and Redis on 127.0.0.1:6379; it makes a scratch database and
uses Redis database 13 (emptied first). Starts the real app as `make run-scaled` does, opens the customer's
tracking page in Chromium plus N stand-in pages (bench/live_clients.py), and staff change the stage in a
real staff page. Then it kills each worker in turn (SIGKILL) and prints, each time: how long until a new
worker took its place, whether the real page and every stand-in page still saw the next stage change and
how long that took, and that staff could still work. The staff page and the customer page are never
reloaded by the bench: a page that lost its worker reconnects by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_runner import running_app
from bench.live_clients import record_frames
from bench.live_fanout import STAGES, _change_stage, _open_pages, _pct

PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
REDIS_DB = "redis://127.0.0.1:6379/13"


def _scratch_database() -> str:
    from sqlalchemy import create_engine, text

    name = f"rp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def _drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _workers(server_pid: int) -> set[int]:
    """The Granian server's worker processes (its live children)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == server_pid and fields[0] != "Z":
                found.add(int(entry))
    return found


def _server_pid(app_pid: int, count: int) -> int:
    """The process whose children are the `count` workers (the `reflex` command runs Granian in itself)."""
    for pid in [app_pid, *sorted(_descendants(app_pid))]:
        if len(_workers(pid)) >= count:
            return pid
    raise RuntimeError("no process with the workers found")


def _descendants(pid: int) -> set[int]:
    out, frontier = set(), {pid}
    while frontier:
        children = set().union(*(_workers(p) for p in frontier))
        frontier = children - out
        out |= children
    return out


async def _wait_for(condition, limit: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if condition():
            return time.perf_counter() - started
        await asyncio.sleep(0.05)  # polling processes and pages
    return None


async def run(workers: int, count: int) -> int:
    import redis
    from playwright.async_api import async_playwright

    redis.Redis.from_url(REDIS_DB).flushdb()
    database = _scratch_database()
    env = {
        "DATABASE_URL": f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_DB,
        "GRANIAN_WORKERS": str(workers),
    }
    try:
        with running_app(**env) as app:
            server = _server_pid(app.pid, workers)
            print(f"app at {app.base_url}: {len(_workers(server))} workers on PostgreSQL + Redis; {count} pages\n")
            reference, _, last_name, url = next(link for link in app.demo_links() if link[1] == "Diagnosing")
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path="/usr/bin/chromium")
                customer_context = await browser.new_context()
                customer = await customer_context.new_page()
                sent: list[str] = []
                customer.on(
                    "websocket",
                    lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, str) else "")),
                )
                await customer.goto(url)
                await customer.fill("#last-name", last_name)
                await customer.click("#gate-submit")
                await customer.wait_for_selector("#live-marker[data-live='on']", state="attached", timeout=30_000)
                staff = await (await browser.new_context()).new_page()
                email, password = app.staff_credentials()
                await staff.goto(app.url("/staff/login"))
                await staff.fill("#email", email)
                await staff.fill("#password", password)
                await staff.click("#sign-in")
                await staff.wait_for_selector(".order-row")
                await staff.fill("#order-search", reference)
                await staff.wait_for_selector(f".order-row:has-text('{reference}')")
                await staff.locator(".order-row a", has_text=reference).first.click()
                await staff.wait_for_selector("#stage-select")
                on_open = list(sent)
                recorded = record_frames(on_open, [], await customer_context.cookies(), app.base_url)
                pages = await _open_pages(app.base_url, recorded, count, "stage_label", reconnect=True)

                print(
                    f"{'killed':>8} {'replaced in':>12} {'page saw next change':>21} {'stand-ins saw it':>17}"
                    f" {'median':>8} {'p95':>8}"
                )
                turn, failures = 1, 0
                for round_ in range(workers + 1):
                    victim = None
                    if round_:  # round 0: nothing killed, for comparison
                        victim = min(_workers(server))
                        os.kill(victim, signal.SIGKILL)
                    replaced = await _wait_for(
                        lambda v=victim: len(_workers(server)) == workers and v not in _workers(server), 30
                    )
                    label = STAGES[turn % len(STAGES)]
                    turn += 1
                    for page in pages:
                        page.seen.clear()
                    before = await customer.inner_text("#stage-label")
                    try:
                        started = await _change_stage(staff, label)
                    except Exception:
                        await staff.screenshot(path="/tmp/scale-out-staff.png")  # what staff saw
                        raise
                    shown = await _wait_for_change(customer, before, 60)
                    label = await customer.inner_text("#stage-label")  # what customers are shown for it
                    await _wait_for(lambda lb=label: all(lb in p.seen for p in pages), 30)
                    arrived = sorted(p.seen[label] - started for p in pages if label in p.seen)
                    missing = count - len(arrived)
                    failures += (shown is None) + (replaced is None) + (missing > 0)
                    print(
                        f"{victim or '-':>8} {_ms(replaced):>12} {_ms(shown):>21} {len(arrived):>10}/{count:<6}"
                        f" {_ms(statistics.median(arrived) if arrived else None):>8}"
                        f" {_ms(_pct(arrived, 0.95) if arrived else None):>8}"
                    )
                    if round_ < workers:
                        await asyncio.sleep(6)  # Granian takes a second death within 5.5 s for a crash loop
                await asyncio.gather(*(p.close() for p in pages), return_exceptions=True)
                await browser.close()
            print(f"\n{'every' if not failures else 'NOT every'} kill survived: {failures} problem(s)")
            return 1 if failures else 0
    finally:
        _drop_database(database)


async def _wait_for_change(page, shown: str, limit: float) -> float | None:
    started = time.perf_counter()
    try:
        await page.wait_for_function(
            f"document.querySelector('#stage-label')?.innerText !== {shown!r}", timeout=limit * 1000
        )
    except Exception:
        return None
    return time.perf_counter() - started


def _ms(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds * 1000:.0f}ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    return asyncio.run(run(args.workers, args.pages))


if __name__ == "__main__":
    sys.exit(main())
