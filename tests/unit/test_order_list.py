"""The order board's filters and search (reference, names, phone as typed, email, serial/IMEI)."""

from datetime import UTC, datetime, timedelta

import pytest

from repair_portal.models import Customer, Device
from repair_portal.services import audit, workflow
from repair_portal.services.orders import OrderFilter, count_by_stage, create_order, list_orders

from .. import factories
from ..conftest import TEST_SECRET_KEY


def _book(s, location, *, first, last, phone="", email="", serial="", company="", tech=None, booked=None):
    customer = Customer(first_name=first, last_name=last, phone=phone, email=email, company=company)
    s.add(customer)
    s.flush()
    device = Device(customer_id=customer.id, make="Apple", model="iPhone", serial=serial)
    s.add(device)
    s.flush()
    return create_order(
        s,
        TEST_SECRET_KEY,
        customer=customer,
        location=location,
        device=device,
        problem="Screen",
        actor=audit.SYSTEM,
        assigned_to_id=tech,
        booked_in_at=booked,
    ).order


def _refs(s, **kw):
    rows, total = list_orders(s, OrderFilter(**kw), limit=50)
    assert total == len(rows)
    return sorted(r.reference for r in rows)


def test_search_finds_orders_by_each_kind_of_identifier(write):
    with write() as s:
        _, location = factories.shop(s)
        a = _book(
            s,
            location,
            first="Jan",
            last="Kowalski",
            phone="+447700900123",
            email="jan@example.com",
            serial="356938035643809",
        )
        b = _book(
            s,
            location,
            first="Maria",
            last="van Dijk",
            phone="+31612345678",
            email="maria@dijk.nl",
            serial="C02XK1ABJG5H",
            company="Dijk Logistics",
        )
        assert _refs(s, search=a.reference) == [a.reference]
        assert _refs(s, search=a.reference.split("-")[1]) == [a.reference]  # digits only
        assert _refs(s, search="kowal") == [a.reference]  # any case, prefix
        assert _refs(s, search="Jan Kow") == [a.reference]  # first + last
        assert _refs(s, search="07700 900123") == [a.reference]  # phone as a UK customer says it
        assert _refs(s, search="+31 6 1234 5678") == [b.reference]
        assert _refs(s, search="MARIA@dijk") == [b.reference]
        assert _refs(s, search="c02xk1") == [b.reference]  # serial, any case
        assert _refs(s, search="3569380356") == [a.reference]  # IMEI prefix
        assert _refs(s, search="dijk log") == [b.reference]  # company
        assert _refs(s, search="nobody") == []


