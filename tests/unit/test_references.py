import threading

from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Order
from repair_portal.services.references import next_order_reference

from .. import factories


def test_references_start_at_r10001_and_count_up(session):
    assert [next_order_reference(session) for _ in range(3)] == ["R-10001", "R-10002", "R-10003"]


def test_two_threads_booking_orders_never_share_a_reference(engine, write, read):
    with write() as s:
        _, location = factories.shop(s)
    per_thread = 40
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def book():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with write_session(engine) as s:  # one transaction per order, as the app does
                    factories.order(s, location)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=book) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read() as s:
        refs = [o.reference for o in s.exec(select(Order))]
    assert len(refs) == len(set(refs)) == 2 * per_thread
    numbers = sorted(int(r.removeprefix("R-")) for r in refs)
    assert numbers == list(range(10001, 10001 + 2 * per_thread))


def test_a_rolled_back_booking_leaves_no_gap_in_the_numbering(engine, write):
    with write() as s:
        assert next_order_reference(s) == "R-10001"
    try:
        with write() as s:
            assert next_order_reference(s) == "R-10002"
            raise RuntimeError("crash mid-write")
    except RuntimeError:
        pass
    with write() as s:
        # the rolled-back order never existed, so its number goes to the next one: no gap, no duplicate
        assert next_order_reference(s) == "R-10002"
