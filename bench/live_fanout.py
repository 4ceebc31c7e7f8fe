"""A stage change reaching many open tracking pages of one order, on one app process.

    python bench/live_fanout.py                  # 10, 50, 200 and 500 pages
    python bench/live_fanout.py --pages 10 50    # quicker

Starts the real app (`reflex run --env prod`, SQLite, the demo shop), opens one tracking page in Chromium to
record what a page sends (its boot event, its mount events, the events its live element sends when a change
arrives), then opens N light stand-in pages (Socket.IO clients replaying those frames with their own tab
tokens). Staff change the order's stage in a real staff page (three times per N, every arrival pooled); for
each N it prints when the new stage reached the pages (median, p95, worst), the cost per page, how long
the server's CPU took to settle (the longest of the three), the server-to-page bytes of the change, and the
server's own time from publishing the change to the last page's update sent (the app logs it with
LIVE_TIMING=1). The stand-ins share this machine's two cores with the app and Chromium: the arrival
times include their own receiving, the server column does not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_runner import running_app
from bench.live_clients import StandInPage, record_frames

STAGES = ["Diagnosing", "Awaiting parts", "Repairing"]
TICK = os.sysconf("SC_CLK_TCK")


def _group_cpu_seconds(pgid: int) -> float:
    """CPU time used so far by every process of the app's process group (from /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


async def _settle_time(pgid: int, since: float, limit: float = 30.0) -> float:
    """Seconds from `since` until the app's CPU use over a 200 ms window falls under 10 % of one core."""
    while time.perf_counter() - since < limit:
        before, start = _group_cpu_seconds(pgid), time.perf_counter()
        await asyncio.sleep(0.2)  # sampling window
        if (_group_cpu_seconds(pgid) - before) / (time.perf_counter() - start) < 0.10:
            return start - since
    return limit


def _profile(pgid: int, count: int):
    """py-spy (when installed) samples the busiest app process for 15 s: LIVE_PROFILE=1 to look inside."""
    import subprocess

    busiest = max(int(e) for e in os.listdir("/proc") if e.isdigit() and _pgrp(int(e)) == pgid)  # the worker
    out = f"/tmp/live-profile-{count}.txt"
    return subprocess.Popen(
        ["py-spy", "record", "-p", str(busiest), "-d", "15", "-f", "raw", "-o", out],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pgrp(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except OSError:
        return -1


async def _change_stage(staff, label: str) -> float:
    await staff.click("#stage-select")
    await staff.get_by_role("option", name=label, exact=True).click()
    started = time.perf_counter()
    await staff.click("#stage-submit")
    return started


async def _open_pages(base: str, recorded, count: int, watch_key: str, *, reconnect=False) -> list[StandInPage]:
    pages = [StandInPage(recorded, watch_key, reconnect=reconnect) for _ in range(count)]
    gate = asyncio.Semaphore(20)

    async def one(page):
        async with gate:
            await page.open(base)
            await asyncio.wait_for(page.ready.wait(), 60)

    await asyncio.gather(*(one(p) for p in pages))
    return pages


def _server_ms(log_path: Path, offset: int, count: int) -> float:
    """The slowest server time of this round's order updates that reached `count` or more tabs, as the app
    logged them (LIVE_TIMING=1): from the change being published to the last page's update sent."""
    with open(log_path) as log:
        log.seek(offset)
        times = [
            float(m.group(2))
            for m in re.finditer(r"live update of order\d+: (\d+) tabs \(\d+ filled\) in ([\d.]+) ms", log.read())
            if int(m.group(1)) >= count
        ]
    return max(times, default=float("nan"))


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * q) - 1))]


async def open_order_pages(browser, app, url: str, last_name: str, reference: str):
    """The customer's tracking page (past the last-name check, live) recording the frames it sends, and a
    signed-in staff page on the same order. (customer context, customer page, staff page, sent frames)"""
    customer_context = await browser.new_context()
    customer = await customer_context.new_page()
    sent: list[str] = []
    customer.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, str) else "")))
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
    return customer_context, customer, staff, sent


