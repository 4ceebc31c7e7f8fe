"""Many idle tracking pages open on one process: memory per page, and how a working page fares meanwhile.

The real app on one process (memory state manager, the default). One real tracking page is opened in Chromium
and recorded; N Socket.IO stand-ins then open the same page as it did (their own tab tokens, the same cookie,
the same mount events) and stay idle. Printed: the server's resident memory before, with N pages open, and
after they have all gone; and, while they are open, the round trip of a working page's event (a stand-in
re-sending the page's own re-read, which checks access and reads the order) against the same with none open.

    .venv/bin/python bench/idle_connections.py [--pages 1000] [--events 40]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_runner import running_app
from live_clients import StandInPage, record_frames
from live_fanout import _open_pages, _pct, _pgrp, open_order_pages

PAGE = os.sysconf("SC_PAGE_SIZE")
RELOAD = "reflex___state____state.repair_portal___state___track____track_state.reload"


def _rss_bytes(pgid: int) -> int:
    """Resident memory of every process in the app's process group (the server and its workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _pgrp(int(entry)) == pgid:
            with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
                total += int(Path(f"/proc/{entry}/statm").read_text().split()[1]) * PAGE
    return total


async def _settled_rss(pgid: int) -> int:
    """Memory once it stops moving (the server finished what the last clients asked)."""
    previous = _rss_bytes(pgid)
    for _ in range(30):
        await asyncio.sleep(1)  # sampling memory until it is steady
        now = _rss_bytes(pgid)
        if abs(now - previous) < 512 * 1024:
            return now
        previous = now
    return previous


async def _event_times(base: str, recorded, count: int) -> list[float]:
    """A working page's event round trip: a stand-in sends the page's re-read `count` times, one at a time."""
    page = StandInPage(recorded, "stage_label")
    await page.open(base)
    await asyncio.wait_for(page.ready.wait(), 60)
    times = []
    for _ in range(count):
        replies = len(page.reply_bytes)
        started = time.perf_counter()
        for event in recorded.remount_events:
            await page._sio.emit("event", event, namespace="/_event")
        while len(page.reply_bytes) == replies:
            await asyncio.sleep(0.001)  # polling for the reply
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)  # one event at a time, as a person clicks
    await page.close()
    return sorted(times)


async def run(count: int, events: int) -> int:
    from playwright.async_api import async_playwright

    with running_app() as app:
        pgid = os.getpgid(app.pid)
        reference, _, last_name, url = next(link for link in app.demo_links() if link[1] == "Diagnosing")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium")
            customer_context, customer, _staff, sent = await open_order_pages(browser, app, url, last_name, reference)
            await customer.wait_for_timeout(1000)  # the page's mount events go out before reading them
            recorded = record_frames(list(sent), [], await customer_context.cookies(), app.base_url)
            # The page's re-read, as its live element sends it after a change (router data as its mount events')
            mount = next(e for e in recorded.mount_events if "track_state" in e.get("name", ""))
            recorded.remount_events = [{**mount, "name": RELOAD}]
            await browser.close()

        alone = await _event_times(app.base_url, recorded, events)
        idle = await _settled_rss(pgid)
        print(f"app at {app.base_url}; order {reference}; {count} idle tracking pages\n")
        opened = time.perf_counter()
        pages = await _open_pages(app.base_url, recorded, count, "stage_label")
        took = time.perf_counter() - opened
        loaded = await _settled_rss(pgid)
        busy = await _event_times(app.base_url, recorded, events)
        await asyncio.gather(*(p.close() for p in pages), return_exceptions=True)
        after = await _settled_rss(pgid)

    per_page = (loaded - idle) / count
    print(f"{'server memory, idle':<44} {idle / 2**20:>8.1f} MB")
    print(f"{f'with {count} pages open (opened in {took:.1f} s)':<44} {loaded / 2**20:>8.1f} MB")
    print(f"{'  per open page':<44} {per_page / 1024:>8.1f} KB   (target <= 150 KB)")
    print(f"{'after they all left':<44} {after / 2**20:>8.1f} MB   ({(after - idle) / idle * 100:+.0f}% of idle)")
    print(
        f"\na working page's event, round trip: alone p50 {statistics.median(alone) * 1000:.1f} ms,"
        f" p95 {_pct(alone, 0.95) * 1000:.1f} ms; with {count} idle pages open p50"
        f" {statistics.median(busy) * 1000:.1f} ms, p95 {_pct(busy, 0.95) * 1000:.1f} ms (target p95 < 50 ms)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--events", type=int, default=40)
    args = parser.parse_args()
    return asyncio.run(run(args.pages, args.events))


if __name__ == "__main__":
    raise SystemExit(main())
