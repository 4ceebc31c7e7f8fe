"""Online payments end to end, timed: the app creates a checkout with the real `stripe` client against the
local stand-in, the stand-in's "Pay" sends a signed webhook to the app's webhook route, which verifies it and
records the payment in one transaction. Prints median / p95 / worst of each step, and of a replayed event.

    python bench/webhooks.py                 # 200 payments on a SQLite file in a temp dir
    python bench/webhooks.py --payments 500
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _figures(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<44} median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
        f"   worst {ordered[-1] * 1000:7.1f} ms   (n={len(ordered)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="rp-bench-webhooks-"))
    url = f"sqlite:///{data / 'bench.db'}"
    os.environ.update(DATA_DIR=str(data), DATABASE_URL=url, SECRET_KEY="bench-installation-key-" + "x" * 32)
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

    from starlette.routing import Route

    from repair_portal import routes
    from repair_portal.api import payments as payment_routes
    from repair_portal.keys import ensure_keys
    from repair_portal.migrations import upgrade_to_head
    from tests.stripe_standin import SECRET_KEY, WEBHOOK_SECRET, StripeStandInServer

    async def no_live_pages(order_id: int, part: str) -> None:  # no browser is open in a bench
        return None

    payment_routes.live.publish = no_live_pages
    ensure_keys(data, url, secret_in_env=True)  # the scratch shop's passcode_key, as `bootstrap` makes it
    upgrade_to_head(url)
    webhook = Route(routes.STRIPE_WEBHOOK, payment_routes.stripe_webhook, methods=["POST"])
    with StripeStandInServer(prefix="/stripe", webhook_path=routes.STRIPE_WEBHOOK, routes=[webhook]) as server:
        os.environ.update(
            STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=server.url
        )
        from sqlmodel import func, select

        from repair_portal.actions import online_payments
        from repair_portal.db import session_scope, write_session
        from repair_portal.models import Payment, PaymentAttempt
        from repair_portal.services import audit
        from tests import factories
        from tests.invoice_factories import account, approved_order

        with write_session() as s:
            shop, location = factories.shop(s)
            shop.online_payments_enabled = True
            s.add(shop)
            customer = account(s)
            order_ids = [approved_order(s, location, customer).id for _ in range(args.payments)]
        actor = audit.Actor("customer", customer.id, "bench")
        create, webhook_times, replay_times = [], [], []
        for order_id in order_ids:
            started_at = time.perf_counter()
            started = online_payments.pay_order(order_id, "balance", "", actor)
            create.append(time.perf_counter() - started_at)
            assert started.ok, started.message
            with session_scope() as s:
                session_id = s.exec(
                    select(PaymentAttempt.provider_session_id).order_by(PaymentAttempt.id.desc())
                ).first()
            paid_at = time.perf_counter()
            server.standin.pay(session_id)  # returns once the app has answered the signed webhook
            webhook_times.append(time.perf_counter() - paid_at)
            assert server.standin.events[-1]["status"] == 200
            replay_at = time.perf_counter()
            server.standin.resend(server.standin.events[-1]["event"]["id"])
            replay_times.append(time.perf_counter() - replay_at)
        with session_scope() as s:
            recorded = s.exec(select(func.count()).select_from(Payment)).one()
    print(f"online payments: {args.payments} checkouts on SQLite, real stripe client, stand-in on loopback")
    _figures("create checkout (attempt + Stripe call)", create)
    _figures("pay -> signed webhook verified and recorded", webhook_times)
    _figures("replayed webhook (acted on once: nothing)", replay_times)
    print(f"payments recorded: {recorded} (expected {args.payments}: replays recorded nothing)")
    return 0 if recorded == args.payments else 1


if __name__ == "__main__":
    code = main()
    # The figures are printed and the stand-in stopped. Leave without the interpreter's finalisation: under
    # load, granian's embedded server thread has panicked there ("panic in a function that cannot unwind",
    # SIGABRT), turning a finished run into a failed one.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