async def run(counts: list[int], repeats: int = 3) -> int:
    from playwright.async_api import async_playwright

    with running_app(LIVE_TIMING="1") as app:
        pgid = os.getpgid(app.pid)
        reference, _, last_name, url = next(link for link in app.demo_links() if link[1] == "Diagnosing")
        print(f"app at {app.base_url}; order {reference}; pages open on its tracking link\n")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium")
            customer_context, customer, staff, sent = await open_order_pages(browser, app, url, last_name, reference)

            on_open = list(sent)
            shown = await customer.inner_text("#stage-label")
            await _change_stage(staff, STAGES[1])
            await customer.wait_for_function(
                f"document.querySelector('#stage-label')?.innerText !== {shown!r}", timeout=30_000
            )
            await customer.wait_for_timeout(1000)  # let the page's follow-up events go out before reading them
            recorded = record_frames(on_open, sent[len(on_open) :], await customer_context.cookies(), app.base_url)
            print(
                f"a page sends {len(recorded.mount_events)} events on opening, "
                f"{len(recorded.remount_events)} when a change arrives\n"
            )

            print(
                f"{'pages':>6} {'median':>9} {'p95':>9} {'worst':>9} {'per page':>10} {'CPU idle after':>15}"
                f" {'bytes/page':>11} {'server':>9}"
            )
            turn = 2
            for count in counts:
                pages = await _open_pages(app.base_url, recorded, count, "stage_label")
                arrived, settles, missing, sizes = [], [], 0, []
                log_from = app.log_path.stat().st_size
                for _ in range(repeats):
                    await _settle_time(pgid, time.perf_counter())
                    label = STAGES[turn % len(STAGES)]
                    turn += 1
                    for page in pages:
                        page.seen.clear()
                        page.reply_bytes.clear()
                    shown = await customer.inner_text("#stage-label")
                    spy = _profile(pgid, count) if os.environ.get("LIVE_PROFILE") else None
                    started = await _change_stage(staff, label)
                    await customer.wait_for_function(
                        f"document.querySelector('#stage-label')?.innerText !== {shown!r}", timeout=60_000
                    )
                    label = await customer.inner_text("#stage-label")  # what customers are shown for the stage
                    deadline = started + 60
                    while any(label not in p.seen for p in pages) and time.perf_counter() < deadline:
                        await asyncio.sleep(0.01)  # polling the stand-ins' arrival times
                    arrived += [p.seen[label] - started for p in pages if label in p.seen]
                    missing += sum(1 for p in pages if label not in p.seen)
                    settles.append(await _settle_time(pgid, started))
                    sizes.append(statistics.median(sum(p.reply_bytes) for p in pages))
                    if spy is not None:
                        spy.wait()
                arrived.sort()
                if arrived:
                    print(
                        f"{count:>6} {statistics.median(arrived) * 1000:>7.0f}ms {_pct(arrived, 0.95) * 1000:>7.0f}ms"
                        f" {arrived[-1] * 1000:>7.0f}ms {arrived[-1] / count * 1000:>8.2f}ms"
                        f" {max(settles) * 1000:>13.0f}ms {statistics.median(sizes):>11.0f}"
                        f" {_server_ms(app.log_path, log_from, count):>7.0f}ms"
                        + (f"   ({missing} never saw it)" if missing else "")
                    )
                else:
                    print(f"{count:>6} none of the pages saw the change")
                await asyncio.gather(*(p.close() for p in pages), return_exceptions=True)
            await browser.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[10, 50, 200, 500])
    parser.add_argument("--repeats", type=int, default=3, help="stage changes per page count (all arrivals pooled)")
    args = parser.parse_args()
    return asyncio.run(run(args.pages, args.repeats))


if __name__ == "__main__":
    sys.exit(main())
