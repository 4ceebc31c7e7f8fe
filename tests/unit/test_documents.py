import json
from datetime import UTC, datetime

import pytest

from repair_portal.models import Location, Order, Quote
from repair_portal.services import portal_links
from repair_portal.services.documents import document_context
from repair_portal.services.hours import merged as parse_hours

from .. import factories
from .document_fixtures import HOURS, build_order, signature_png


@pytest.fixture
def built(session, clock):
    return build_order(session)


def test_context_has_formatted_money_local_times_and_the_live_tracking_url(session, settings, built):
    doc = document_context(session, built.order.id, settings.public_url, settings.secret_key)
    assert doc.order.reference == built.order.reference
    assert doc.customer.full_name == "Zoë Wójcik"
    assert doc.device.label == "Apple iPhone 13" and doc.device.serial == "SN123"
    assert doc.tracking_url == settings.track_url(built.code)
    assert doc.shop.tax_label == "VAT" and doc.shop.accent_color == "#0f766e"
    assert doc.order.booked_in_at == "2 Nov 2026, 09:30"
    assert doc.order.promised_at == "6 Nov 2026"

    quote = doc.quote
    assert quote is doc.billed_quote and quote.version == 1 and quote.status == "approved"
    assert [(line.quantity, line.unit_price, line.line_total) for line in quote.lines] == [
        (1, "£149.00", "£149.00"),
        (1, "£35.40", "£35.40"),
        (1, "£12.00", "£12.00"),
    ]
    assert [line.counted for line in quote.lines] == [True, True, False]
    assert (quote.subtotal, quote.tax, quote.total, quote.tax_rate) == ("£184.40", "£36.88", "£221.28", "20%")
    assert quote.valid_until == "16 Nov 2026"
    assert [(p.method, p.amount, p.reference) for p in doc.payments] == [("Card", "£100.00", "Deposit")]
    assert (doc.paid, doc.balance, doc.balance_minor) == ("£100.00", "£121.28", 12128)


def test_signature_carries_audit_fields_and_the_signed_quote(session, settings, built):
    doc = document_context(session, built.order.id, settings.public_url, settings.secret_key)
    (signature,) = doc.signatures
    assert signature.purpose == "repair_authorisation" and signature.purpose_label == "Repair authorisation"
    assert signature.signed_at_utc == "2026-11-02T11:30:00Z"
    assert signature.signed_at.tzinfo is not None
    assert signature.ip == "203.0.113.7" and len(signature.document_sha256) == 64
    assert signature.image_png == signature_png()
    assert signature.quote is not None and signature.quote.version == 1 and signature.quote.total == "£221.28"


def test_times_follow_the_shop_time_zone(session, settings, built):
    order = session.get(Order, built.order.id)
    order.promised_at = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # BST: already 2 July in London
    session.add(order)
    doc = document_context(session, order.id, settings.public_url, settings.secret_key)
    assert doc.order.promised_at == "2 Jul 2026"
    assert doc.shop.timezone == "Europe/London"


def test_no_live_link_means_no_tracking_url(session, settings, built):
    portal_links.revoke(session, built.order.id, factories.ACTOR)
    doc = document_context(session, built.order.id, settings.public_url, settings.secret_key)
    assert doc.tracking_url is None


def test_drafts_are_not_shown_and_balance_counts_only_payments_without_a_quote(session, settings, clock):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    session.add(Quote(order_id=new.order.id, version=1, status="draft"))
    doc = document_context(session, new.order.id, settings.public_url, settings.secret_key)
    assert doc.quote is None and doc.billed_quote is None
    assert (doc.balance, doc.payments, doc.signatures) == ("£0.00", (), ())
    assert doc.location.hours == ()


def test_unknown_order_raises_lookup_error(session, settings):
    with pytest.raises(LookupError):
        document_context(session, 999, settings.public_url, settings.secret_key)


def test_opening_hours_merge_equal_days_and_mark_closed_days():
    assert parse_hours(json.dumps(HOURS)) == (
        ("Mon–Wed", "09:00–17:30"),
        ("Thu", "09:00–19:00"),
        ("Fri", "09:00–17:30"),
        ("Sat", "10:00–16:00"),
        ("Sun", "Closed"),
    )
    assert parse_hours("not json") == ()
    assert parse_hours("[1, 2]") == ()
    assert parse_hours(Location(name="x").opening_hours_json) == ()
