"""Order board list/search/filter times with 100,000 orders.

    python bench/orders_100k.py                       # SQLite file in a temp dir
    python bench/orders_100k.py --url postgresql+psycopg2://postgres@127.0.0.1:5432/rp_bench
    python bench/orders_100k.py --orders 20000        # smaller run

Seeds through bulk inserts into a migrated database (the same schema the app runs on),
then times each query the board and the customer list make: the median and the worst of
several runs, plus the row count, so a regression shows up as a number.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from sqlmodel import Session

from repair_portal.db import make_engine
from repair_portal.migrations import upgrade_to_head
from repair_portal.models import Customer, Device, Location, Order, ShopSettings, StaffUser
from repair_portal.services import workflow
from repair_portal.services.orders import OrderFilter, count_by_stage, list_orders

FIRST = ["Ada", "Jan", "Priya", "Tom", "Mia", "Omar", "Lena", "Kofi", "Sara", "Ivan", "Noor", "Ben", "Zoe", "Raj"]
LAST = ["Nowak", "Kowalski", "Smith", "Patel", "Jones", "Brown", "Garcia", "Khan", "Müller", "Rossi", "Chen", "Ali"]
MAKES = [("Apple", "iPhone 13"), ("Samsung", "Galaxy S22"), ("Google", "Pixel 7"), ("Lenovo", "ThinkPad T14")]


def seed(url: str, orders: int) -> dict:
    upgrade_to_head(url)
    engine = make_engine(url)
    rng = random.Random(42)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    customers = max(1, int(orders * 0.6))
    with Session(engine) as session:
        session.add(ShopSettings(id=1, name="Bench Repairs"))
        locations = [Location(name="High Street"), Location(name="Station Road")]
        session.add_all(locations)
        stages = workflow.create_default_stages(session)
        staff = [
            StaffUser(email=f"tech{i}@example.com", name=f"Tech {i}", password_hash="!bench", role="technician")  # noqa: S106 (unusable hash)
            for i in range(5)
        ]
        session.add_all(staff)
        session.commit()
        location_ids = [loc.id for loc in locations]
        stage_ids = [s.id for s in stages]
        staff_ids = [u.id for u in staff]
    # Mostly collected, a few at each earlier stage (a shop's "Requested" stage, if any, comes first).
    weights = ([1] * max(0, len(stage_ids) - 7) + [3, 3, 2, 1, 3, 2, 40])[-len(stage_ids) :]
    started = time.perf_counter()
    with engine.begin() as conn:
        batch = 5000
        for start in range(0, customers, batch):
            rows = []
            for i in range(start, min(customers, start + batch)):
                rows.append(
                    dict(
                        id=i + 1,
                        first_name=rng.choice(FIRST),
                        last_name=f"{rng.choice(LAST)}{i % 997}",
                        email=f"customer{i}@example.com",
                        phone=f"+44770{i:07d}",
                        company="",
                        email_updates=True,
                        sms_updates=False,
                        created_at=now,
                        updated_at=now,
                    )
                )
            conn.execute(insert(Customer), rows)
        for start in range(0, orders, batch):
            devices, order_rows = [], []
            for i in range(start, min(orders, start + batch)):
                make, model = rng.choice(MAKES)
                customer_id = rng.randint(1, customers)
                booked = now - timedelta(minutes=rng.randint(0, 60 * 24 * 720))
                devices.append(
                    dict(
                        id=i + 1,
                        customer_id=customer_id,
                        kind="phone",
                        make=make,
                        model=model,
                        serial=f"SN{i:09d}",
                        notes="",
                        created_at=booked,
                    )
                )
                order_rows.append(
                    dict(
                        id=i + 1,
                        reference=f"R-{10001 + i}",
                        customer_id=customer_id,
                        location_id=rng.choice(location_ids),
                        device_id=i + 1,
                        stage_id=rng.choices(stage_ids, weights=weights)[0],
                        assigned_to_id=rng.choice([*staff_ids, None]),
                        problem="Cracked screen",
                        intake_condition="",
                        public_note="",
                        internal_note="",
                        booked_in_at=booked,
                        created_at=booked,
                        updated_at=booked + timedelta(hours=rng.randint(0, 200)),
                        version=1,
                    )
                )
            conn.execute(insert(Device), devices)
            conn.execute(insert(Order), order_rows)
        if engine.dialect.name == "postgresql":
            for table in ("customer", "device", "repair_order"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
                )
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    seeded = time.perf_counter() - started
    engine.dispose()
    return {"stages": stage_ids, "locations": location_ids, "staff": staff_ids, "seconds": seeded}


def timed(engine, label: str, fn, runs: int) -> None:
    times = []
    result = None
    for _ in range(runs):
        with Session(engine) as session:
            t0 = time.perf_counter()
            result = fn(session)
            times.append((time.perf_counter() - t0) * 1000)
    count = result[1] if isinstance(result, tuple) else len(result)
    print(f"  {label:<46} median {statistics.median(times):7.1f} ms   worst {max(times):7.1f} ms   rows {count}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if args.url.startswith("postgresql"):
        admin = make_engine(args.url.rsplit("/", 1)[0] + "/postgres")
        name = args.url.rsplit("/", 1)[1]
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    info = seed(url, args.orders)
    print(f"{make_engine(url).dialect.name}: {args.orders:,} orders seeded in {info['seconds']:.1f} s")
    engine = make_engine(url)
    stage, location, tech = info["stages"][1], info["locations"][0], info["staff"][0]
    last_month = datetime(2026, 10, 1, tzinfo=UTC)
    page = dict(limit=25)
    cases = [
        ("board, first page (no filter)", lambda s: list_orders(s, OrderFilter(), **page)),
        ("board, page 200", lambda s: list_orders(s, OrderFilter(), limit=25, offset=25 * 199)),
        ("open orders only", lambda s: list_orders(s, OrderFilter(open_only=True), **page)),
        ("filter: stage", lambda s: list_orders(s, OrderFilter(stage_id=stage), **page)),
        (
            "filter: location + technician",
            lambda s: list_orders(s, OrderFilter(location_id=location, assigned_to_id=tech), **page),
        ),
        (
            "filter: booked in October",
            lambda s: list_orders(
                s, OrderFilter(booked_from=last_month, booked_before=datetime(2026, 11, 1, tzinfo=UTC)), **page
            ),
        ),
        (
            "search: reference R-154321",
            lambda s: list_orders(s, OrderFilter(search=f"R-{10001 + args.orders // 2}"), **page),
        ),
        ("search: last name fragment 'kowalski12'", lambda s: list_orders(s, OrderFilter(search="kowalski12"), **page)),
        ("search: phone as typed '07700 012345'", lambda s: list_orders(s, OrderFilter(search="07700 012345"), **page)),
        ("search: email prefix 'customer4242@'", lambda s: list_orders(s, OrderFilter(search="customer4242@"), **page)),
        ("search: serial SN000077777", lambda s: list_orders(s, OrderFilter(search="SN000077777"), **page)),
        ("search: no match 'zzzz'", lambda s: list_orders(s, OrderFilter(search="zzzz"), **page)),
        ("stage counts (tiles)", lambda s: count_by_stage(s)),
    ]
    try:
        from repair_portal.services.customers import list_customers

        cases += [
            ("customers: first page", lambda s: list_customers(s, limit=25)),
            ("customers: search 'patel3'", lambda s: list_customers(s, search="patel3", limit=25)),
        ]
    except ImportError:
        pass
    for label, fn in cases:
        timed(engine, label, fn, args.runs)
    engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
