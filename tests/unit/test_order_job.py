"""Staff entering an order's job details (site, schedule, PO number, job type) through the details form's
three-way merge: only the order's own customer's sites, shop-time schedules stored in UTC, PO length, the
shop's job types; what a customer request asked for; and the schedule reaching the account portal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Customer, Device, Order, PermissionGroup, ShopSettings
from repair_portal.services import (
    account_orders,
    account_overview,
    audit,
    job_requests,
    order_detail,
    order_edit,
    order_job,
    portal_auth,
    portal_permissions,
    sites,
)
from repair_portal.services.account_orders import OrderQuery
from repair_portal.services.orders import create_order
from repair_portal.services.portal_permissions import Perm

from .. import factories, portal_factories
from ..conftest import TEST_SECRET_KEY

TZ = "Europe/London"
STAFF = audit.Actor("staff", None, "desk@shop.example")


@pytest.fixture
def world(write, clock):
    """Clock: Monday 2 November 2026, 09:30 UTC (London is on GMT)."""
    with write() as s:
        _, location = factories.shop(s)
        mine = portal_factories.business(s, "Quay Works Ltd")
        theirs = portal_factories.business(s, "Harbour Ltd")
        office = sites.save_site(s, mine.id, None, "Head office", "5 Wharf Road", STAFF)
        depot = sites.save_site(s, mine.id, None, "Depot", "Unit 3", STAFF)
        closed = sites.save_site(s, mine.id, None, "Old shop", "High Street", STAFF)
        sites.set_active(s, mine.id, closed.id, False, STAFF)
        their_site = sites.save_site(s, theirs.id, None, "Harbour office", "1 Quay", STAFF)
        device = Device(customer_id=mine.id, kind="laptop", make="Dell", model="Latitude", asset_tag="QW-1")
        s.add(device)
        s.flush()
        order = create_order(
            s,
            TEST_SECRET_KEY,
            customer=mine,
            location=location,
            device=device,
            problem="Fan is loud",
            actor=STAFF,
        ).order
        walk_in = factories.order(s, location).order  # a person, not a business account
        pat = portal_factories.portal_user(s, email="pat@quay.test", name="Pat Quay", customer=mine)
        own_only = PermissionGroup(name="Own", permissions_json=portal_permissions.dump({Perm.ORDERS_VIEW_MINE}))
        s.add(own_only)
        s.flush()
        sam = portal_factories.portal_user(s, email="sam@quay.test", customer=mine, group=own_only)
    return {
        "order": order.id,
        "walk_in": walk_in.id,
        "mine": mine.id,
        "office": office.id,
        "depot": depot.id,
        "closed": closed.id,
        "their_site": their_site.id,
        "pat": pat.id,
        "sam": sam.id,
    }


def _save(s, order_id, **changes):
    loaded = order_edit.form_for(s.get(Order, order_id), TZ)
    mine = order_edit.DetailsForm(**{**loaded.__dict__, **changes})
    return order_edit.save_details(s, order_id, loaded, mine, STAFF, tz=TZ)


def _refused(s, order_id, **changes) -> dict[str, str]:
    before = s.get(Order, order_id).version
    with pytest.raises(order_edit.DetailsInvalid) as info:
        _save(s, order_id, **changes)
    assert s.get(Order, order_id).version == before  # nothing written
    return info.value.errors


def test_staff_set_site_schedule_po_and_job_type_and_the_form_reads_them_back(write, read, world):
    with write() as s:
        _, changed = _save(
            s,
            world["order"],
            site_id=str(world["office"]),
            scheduled="2026-12-03T14:30",
            po_number="  PO   4471 ",
            job_type=" service ",
        )
        assert changed == ["site_id", "scheduled", "po_number", "job_type"]
    with read() as s:
        order = s.get(Order, world["order"])
        assert order.site_id == world["office"] and order.po_number == "PO 4471"
        assert order.job_type == "Service"  # the shop's own spelling
        assert order.scheduled_at == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)  # GMT in December
        assert order.scheduled_at.tzinfo is not None
        form = order_edit.form_for(order, TZ)
        assert (form.site_id, form.scheduled, form.po_number, form.job_type) == (
            str(world["office"]),
            "2026-12-03T14:30",
            "PO 4471",
            "Service",
        )
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "order.details_changed")).one()
        assert '"po_number"' in event.detail and '"site_id"' in event.detail


def test_a_summer_schedule_is_stored_in_utc_and_shown_in_shop_time(write, read, world):
    with write() as s:
        _save(s, world["order"], scheduled="2027-07-01 09:00")  # BST: 08:00 UTC
    with read() as s:
        order = s.get(Order, world["order"])
        assert order.scheduled_at == datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
        assert order_edit.form_for(order, TZ).scheduled == "2027-07-01T09:00"
        summary = order_detail.order_detail(s, order.id, TEST_SECRET_KEY).summary
        assert summary.scheduled == "1 Jul 2027, 09:00"


def test_a_day_alone_is_nine_in_the_morning_and_clearing_unschedules(write, read, world):
    with write() as s:
        _save(s, world["order"], scheduled="2026-12-24")
        assert s.get(Order, world["order"]).scheduled_at == datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
        _, changed = _save(s, world["order"], scheduled="2026-12-24T09:00:00")  # the same moment, typed otherwise
        assert changed == []
        _save(s, world["order"], scheduled="")
    with read() as s:
        assert s.get(Order, world["order"]).scheduled_at is None


@pytest.mark.parametrize(
    "typed",
    ["24/12/2026 09:30", "2026-02-30T10:00", "2026-12-24T25:00", "tomorrow", "2026-12-24T09:30+01:00", "2035-01-01"],
)
def test_a_schedule_that_is_not_a_shop_time_date_is_refused(write, world, typed):
    with write() as s:
        errors = _refused(s, world["order"], scheduled=typed)
        assert set(errors) == {"scheduled"}
        assert s.get(Order, world["order"]).scheduled_at is None


@pytest.mark.parametrize("site", ["their_site", "closed", "forged", "text"])
def test_only_the_orders_own_customers_open_sites_can_be_chosen(write, world, site):
    value = {"forged": "999999", "text": "1 OR 1=1"}.get(site) or str(world[site])
    with write() as s:
        errors = _refused(s, world["order"], site_id=value)
        assert errors == {"site_id": "Choose one of this customer's sites."}
        assert s.get(Order, world["order"]).site_id is None


def test_a_walk_in_customer_has_no_sites(write, world):
    with write() as s:
        errors = _refused(s, world["walk_in"], site_id=str(world["office"]))
        assert errors == {"site_id": "Only business accounts have sites."}


def test_a_po_number_over_sixty_characters_is_refused_with_a_message(write, read, world):
    with write() as s:
        errors = _refused(s, world["order"], po_number="P" * 61)
        assert errors["po_number"] == "A PO number is at most 60 characters: this one has 61."
        _save(s, world["order"], po_number="P" * 60)
    with read() as s:
        assert s.get(Order, world["order"]).po_number == "P" * 60


def test_a_job_type_must_be_the_shops_and_one_since_removed_stays_untouched(write, read, world):
    with write() as s:
        assert _refused(s, world["order"], job_type="Demolition") == {"job_type": "Choose one of the shop's job types."}
        _save(s, world["order"], job_type="Installation")
        ShopSettings.current(s).job_types = "Repair\nService"  # the shop drops Installation
        s.add(ShopSettings.current(s))
    with write() as s:
        _save(s, world["order"], public_note="Engineer booked")  # the other fields still save
        assert "Installation" in order_job.choices(s, s.get(Order, world["order"])).job_types
    with read() as s:
        order = s.get(Order, world["order"])
        assert order.job_type == "Installation" and order.public_note == "Engineer booked"


def test_two_staff_scheduling_differently_the_second_is_refused(write, read, world):
    with write() as s:
        loaded = order_edit.form_for(s.get(Order, world["order"]), TZ)
        first = order_edit.DetailsForm(**{**loaded.__dict__, "scheduled": "2026-12-03T10:00"})
        second = order_edit.DetailsForm(**{**loaded.__dict__, "scheduled": "2026-12-04T10:00"})
        order_edit.save_details(s, world["order"], loaded, first, STAFF, tz=TZ)
        with pytest.raises(order_edit.EditConflict) as info:
            order_edit.save_details(s, world["order"], loaded, second, STAFF, tz=TZ)
        assert info.value.changed == ["scheduled"] and "scheduled date" in str(info.value)
    with read() as s:
        assert s.get(Order, world["order"]).scheduled_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_the_forms_choices_are_the_customers_open_sites_and_the_shops_job_types(write, world):
    with write() as s:
        found = order_job.choices(s, s.get(Order, world["order"]))
        assert [name for _, name in found.sites] == ["Depot", "Head office"] and found.has_sites
        assert found.job_types == ["Repair", "Service", "Installation"]
        walk_in = order_job.choices(s, s.get(Order, world["walk_in"]))
        assert walk_in.sites == [] and not walk_in.has_sites


def _request(s, w):
    return job_requests.request_job(
        s,
        TEST_SECRET_KEY,
        identity_user_id=w["pat"],
        customer_id=w["mine"],
        site_id=w["depot"],
        job_type="Repair",
        new_device=job_requests.NewDevice(kind="Printer"),
        description="Paper jams",
        preferred_date="2026-11-06",
        po_number="PO-9",
        actor=audit.Actor("portal", w["pat"], "pat@quay.test"),
    )


def test_the_order_page_shows_what_a_request_asked_for_even_after_staff_reschedule(write, read, world):
    with write() as s:
        order_id = _request(s, world).id
        _save(s, order_id, scheduled="2026-11-09T13:00", site_id=str(world["office"]))
    with read() as s:
        summary = order_detail.order_detail(s, order_id, TEST_SECRET_KEY).summary
        assert summary.requested_by == "Pat Quay <pat@quay.test>"
        assert summary.preferred == "6 Nov 2026" and summary.requested_site == "Depot"
        assert summary.requested_at == "2 Nov 2026, 09:30"
        assert (summary.scheduled, summary.site, summary.po_number, summary.job_type) == (
            "9 Nov 2026, 13:00",
            "Head office",
            "PO-9",
            "Repair",
        )
        booked = order_detail.order_detail(s, world["order"], TEST_SECRET_KEY).summary
        assert booked.requested_by == "" and booked.preferred == ""


def _identity(s, user_id):
    from repair_portal.models import PortalUser

    return portal_auth.identity_of(s, s.get(PortalUser, user_id), session_id=0, mfa_passed=True)


def test_a_staff_entered_schedule_is_a_next_scheduled_job_in_the_account_portal(write, read, world):
    with read() as s:
        assert account_overview.overview(s, _identity(s, world["pat"])).upcoming == []
    with write() as s:
        _save(s, world["order"], scheduled="2026-11-04T10:15", site_id=str(world["office"]), po_number="PO-1")
    with read() as s:
        upcoming = account_overview.overview(s, _identity(s, world["pat"])).upcoming
        assert [(r.id, r.scheduled, r.site, r.po_number) for r in upcoming] == [
            (world["order"], "4 Nov 2026", "Head office", "PO-1")
        ]
        listed = account_orders.list_orders(
            s, _identity(s, world["pat"]), OrderQuery(date_field="scheduled", date_from="2026-11-02")
        )
        assert [r.id for r in listed.rows] == [world["order"]]
        # A group that sees only its own orders doesn't get a job someone else asked for.
        assert account_overview.overview(s, _identity(s, world["sam"])).upcoming == []


def test_a_past_schedule_is_not_a_next_job(write, read, world):
    with write() as s:
        _save(s, world["order"], scheduled="2026-10-30T10:00")
    with read() as s:
        assert account_overview.overview(s, _identity(s, world["pat"])).upcoming == []
        assert s.get(Customer, world["mine"]).kind == "business"
