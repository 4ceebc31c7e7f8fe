"""The once-per-order access facts a live stage change uses give every page the answer its own check gives."""

from datetime import timedelta

import pytest
from sqlmodel import select

from repair_portal.models import AccessMode, PortalLink, ShopSettings
from repair_portal.services import audit, order_viewers, portal_access, portal_links, portal_policy
from repair_portal.services import clock as service_clock
from repair_portal.services.portal_links import LinkStatus
from repair_portal.services.tokens import new_token

from .. import factories
from ..conftest import TEST_SECRET_KEY


def _own_check(session, order, code, device) -> bool:
    """What a tracking page's own guard decides (state/track.py `_authorised_order`)."""
    if portal_policy.portal_off(session) is not None:
        return False
    result = portal_links.resolve(session, code)
    return (
        result.status == LinkStatus.OK
        and result.order_id == order.id
        and portal_access.can_view(session, order, device)
    )


def _set_up(write):
    with write() as s:
        shop, location = factories.shop(s)
        shop.access_mode = AccessMode.LINK_LAST_NAME.value
        made = factories.order(s, location, last_name="Quinn")
        other = factories.order(s, location, last_name="Quinn")
        old_code = portal_links.current_code(s, TEST_SECRET_KEY, made.order.id)
        link_id = s.exec(select(PortalLink.id).where(PortalLink.order_id == made.order.id)).first()
        return made.order, other.order, old_code, link_id


def _situations():
    """Name → a change to the shop or the order (applied in its own transaction)."""

    def portal_off(s, order):
        s.get(ShopSettings, 1).portal_enabled = False

    def link_only(s, order):
        s.get(ShopSettings, 1).access_mode = AccessMode.LINK.value

    def collected_long_ago(s, order):
        order.collected_at = service_clock.now() - timedelta(days=400)
        s.add(order)

    def collected_yesterday(s, order):
        order.collected_at = service_clock.now() - timedelta(days=1)
        s.add(order)

    def revoked(s, order):
        portal_links.revoke(s, order.id, audit.SYSTEM)

    return {
        "as made": None,
        "portal off": portal_off,
        "link only": link_only,
        "collected long ago": collected_long_ago,
        "collected yesterday": collected_yesterday,
        "link revoked": revoked,
    }


@pytest.mark.parametrize("situation", list(_situations()))
def test_may_view_agrees_with_each_pages_own_check(write, clock, situation):
    order, other, first_code, link_id = _set_up(write)
    devices = {"none": None, "verified": new_token(), "stranger": new_token(), "expired": new_token()}
    with write() as s:
        new_code = portal_links.issue_link(s, TEST_SECRET_KEY, s.get(type(order), order.id), audit.SYSTEM)
    with write() as s:  # the first link is replaced now (and forgot its devices): check on the new one
        assert portal_access.check_last_name(s, order, link_id, "Quinn", devices["expired"]).ok
    clock.advance(days=91)
    with write() as s:
        assert portal_access.check_last_name(s, order, link_id, "Quinn", devices["verified"]).ok
    with write() as s:
        other_code = portal_links.current_code(s, TEST_SECRET_KEY, other.id)
        change = _situations()[situation]
        if change is not None:
            change(s, s.get(type(order), order.id))
    codes = {"current": new_code, "replaced": first_code, "another order's": other_code, "empty": "", "long": "x" * 65}
    answers = {}
    with write() as s:
        current = s.get(type(order), order.id)
        viewers = order_viewers.read(s, order.id)
        for code_name, code in codes.items():
            for device_name, device in devices.items():
                expected = _own_check(s, current, code, device)
                assert viewers.may_view(code, device) == expected, (situation, code_name, device_name)
                answers[(code_name, device_name)] = expected
    # the matrix is not vacuous: what each situation should allow
    allowed = {key for key, ok in answers.items() if ok}
    expected_allowed = {
        "as made": {("current", "verified")},
        "portal off": set(),
        "link only": {("current", d) for d in devices},
        "collected long ago": set(),
        "collected yesterday": {("current", "verified")},
        "link revoked": set(),
    }[situation]
    assert allowed == expected_allowed


def test_an_order_that_is_gone_is_seen_by_nobody(write):
    with write() as s:
        factories.shop(s)
        assert order_viewers.read(s, 999_999) is order_viewers.NOBODY
        assert not order_viewers.NOBODY.may_view("anything", "device")