def test_filters_combine_and_the_board_is_newest_first(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        tech = factories.staff(s)
        old = _book(s, location, first="A", last="Old", booked=datetime(2026, 9, 10, tzinfo=UTC))
        mine = _book(s, location, first="B", last="Mine", tech=tech.id, booked=datetime(2026, 10, 5, tzinfo=UTC))
        new = _book(s, location, first="C", last="New", booked=datetime(2026, 11, 1, tzinfo=UTC))
        stages = workflow.booking_stages(s)
        workflow.change_stage(s, new, stages[-1], audit.SYSTEM)  # collected
        rows, _ = list_orders(s, OrderFilter(), limit=10)
        assert rows[0].reference == new.reference  # touched last
        assert _refs(s, assigned_to_id=tech.id) == [mine.reference]
        assert _refs(s, assigned_to_id=0) == sorted([old.reference, new.reference])
        assert _refs(s, stage_id=stages[0].id) == sorted([old.reference, mine.reference])
        assert _refs(s, open_only=True) == sorted([old.reference, mine.reference])
        october = dict(booked_from=datetime(2026, 10, 1, tzinfo=UTC), booked_before=datetime(2026, 11, 1, tzinfo=UTC))
        assert _refs(s, **october) == [mine.reference]
        assert _refs(s, location_id=location.id + 1) == []
        assert dict((n, c) for n, _, c in count_by_stage(s))["Collected"] == 1
        rows, _ = list_orders(s, OrderFilter(assigned_to_id=tech.id))
        assert rows[0].technician == "Tess Tech"


def test_paging_returns_each_order_once(write):
    with write() as s:
        _, location = factories.shop(s)
        base = datetime(2026, 1, 1, tzinfo=UTC)
        for i in range(23):
            _book(s, location, first="P", last=f"Page{i}", booked=base + timedelta(days=i))
        seen = []
        for page in range(3):
            rows, total = list_orders(s, OrderFilter(), limit=10, offset=page * 10)
            seen += [r.reference for r in rows]
        assert total == 23 and len(seen) == len(set(seen)) == 23


def test_names_with_accented_capitals_are_found_in_any_case(write):
    from repair_portal.services.customers import list_customers

    with write() as s:
        _, location = factories.shop(s)
        o = _book(s, location, first="Ömer", last="Özdemir")
        e = _book(s, location, first="Émile", last="Zola")
        for typed in ("özdemir", "Özdemir", "ÖZDEMIR", "ömer öz"):
            assert _refs(s, search=typed) == [o.reference], typed
            assert [r.name for r in list_customers(s, search=typed)[0]] == ["Ömer Özdemir"], typed
        assert _refs(s, search="émile") == [e.reference]
        assert _refs(s, search="900123") == []


def test_board_and_customer_list_agree_on_phone_searches(write):
    from repair_portal.services.customers import list_customers

    with write() as s:
        _, location = factories.shop(s)
        a = _book(s, location, first="Jan", last="Kowalski", phone="+447700900123")
        for typed in ("07700 900123", "+44 7700 900123", "900123", "(07700) 900-123"):
            assert _refs(s, search=typed) == [a.reference], typed
            assert [r.name for r in list_customers(s, search=typed)[0]] == ["Jan Kowalski"], typed


def test_orders_past_their_promised_date_are_flagged_until_ready(session, clock):
    from sqlmodel import select

    from repair_portal.models import Order, Stage
    from repair_portal.services import order_detail, orders

    _, location = factories.shop(session)
    late = factories.order(session, location, last_name="Late").order
    on_time = factories.order(session, location, last_name="OnTime").order
    late.promised_at = clock.now() - timedelta(hours=1)
    on_time.promised_at = clock.now() + timedelta(days=1)
    session.add_all([late, on_time])
    session.flush()
    rows, _ = orders.list_orders(session, orders.OrderFilter(), limit=25, offset=0)
    flagged = {r.reference: r.overdue for r in rows}
    assert flagged == {late.reference: True, on_time.reference: False}
    ready = session.exec(select(Stage).where(Stage.name == "Ready for collection")).one()
    workflow.change_stage(session, late, ready, factories.ACTOR)
    assert not orders.is_overdue(session.get(Order, late.id), ready)
    assert order_detail.order_detail(session, on_time.id, TEST_SECRET_KEY).overdue is False


def test_the_boards_date_choices_are_whole_local_days_in_utc():
    from repair_portal.services.orders import DateRangeError, booked_range

    now = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # already 2 July in London (BST)
    start, before = booked_range("today", "Europe/London", now=now)
    assert (start, before) == (datetime(2026, 7, 1, 23, 0, tzinfo=UTC), datetime(2026, 7, 2, 23, 0, tzinfo=UTC))
    start, _ = booked_range("7d", "Europe/London", now=now)
    assert start == datetime(2026, 6, 25, 23, 0, tzinfo=UTC)
    assert booked_range("custom", "UTC", "2026-01-05", "", now=now) == (datetime(2026, 1, 5, tzinfo=UTC), None)
    assert booked_range("all", "UTC", now=now) == (None, None)
    assert booked_range("custom", "UTC", "not-a-day", "2026-01-01", now=now)[0] is None
    with pytest.raises(DateRangeError, match="after the second"):
        booked_range("custom", "UTC", "2026-02-01", "2026-01-01", now=now)
