"""The scale-out mode (PostgreSQL + Redis, several workers) losing a worker while pages are open.

    python bench/scale_out.py                 # 2 workers, 20 open pages
    python bench/scale_out.py --workers 3 --pages 50

Needs PostgreSQL on 127.0.0.1:5432 (trust) and Redis on 127.0.0.1:6379; it makes a scratch database and
uses Redis database 13 (emptied first). Starts the real app as `make run-scaled` does, opens the customer's
tracking page in Chromium plus N stand-in pages (bench/live_clients.py), and staff change the stage in a
real staff page. Then it kills each worker in turn (SIGKILL) and prints, each time: how long until a new
worker took its place, how many tries the staff member's next move took (a page reconnecting to another
worker may not open the list at the first click), whether the real page and every stand-in page still saw
the change and how long that took. Without PostgreSQL or Redis it says so and stops. The staff page and the
customer page are never reloaded by the bench: a page that lost its worker reconnects by itself.
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
from bench.live_fanout import STAGES, _open_pages, _pct, open_order_pages
from repair_portal.supervision import live_children

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
    return live_children(server_pid)


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


def _services_missing() -> str:
    """Why this bench can't run here ("" when PostgreSQL and Redis both answer)."""
    import redis
    from sqlalchemy import create_engine, text

    try:
        redis.Redis.from_url(REDIS_DB, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        return f"Redis is not reachable at {REDIS_DB} ({exc})"
    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL is not reachable at {PG_ADMIN} ({type(exc).__name__})"
    return ""


async def run(workers: int, count: int) -> int:
    import redis
    from playwright.async_api import async_playwright

    missing = _services_missing()
    if missing:
        print(f"scale-out bench skipped: {missing}")
        return 0
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
                customer_context, customer, staff, sent = await open_order_pages(
                    browser, app, url, last_name, reference
                )
                on_open = list(sent)
                recorded = record_frames(on_open, [], await customer_context.cookies(), app.base_url)
                pages = await _open_pages(app.base_url, recorded, count, "stage_label", reconnect=True)

                print(
                    f"{'killed':>8} {'replaced in':>12} {'staff tries':>11} {'page saw next change':>21}"
                    f" {'stand-ins saw it':>17}"
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
                    started, tries = await _change_stage_patiently(staff, label)
                    shown = await _wait_for_change(customer, before, 60)
                    label = await customer.inner_text("#stage-label")  # what customers are shown for it
                    await _wait_for(lambda lb=label: all(lb in p.seen for p in pages), 30)
                    arrived = sorted(p.seen[label] - started for p in pages if label in p.seen)
                    missing = count - len(arrived)
                    failures += (shown is None) + (replaced is None) + (missing > 0)
                    print(
                        f"{victim or '-':>8} {_ms(replaced):>12} {tries:>11} {_ms(shown):>21}"
                        f" {len(arrived):>10}/{count:<6}"
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


async def _change_stage_patiently(staff, label: str) -> tuple[float, int]:
    """Staff move the order as a person would: if the page was reconnecting to another worker and the
    list didn't open, they try again (up to three times). (when the move was sent, tries)"""
    for attempt in range(1, 4):
        try:
            await staff.click("#stage-select")
            await staff.get_by_role("option", name=label, exact=True).click(timeout=10_000)
        except Exception:
            if attempt == 3:
                await staff.screenshot(path="/tmp/scale-out-staff.png")  # what staff saw
                raise
            await staff.keyboard.press("Escape")
            continue
        started = time.perf_counter()
        await staff.click("#stage-submit")
        return started, attempt
    raise AssertionError("unreachable")


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
