"""How long other users wait while staff upload big photos: event-loop lag during one upload.

    python bench/upload_loop_lag.py               # 6 photos of 12 MP
    python bench/upload_loop_lag.py --photos 2    # quicker

A ticker on the event loop wakes every 5 ms and records how late it was, while one upload of
large JPEG photos is processed the way the app does it (decoded and re-encoded in a worker thread),
and then, for comparison, the way it used to be (on the event loop). Prints the worst and the
95th-percentile lag of each: the lag is what every other open page waits for its next event.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from repair_portal.db import make_engine, write_session
from repair_portal.migrations import upgrade_to_head
from repair_portal.services import attachments, audit


def _photo(width: int, height: int, seed: int) -> bytes:
    """A 12 MP phone-camera-like JPEG: smooth gradients with sensor noise (a few MB)."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 12 + seed)
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


async def _measure(work) -> tuple[float, float, float]:
    """(seconds the work took, worst lag ms, p95 lag ms) of a 5 ms ticker while `work()` runs."""
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker():
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - before - 0.005) * 1000)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    start = time.perf_counter()
    await work()
    took = time.perf_counter() - start
    done.set()
    await tick
    lags.sort()
    return took, lags[-1], lags[int(len(lags) * 0.95) - 1] if len(lags) > 1 else lags[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=6)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rp-upload-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    from tests import factories

    with write_session(engine) as s:
        _, location = factories.shop(s)
        order_id = factories.order(s, location).order.id
    photos = [(f"photo{i}.jpg", _photo(4000, 3000, i)) for i in range(args.photos)]
    size_mb = sum(len(d) for _, d in photos) / 2**20
    files = tmp / "files"

    def store_all():
        for name, data in photos:
            item = attachments.prepare(files, name, data)
            with write_session(engine) as s:
                from repair_portal.models import Order

                attachments.attach(s, s.get(Order, order_id), item, visible=True, actor=audit.SYSTEM)

    async def in_worker_thread():  # what StaffOrderFilesState.handle_upload does
        await asyncio.to_thread(store_all)

    async def on_the_loop():  # what it did before
        store_all()

    print(f"{args.photos} photos, 4000×3000 JPEG, {size_mb:.1f} MB in all")
    for label, work in (("worker thread (now)", in_worker_thread), ("event loop (before)", on_the_loop)):
        took, worst, p95 = asyncio.run(_measure(work))
        print(f"  {label:22s} upload {took:6.2f} s   other users' lag: worst {worst:7.1f} ms, p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
