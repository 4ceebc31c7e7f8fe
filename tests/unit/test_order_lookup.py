"""Finding an order by reference + last name: the gate's check and limits, one answer for "no such
order" and "wrong name", the device remembered on success, "call us" for a switched-off link."""

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from repair_portal.models import AuditEvent, Customer, Order, PortalLink, RateLimitEvent
from repair_portal.services import audit, portal_access, portal_links
from repair_portal.services.order_lookup import LINK_OFF, MISMATCH, Outcome, look_up, parse_reference
from repair_portal.services.tokens import new_token

from .. import factories
from ..conftest import TEST_SECRET_KEY

IP = "198.51.100.20"


@pytest.fixture
def order(write):
    with write() as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        new = factories.order(s, location, last_name="O'Brien-Smith")
        link = s.exec(select(PortalLink)).one()
        return new.order.id, new.order.reference, new.code, link.id, location.id


def _look(write, reference, name, device=None, ip=IP):
    with write() as s:
        return look_up(s, TEST_SECRET_KEY, reference, name, device or new_token(), ip=ip, user_agent="pytest")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("R-10042", "R-10042"),
        ("r-10042", "R-10042"),
        (" R 10042 ", "R-10042"),
        ("R10042", "R-10042"),
        ("#10042", "R-10042"),
        ("10042", "R-10042"),
        ("0010042", "R-10042"),
        ("", None),
        ("R-", None),
        ("0", None),
        ("X-10042", None),
        ("R-10042a", None),
        ("１００４２", None),  # full-width digits: not ASCII
        ("R-" + "9" * 13, None),
        ("10042; DROP TABLE", None),
    ],
)
def test_a_reference_is_read_the_way_customers_type_it(typed, expected):
    assert parse_reference(typed) == expected


def test_the_right_name_finds_the_order_and_remembers_this_device(write, read, order):
    order_id, reference, code, _, _ = order
    device = new_token()
    result = _look(write, reference.replace("R-", ""), "  o’brien-SMITH ", device)
    assert result.outcome == Outcome.FOUND and result.code == code and result.message == ""
    with read() as s:
        o = s.get(Order, order_id)
        assert portal_access.can_view(s, o, device)  # the tracking page won't ask again on this device
        assert not portal_access.can_view(s, o, new_token())
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.order_id == order_id))]
        assert "portal.lookup_verified" in actions
        assert s.exec(select(RateLimitEvent)).all() == []  # a success gives its counted attempts back
        for row in s.exec(select(AuditEvent)):  # the code never reaches the audit trail
            assert code not in f"{row.detail}{row.actor_label}{row.user_agent}"


def test_no_such_order_and_a_wrong_name_get_the_same_answer_after_the_same_work(write, engine, order):
    _, reference, _, _, _ = order
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        wrong = _look(write, reference, "Smith", ip="198.51.100.31")
        wrong_work = list(statements)
        statements.clear()
        missing = _look(write, "R-99999", "Smith", ip="198.51.100.32")
        missing_work = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert wrong == missing and wrong.outcome == Outcome.MISMATCH and wrong.message == MISMATCH
    assert wrong_work == missing_work  # the same queries, inserts and comparison either way


def test_five_tries_block_an_order_and_a_reference_that_matches_nothing_alike(write, order, clock):
    _, reference, _, _, _ = order
    for ref in (reference, "R-99999"):
        answers = [_look(write, ref, f"Wrong{i}", ip=f"198.51.100.{40 + i}").outcome for i in range(6)]
        assert answers == [Outcome.MISMATCH] * 5 + [Outcome.BLOCKED]
    blocked = _look(write, reference, "O'Brien-Smith", ip="198.51.100.60")
    assert blocked.outcome == Outcome.BLOCKED and "try again in 15 minutes" in blocked.message
    clock.advance(minutes=15, seconds=1)
    assert _look(write, reference, "O'Brien-Smith", ip="198.51.100.60").outcome == Outcome.FOUND


def test_the_lookup_and_the_tracking_links_gate_share_one_counter_per_order(write, order):
    order_id, reference, _, link_id, _ = order
    with write() as s:
        o = s.get(Order, order_id)
        for i in range(3):
            portal_access.check_last_name(s, o, link_id, f"Gate{i}", new_token(), ip=f"198.51.100.{70 + i}")
    assert _look(write, reference, "Lookup1", ip="198.51.100.80").outcome == Outcome.MISMATCH
    assert _look(write, reference, "Lookup2", ip="198.51.100.81").outcome == Outcome.MISMATCH
    assert _look(write, reference, "O'Brien-Smith", ip="198.51.100.82").outcome == Outcome.BLOCKED
    with write() as s:
        result = portal_access.check_last_name(s, s.get(Order, order_id), link_id, "O'Brien-Smith", new_token())
        assert not result.ok and result.retry_after_minutes


def test_one_address_is_limited_across_lookups_and_gates(write, read, order):
    order_id, reference, _, _, _ = order
    with write() as s:
        for i in range(10):  # the gate's per-address budget is the lookup's too
            portal_access.check_last_name(s, s.get(Order, order_id), 5000 + i, "Nope", new_token(), ip=IP)
    for i in range(10):
        assert _look(write, f"R-{20000 + i}", "Nope").outcome == Outcome.MISMATCH
    assert _look(write, reference, "O'Brien-Smith").outcome == Outcome.BLOCKED
    with read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent))]
        assert "portal.lookup_blocked" in actions and "portal.lookup_failed" in actions


def test_a_switched_off_link_says_call_us_but_only_to_someone_who_knows_the_name(write, read, order):
    order_id, reference, _, _, location_id = order
    with write() as s:
        portal_links.revoke(s, order_id, audit.SYSTEM)
    assert _look(write, reference, "Smith").outcome == Outcome.MISMATCH  # no hint the order exists
    device = new_token()
    off = _look(write, reference, "O'Brien-Smith", device)
    assert off.outcome == Outcome.LINK_OFF and off.code == "" and off.location_id == location_id
    assert off.message == LINK_OFF
    with read() as s:
        assert not portal_access.is_verified(s, order_id, device)  # nothing to open: nothing remembered


def test_a_link_expired_after_collection_says_call_us(write, order, clock):
    order_id, reference, _, _, _ = order
    with write() as s:
        o = s.get(Order, order_id)
        o.collected_at = clock.now() - timedelta(days=31)
        s.add(o)
    assert _look(write, reference, "O'Brien-Smith").outcome == Outcome.LINK_OFF


def test_a_rotated_link_finds_the_orders_new_code(write, order):
    order_id, reference, old_code, _, _ = order
    with write() as s:
        new_code = portal_links.issue_link(s, TEST_SECRET_KEY, s.get(Order, order_id), audit.SYSTEM)
    found = _look(write, reference, "O'Brien-Smith")
    assert found.outcome == Outcome.FOUND and found.code == new_code != old_code


@pytest.mark.parametrize(("reference", "name"), [("", "O'Brien-Smith"), ("R-10001", ""), ("nonsense", "x"), ("1", " ")])
def test_an_incomplete_form_is_answered_without_counting_a_try(write, read, order, reference, name):
    assert _look(write, reference, name).outcome == Outcome.INCOMPLETE
    with read() as s:
        assert s.exec(select(RateLimitEvent)).all() == []


def test_a_customer_without_a_last_name_is_never_matched(write, order):
    order_id, reference, _, _, _ = order
    with write() as s:
        customer = s.get(Customer, s.get(Order, order_id).customer_id)
        customer.last_name = ""
        s.add(customer)
    assert _look(write, reference, "anything").outcome == Outcome.MISMATCH
