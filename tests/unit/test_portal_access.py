import pytest
from sqlmodel import select

from repair_portal.models import AccessMode, AuditEvent, PortalLink, RateLimitEvent
from repair_portal.services import audit, portal_access, portal_links
from repair_portal.services.tokens import new_token

from .. import factories
from ..conftest import TEST_SECRET_KEY


@pytest.fixture
def order(write):
    with write() as s:
        shop, location = factories.shop(s)
        shop.access_mode = AccessMode.LINK_LAST_NAME.value
        new = factories.order(s, location, last_name="O'Brien-Smith")
        link = s.exec(select(PortalLink)).one()
        return new.order, link.id


@pytest.mark.parametrize("typed", ["O'Brien-Smith", "  o'brien-smith ", "O’BRIEN-SMITH", "o'brien-smith\t"])
def test_last_name_check_ignores_case_spaces_and_curly_apostrophes(write, order, typed):
    order_obj, link_id = order
    device = new_token()
    with write() as s:
        assert not portal_access.can_view(s, order_obj, device)
        assert portal_access.check_last_name(s, order_obj, link_id, typed, device, ip="198.51.100.1").ok
    with write() as s:
        assert portal_access.can_view(s, order_obj, device)  # remembered on this device
        assert not portal_access.can_view(s, order_obj, new_token())  # but not on another


def test_wrong_names_get_a_generic_message_and_five_lock_the_link(write, order, clock):
    order_obj, link_id = order
    device = new_token()
    with write() as s:
        for wrong in ["Smith", "OBrien", "", "O'Brien", "Brien-Smith"]:
            result = portal_access.check_last_name(s, order_obj, link_id, wrong, device, ip="198.51.100.2")
            assert not result.ok and result.error == portal_access.GENERIC_MISMATCH
        locked = portal_access.check_last_name(s, order_obj, link_id, "O'Brien-Smith", device, ip="198.51.100.3")
        assert not locked.ok and "try again in 15 minutes" in locked.error
        assert not portal_access.can_view(s, order_obj, device)
        assert len(s.exec(select(RateLimitEvent)).all()) == 10  # counters are rows: they survive a restart
    clock.advance(minutes=15, seconds=1)
    with write() as s:
        assert portal_access.check_last_name(s, order_obj, link_id, "o'brien-smith", device, ip="198.51.100.3").ok


def test_one_address_guessing_across_orders_is_limited(write, order):
    order_obj, link_id = order
    with write() as s:
        for i in range(20):
            portal_access.check_last_name(s, order_obj, 1000 + i, "Nope", new_token(), ip="203.0.113.77")
        blocked = portal_access.check_last_name(s, order_obj, link_id, "O'Brien-Smith", new_token(), ip="203.0.113.77")
        assert not blocked.ok and "Too many attempts" in blocked.error
        actions = [e.action for e in s.exec(select(AuditEvent))]
        assert "portal.last_name_blocked" in actions and "portal.last_name_failed" in actions


def test_rotating_the_link_forgets_remembered_devices(write, order):
    order_obj, link_id = order
    device = new_token()
    with write() as s:
        assert portal_access.check_last_name(s, order_obj, link_id, "O'Brien-Smith", device).ok
    with write() as s:
        portal_links.issue_link(s, TEST_SECRET_KEY, order_obj, audit.SYSTEM)
    with write() as s:
        assert not portal_access.can_view(s, order_obj, device)


def test_remembered_devices_expire(write, order, clock):
    order_obj, link_id = order
    device = new_token()
    with write() as s:
        assert portal_access.check_last_name(s, order_obj, link_id, "O'Brien-Smith", device).ok
    clock.advance(days=90, seconds=1)
    with write() as s:
        assert not portal_access.can_view(s, order_obj, device)


def test_link_only_mode_needs_no_check_and_location_overrides_the_shop(write, order):
    from repair_portal.models import Location, ShopSettings

    order_obj, _ = order
    with write() as s:
        s.get(ShopSettings, 1).access_mode = AccessMode.LINK.value
        s.flush()
        assert portal_access.can_view(s, order_obj, None)
        location = s.get(Location, order_obj.location_id)
        location.access_mode = AccessMode.LINK_LAST_NAME.value
        s.add(location)
        s.flush()
        assert portal_access.access_mode(s, order_obj) == AccessMode.LINK_LAST_NAME
        assert not portal_access.can_view(s, order_obj, None)


def test_what_changed_names_the_part_a_live_update_moved():
    from repair_portal.services.portal_view import FileItem, PortalView, change_notice, what_changed

    before = PortalView(reference="R-1", stage_label="Diagnosing", paid="£0.00", total="£10.00")
    assert what_changed(before, before) is None
    assert what_changed(PortalView(), before) is None  # the first load is no "update"
    moved = PortalView(reference="R-1", stage_label="Repairing", paid="£0.00", total="£10.00")
    assert what_changed(before, moved) == "stage" and change_notice("stage", moved) == "Status changed: Repairing"
    photo = PortalView(
        reference="R-1", stage_label="Diagnosing", paid="£0.00", total="£10.00", files=[FileItem(1, "x", True, "")]
    )
    assert what_changed(before, photo) == "files"
    paid = PortalView(reference="R-1", stage_label="Diagnosing", paid="£5.00", total="£10.00")
    assert what_changed(before, paid) == "payments"


def test_a_live_stage_change_rereads_the_stage_once_for_every_open_page(write):
    from repair_portal.models import Order, Stage
    from repair_portal.services import portal_view, workflow

    with write() as s:
        _, location = factories.shop(s)
        order_id = factories.order(s, location).order.id
    with write() as s:
        order = s.get(Order, order_id)
        before = portal_view.portal_view(s, order_id)
        target = s.exec(select(Stage).where(Stage.name == "Diagnosing")).one()
        workflow.change_stage(s, order, target, audit.Actor("staff", None, "t", "", ""))
    with write() as s:
        order = s.get(Order, order_id)
        full = portal_view.portal_view(s, order_id)
        quick = portal_view.with_new_stage(s, before, order)
        # only the stage and timeline moved, and exactly as a full reading has them
        assert quick == full and quick.stage_label == "Diagnosing" != before.stage_label
        key = (order.id, order.version, order.stage_id)
        assert key in portal_view._STAGE_PARTS
        portal_view._STAGE_PARTS[key][1]["stage_label"] = "served from the one reading"
        assert portal_view.with_new_stage(s, before, order).stage_label == "served from the one reading"
        order.version += 1  # any later change to the order is a new reading
        assert portal_view.with_new_stage(s, before, order).stage_label == "Diagnosing"


def test_a_page_view_is_recorded_once_per_device_every_ten_minutes(write, order, clock):
    order_obj, _ = order
    phone = audit.Actor("customer", None, "tracking link", "203.0.113.9", "Phone browser")
    laptop = audit.Actor("customer", None, "tracking link", "203.0.113.9", "Laptop browser")
    with write() as s:
        assert not audit.viewed_recently(s, phone, "portal.link_viewed", order_obj.id)
        audit.record(s, phone, "portal.link_viewed", order_id=order_obj.id)
    with write() as s:
        assert audit.viewed_recently(s, phone, "portal.link_viewed", order_obj.id)
        assert not audit.viewed_recently(s, laptop, "portal.link_viewed", order_obj.id)  # another browser
        assert not audit.viewed_recently(s, phone, "order.viewed_as_customer", order_obj.id)
    clock.advance(minutes=11)
    with write() as s:
        assert not audit.viewed_recently(s, phone, "portal.link_viewed", order_obj.id)  # a new visit
