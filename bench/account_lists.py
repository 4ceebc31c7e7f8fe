"""The account portal's lists at scale: one business account with 5,000 orders (and an invoice on each)
inside a 100,000-order database. Prints median, p95 and worst server time of the order list and the
invoice list as the portal asks for them (target: p95 <= 50 ms on SQLite).

    python bench/account_lists.py                      # SQLite file in a temp dir
    python bench/account_lists.py --orders 20000 --account-orders 2000
    python bench/account_lists.py --url postgresql+psycopg2://postgres@127.0.0.1:5432/rp_bench_account
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text, update
from sqlmodel import Session

from bench.orders_100k import seed
from repair_portal.db import make_engine
from repair_portal.models import Customer, Device, Invoice, InvoicePayment, Order, PermissionGroup, PortalUser, Site
from repair_portal.services import account_orders, invoice_views, portal_auth, portal_permissions
from repair_portal.services.account_orders import OrderQuery

ACCOUNT = 1


def make_account(engine, account_orders_count: int) -> None:
    """Customer 1 becomes a business with three sites and the first N orders, each with an issued invoice."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(update(Customer).where(Customer.id == ACCOUNT).values(kind="business", company="Bench Fleet Ltd"))
        sites = []
        for name in ("North depot", "South depot", "Head office"):
            sites.append(
                conn.execute(insert(Site).values(customer_id=ACCOUNT, name=name, created_at=now)).inserted_primary_key[
                    0
                ]
            )
        for start in range(1, account_orders_count + 1, 5000):
            ids = list(range(start, min(account_orders_count, start + 4999) + 1))
            conn.execute(update(Order).where(Order.id.in_(ids)).values(customer_id=ACCOUNT))
            conn.execute(update(Device).where(Device.id.in_(ids)).values(customer_id=ACCOUNT))
            for site_index, site_id in enumerate(sites):
                chosen = [i for i in ids if i % 3 == site_index]
                conn.execute(update(Order).where(Order.id.in_(chosen)).values(site_id=site_id))
                conn.execute(update(Device).where(Device.id.in_(chosen)).values(site_id=site_id))
            rows = [
                dict(
                    id=i,
                    number=i,
                    customer_id=ACCOUNT,
                    order_id=i,
                    status="issued",
                    currency="GBP",
                    tax_label="VAT",
                    tax_rate_bp=2000,
                    subtotal_minor=10000,
                    tax_minor=2000,
                    total_minor=12000,
                    issue_date=date(2026, 1, 1) + timedelta(days=i % 300),
                    due_date=date(2026, 1, 15) + timedelta(days=i % 300),
                    issued_at=now,
                    void_reason="",
                    created_at=now,
                )
                for i in ids
            ]
            conn.execute(insert(Invoice), rows)
        conn.execute(text("ANALYZE"))
    with Session(engine) as session:
        group = portal_permissions.builtin_group(session, portal_permissions.ADMIN)
        session.add(PortalUser(customer_id=ACCOUNT, group_id=group.id, email="bench@fleet.test", name="Bench"))
        session.commit()
    _ = (InvoicePayment, PermissionGroup)


def timed(engine, label: str, fn, runs: int) -> None:
    times, result = [], None
    for _ in range(runs):
        with Session(engine) as session:
            t0 = time.perf_counter()
            result = fn(session)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"  {label:<44} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   worst {max(times):6.1f} ms"
        f"   {result}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--account-orders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    print(f"seeding {args.orders} orders ({args.account_orders} for one account) into {url.split('://')[0]} ...")
    seeded = seed(url, args.orders)
    engine = make_engine(url)
    make_account(engine, args.account_orders)
    print(f"seeded in {seeded['seconds']:.1f} s")
    with Session(engine) as session:
        from sqlmodel import select

        user = session.exec(select(PortalUser).where(PortalUser.email == "bench@fleet.test")).one()
        identity = portal_auth.identity_of(session, user, session_id=0, mfa_passed=True)
        site_id = session.exec(select(Site.id).where(Site.customer_id == ACCOUNT)).first()
        reference = session.get(Order, args.account_orders // 2).reference
    mine = portal_auth.PortalIdentity(
        **{**identity.__dict__, "perms": frozenset({portal_permissions.Perm.ORDERS_VIEW_MINE})}
    )

    def orders(**query):
        return lambda s: account_orders.list_orders(s, identity, OrderQuery(**query)).total

    print("account order list (20 per page):")
    timed(engine, "first page, newest first", orders(), args.runs)
    timed(engine, "page 100", orders(page=100), args.runs)
    timed(engine, "search by reference", orders(text=reference), args.runs)
    timed(engine, "search by serial prefix", orders(text="SN0000012"), args.runs)
    timed(engine, "one site", orders(site_id=site_id), args.runs)
    timed(engine, "open only", orders(status="open"), args.runs)
    timed(engine, "booked in during March 2026", orders(date_from="2026-03-01", date_to="2026-03-31"), args.runs)
    timed(
        engine,
        "'see their own' (none requested)",
        lambda s: account_orders.list_orders(s, mine, OrderQuery()).total,
        args.runs,
    )
    print("account invoice list (20 per page):")
    timed(engine, "first page", lambda s: invoice_views.list_invoices(s, ACCOUNT)[1], args.runs)
    timed(engine, "unpaid", lambda s: invoice_views.list_invoices(s, ACCOUNT, show="unpaid")[1], args.runs)
    timed(
        engine, "search by number", lambda s: invoice_views.list_invoices(s, ACCOUNT, search="INV-02500")[1], args.runs
    )
    timed(engine, "page 100", lambda s: invoice_views.list_invoices(s, ACCOUNT, offset=1980)[1], args.runs)
    timed(
        engine,
        "account summary (overview)",
        lambda s: invoice_views.account_summary(s, ACCOUNT).invoice_balance,
        args.runs,
    )
    engine.dispose()


if __name__ == "__main__":
    main()
