"""Time to first byte of every PDF the app renders on request, over HTTP against the app's own routes
(security middleware, session cookie, authorisation, audit row) in-process through httpx's ASGI transport.
"First byte" is stamped when the app sends its response start (status and headers; the body follows at
once). The order, its documents and the routes are tests/pdf_world.py's.

Per route: the very first request, then `cold` (the PDF cache emptied before each request: the document is
drawn every time, as before the cache) and `warm` (the same document asked for again: read from the cache),
p50 / p95 / worst over --requests requests each, and the server CPU a request costs (p50; steadier than
wall time on a busy machine). Target (issue 17): first byte <= 100 ms.

    python bench/pdf_first_byte.py                  # 30 requests per route and mode, SQLite in a temp dir
    python bench/pdf_first_byte.py --requests 3     # quick
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]
    return f"{statistics.median(ordered) * 1000:6.1f} {p95 * 1000:6.1f} {ordered[-1] * 1000:6.1f}"


class FirstByte:
    """The app, noting when it sends each response's start."""

    def __init__(self, app):
        self.app = app
        self.at = 0.0

    async def __call__(self, scope, receive, send):
        async def stamped(message):
            if message["type"] == "http.response.start":
                self.at = time.perf_counter()
            await send(message)

        await self.app(scope, receive, stamped)


async def measure(app, cache_dir: Path, routes: list, cookies: dict, requests: int) -> int:
    import httpx

    timed = FirstByte(app)
    failures = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=timed), base_url="http://shop.test") as client:

        async def first_byte(path: str, who: str) -> tuple[float, float, httpx.Response]:
            cpu, started = time.process_time(), time.perf_counter()
            response = await client.get(path, cookies=cookies[who])
            return timed.at - started, time.process_time() - cpu, response

        async def series(path: str, who: str, cold: bool) -> tuple[list[float], list[float]]:
            wall, cpu = [], []
            for _ in range(requests):
                if cold:
                    shutil.rmtree(cache_dir, ignore_errors=True)
                took, used, _ = await first_byte(path, who)
                wall.append(took)
                cpu.append(used)
            return wall, cpu

        mode = "{} p50 / p95 / worst"
        print(f"{'ms':<32} {'first':>6}  {mode.format('cold'):>22} {'cpu':>6}  {mode.format('warm'):>22} {'cpu':>6}")
        for label, path, who in routes:
            shutil.rmtree(cache_dir, ignore_errors=True)
            first, _, response = await first_byte(path, who)
            if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
                print(f"{label:<32} FAILED: {response.status_code} {response.content[:80]!r}")
                failures += 1
                continue
            cold, cold_cpu = await series(path, who, cold=True)
            await first_byte(path, who)  # fills the cache (nothing without one)
            warm, warm_cpu = await series(path, who, cold=False)
            print(
                f"{label:<32} {first * 1000:6.1f}  {_ms(cold):>22} {statistics.median(cold_cpu) * 1000:6.1f}"
                f"  {_ms(warm):>22} {statistics.median(warm_cpu) * 1000:6.1f}   {len(response.content) // 1024} KB"
            )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="requests per route, cold and warm each")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="rp-bench-pdf-"))
    url = f"sqlite:///{data / 'bench.db'}"
    os.environ.update(
        DATA_DIR=str(data),
        DATABASE_URL=url,
        SECRET_KEY="bench-installation-key-" + "x" * 32,
        PUBLIC_URL="http://shop.test",
    )
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

    from repair_portal import cookies
    from repair_portal.api import api_routes, security_headers
    from repair_portal.db import get_engine, write_session
    from repair_portal.keys import ensure_keys
    from repair_portal.migrations import upgrade_to_head
    from repair_portal.services import staff_auth
    from repair_portal.settings import get_settings
    from tests import factories, pdf_world

    upgrade_to_head(url)
    ensure_keys(data, url, secret_in_env=True)  # the scratch shop's passcode_key, as `bootstrap` makes it
    settings = get_settings()
    with write_session() as session:
        world = pdf_world.seed(session, settings)
    staff = staff_auth.sign_in(get_engine(), settings, email=pdf_world.OWNER_EMAIL, password=factories.STAFF_PASSWORD)
    sessions = {
        "staff": {cookies.STAFF_SESSION: staff.token},
        "link": {},
        "portal": {cookies.PORTAL_SESSION: world.portal_token},
    }
    app = security_headers(api_routes())
    print(f"PDF time to first byte: {args.requests} requests per route and mode, SQLite, in-process ASGI")
    cache_dir = data / "cache" / "pdf"
    failures = asyncio.run(measure(app, cache_dir, pdf_world.pdf_routes(world), sessions, args.requests))
    shutil.rmtree(data, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
