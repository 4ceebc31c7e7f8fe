"""The account portal's order list: scoped to the account (and to the user's own for "see their own"),
searched, filtered and paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from repair_portal.models import Device, PermissionGroup, Site, Stage, StageKind
from repair_portal.services import account_orders, audit, portal_auth, portal_permissions, quotes
from repair_portal.services.account_orders import OrderQuery
from repair_portal.services.orders import DateRangeError, create_order
from repair_portal.services.portal_permissions import Perm
from repair_portal.services.text_input import TextInputError

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import business, portal_user

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def world(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        account = business(s, "Harbour Freight Ltd")
        other = business(s, "Other Co")
        depot = Site(customer_id=account.id, name="Depot")
        office = Site(customer_id=account.id, name="Head office")
        s.add_all([depot, office])
        s.flush()
        admin = portal_user(s, customer=account, email="admin@harbour.test")
        mine_group = PermissionGroup(
            name="Own orders", permissions_json=portal_permissions.dump({Perm.ORDERS_VIEW_MINE})
        )
        s.add(mine_group)
        s.flush()
        own = portal_user(s, customer=account, email="own@harbour.test", group=mine_group)
        made = {}
        for i, (tag, site, days_ago, po) in enumerate(
            [("NW-0001", depot, 1, "PO-77"), ("NW-0002", office, 10, ""), ("NW-0003", depot, 40, "PO-78")]
        ):
            device = Device(customer_id=account.id, kind="laptop", make="Dell", model="Latitude", asset_tag=tag)
            s.add(device)
            s.flush()
            order = create_order(
                s,
                TEST_SECRET_KEY,
                customer=account,
                location=location,
                device=device,
                problem=f"Job {i}",
                actor=audit.SYSTEM,
                booked_in_at=NOW - timedelta(days=days_ago),
            ).order
            order.site_id, order.po_number = site.id, po
            made[tag] = order
        made["NW-0002"].requested_by_id = own.id
        made["NW-0003"].scheduled_at = NOW + timedelta(days=5)
        foreign = factories.order(s, location, last_name="Stranger").order
        foreign.customer_id = other.id
        ids = {k: v.id for k, v in made.items()}
        identities = {
            "admin": portal_auth.identity_of(s, admin, session_id=0, mfa_passed=True),
            "own": portal_auth.identity_of(s, own, session_id=0, mfa_passed=True),
        }
    return {"ids": ids, "who": identities, "depot": depot.id, "foreign": foreign.id, "location": location}


def _refs(write, identity, **query):
    with write() as s:
        page = account_orders.list_orders(s, identity, OrderQuery(**query))
    return [r.reference for r in page.rows], page


def test_the_account_sees_its_own_orders_newest_first_and_never_another_accounts(write, world):
    refs, page = _refs(write, world["who"]["admin"])
    assert page.total == 3 and len(refs) == 3
    with write() as s:
        from repair_portal.models import Order

        expected = [s.get(Order, world["ids"][t]).reference for t in ("NW-0001", "NW-0002", "NW-0003")]
        foreign = s.get(Order, world["foreign"]).reference
    assert refs == expected and foreign not in refs
    assert page.rows[0].site == "Depot" and page.rows[0].device.startswith("NW-0001")


def test_a_group_that_sees_only_its_own_gets_only_what_the_user_asked_for(write, world):
    _, page = _refs(write, world["who"]["own"])
    assert page.total == 1 and page.rows[0].id == world["ids"]["NW-0002"] and page.rows[0].requested


def test_a_group_without_order_permissions_lists_nothing(write, world):
    with write() as s:
        nothing = PermissionGroup(name="Nothing", permissions_json="[]")
        s.add(nothing)
        s.flush()
        user = portal_user(s, email="none@harbour.test", group=nothing, customer=None)
        identity = portal_auth.identity_of(s, user, session_id=0, mfa_passed=True)
        identity = portal_auth.PortalIdentity(**{**identity.__dict__, "customer_id": world["who"]["admin"].customer_id})
    assert _refs(write, identity)[1].total == 0


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("nw-0002", {"NW-0002"}),
        ("NW-000", {"NW-0001", "NW-0002", "NW-0003"}),
        ("po-78", {"NW-0003"}),
        ("lat", {"NW-0001", "NW-0002", "NW-0003"}),
        ("100%", set()),
    ],
)
def test_search_by_asset_po_number_and_model_ignores_case(write, world, text, tags):
    _, page = _refs(write, world["who"]["admin"], text=text)
    assert {r.id for r in page.rows} == {world["ids"][t] for t in tags}


def test_search_by_reference_in_any_form(write, world):
    _, first = _refs(write, world["who"]["admin"])
    reference = first.rows[1].reference
    for typed in (reference, reference.lower(), reference.split("-")[1], " #" + reference.split("-")[1]):
        _, page = _refs(write, world["who"]["admin"], text=typed)
        assert [r.reference for r in page.rows] == [reference], typed


def test_an_over_long_search_is_refused_with_a_message_not_cut(write, world):
    """The search box has no maxlength: a search over the limit is refused (the page shows why), never cut."""
    fits, over = "NW-000" + "x" * 94, "NW-000" + "x" * 95
    assert account_orders.search_problem(fits) is None and _refs(write, world["who"]["admin"], text=fits)[1].total == 0
    assert account_orders.search_problem(over) == "The search is too long: at most 100 characters (this one has 101)."
    with pytest.raises(TextInputError, match="at most 100 characters"):
        _refs(write, world["who"]["admin"], text=over)


def test_site_status_and_date_filters(write, world):
    admin = world["who"]["admin"]
    assert {r.id for r in _refs(write, admin, site_id=world["depot"])[1].rows} == {
        world["ids"]["NW-0001"],
        world["ids"]["NW-0003"],
    }
    # Booked in within the last two weeks; scheduled in the coming week.
    recent = _refs(
        write, admin, date_from=(NOW - timedelta(days=14)).date().isoformat(), date_to=NOW.date().isoformat()
    )
    assert {r.id for r in recent[1].rows} == {world["ids"]["NW-0001"], world["ids"]["NW-0002"]}
    ahead = _refs(
        write,
        admin,
        date_field="scheduled",
        date_from=NOW.date().isoformat(),
        date_to=(NOW + timedelta(days=7)).date().isoformat(),
    )
    assert [r.id for r in ahead[1].rows] == [world["ids"]["NW-0003"]]
    with pytest.raises(DateRangeError):
        _refs(write, admin, date_from="2026-11-10", date_to="2026-11-01")
    # A quote waiting for the customer's decision; then a finished order.
    with write() as s:
        from repair_portal.models import Order

        order = s.get(Order, world["ids"]["NW-0002"])
        quote = quotes.create_quote(s, order, [quotes.LineSpec("Battery", 1, 8900)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        done = s.get(Order, world["ids"]["NW-0003"])
        done.stage_id = s.exec(Stage.__table__.select().where(Stage.kind == StageKind.COLLECTED.value)).first().id
        done.collected_at = NOW
    waiting = _refs(write, admin, status="decision")[1]
    assert [r.id for r in waiting.rows] == [world["ids"]["NW-0002"]] and waiting.rows[0].waiting_for_you
    assert {r.id for r in _refs(write, admin, status="done")[1].rows} == {world["ids"]["NW-0003"]}
    assert {r.id for r in _refs(write, admin, status="open")[1].rows} == {
        world["ids"]["NW-0001"],
        world["ids"]["NW-0002"],
    }


def test_pages_are_clamped(write, world):
    with write() as s:
        first = account_orders.list_orders(s, world["who"]["admin"], OrderQuery(page=1), per_page=2)
        second = account_orders.list_orders(s, world["who"]["admin"], OrderQuery(page=99), per_page=2)
    assert first.pages == 2 and len(first.rows) == 2 and second.page == 2 and len(second.rows) == 1
