"""Scanned label and ticket URLs name their order; anything else names none."""

from repair_portal.services import portal_links, scan

from .. import factories
from ..conftest import TEST_SECRET_KEY


def test_label_and_ticket_urls_name_their_order(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    order_id = new.order.id
    assert scan.order_from_scan(session, f"https://shop.example/staff/orders/{order_id}") == order_id
    assert scan.order_from_scan(session, f"  http://localhost:3000/track/{new.code}?tab=quote ") == order_id
    fresh = portal_links.issue_link(session, TEST_SECRET_KEY, new.order, factories.ACTOR)
    assert scan.order_from_scan(session, f"https://x/track/{new.code}") == order_id  # replaced: staff may look up
    assert scan.order_from_scan(session, f"https://x/track/{fresh}") == order_id


def test_unknown_or_malformed_scans_name_nothing(session):
    factories.shop(session)
    for text in ("https://x/staff/orders/99999", "https://x/track/not-a-code-at-all", "/staff/orders/1x", "", "R-1"):
        assert scan.order_from_scan(session, text) is None
    assert scan.looks_scanned("https://x/track/abc") and not scan.looks_scanned("Nowak")
