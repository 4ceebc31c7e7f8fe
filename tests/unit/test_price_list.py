"""The price list: keeping it (validation, unique codes, retiring) and adding its items to quotes as copies."""

import json

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, PriceListItem, Quote
from repair_portal.services import audit, quote_builder, quote_decisions, quotes
from repair_portal.services.price_list import (
    ItemForm,
    PriceListError,
    add_to_quote,
    create_item,
    form_line,
    list_items,
    set_active,
    update_item,
)

from .. import factories

STAFF = audit.Actor("staff", 1, "owner@example.com")  # the first staff member _shop creates


def _shop(session):
    _, location = factories.shop(session)
    user = factories.staff(session, email="owner@example.com")
    assert user.id == STAFF.id
    return location


def _item(session, name="Screen replacement", price="89.00", **kw):
    return create_item(session, ItemForm(name=name, price=price, **kw), STAFF)


def _lines(session, quote_id):
    return [(x.description, x.quantity, x.unit_price_minor, x.optional) for x in quotes.lines_of(session, quote_id)]


# --- keeping the list ----------------------------------------------------------------------------


def test_items_are_stored_in_minor_units_with_a_normalised_code_and_listed_in_order(session, clock):
    _shop(session)
    screen = _item(session, code=" scr-ip13 ", price="£1,049.50")
    glass = _item(session, "Tempered glass", "12", kind="part", optional_by_default=True)
    first = _item(session, "Diagnostic fee", "25", sort_order="0")
    assert (screen.code, screen.unit_price_minor, screen.kind) == ("SCR-IP13", 104950, "service")
    assert (glass.code, glass.optional_by_default, glass.kind) == (None, True, "part")
    assert (screen.sort_order, glass.sort_order, first.sort_order) == (10, 20, 0)  # new ones go last
    assert screen.created_at.tzinfo is not None and screen.updated_at == clock.now()
    views = list_items(session)
    assert [v.name for v in views] == ["Diagnostic fee", "Screen replacement", "Tempered glass"]
    assert (views[1].price, views[1].price_input, views[1].kind_label) == ("£1,049.50", "1049.50", "Service")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "price_list.created")).first()
    assert json.loads(event.detail)["code"] == "SCR-IP13"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (ItemForm(name="  ", price="10"), "name"),
        (ItemForm(name="x" * 201, price="10"), "name"),
        (ItemForm(name="Screen", price="ten pounds"), "price"),
        (ItemForm(name="Screen", price="-5"), "price"),
        (ItemForm(name="Screen", price="9999999"), "price"),
        (ItemForm(name="Screen", price=""), "price"),
        (ItemForm(name="Screen", price="10", code="has space"), "code"),
        (ItemForm(name="Screen", price="10", code="C" * 21), "code"),
        (ItemForm(name="Screen", price="10", kind="labour"), "kind"),
        (ItemForm(name="Screen", price="10", sort_order="²"), "sort_order"),
        (ItemForm(name="Screen", price="10", sort_order="-1"), "sort_order"),
    ],
)
def test_invalid_forms_are_refused_with_the_field_to_fix(session, form, field):
    _shop(session)
    with pytest.raises(PriceListError) as refused:
        create_item(session, form, STAFF)
    assert refused.value.field == field and str(refused.value)
    assert session.exec(select(PriceListItem)).all() == []


def test_codes_are_unique_among_active_items_whatever_their_case(session, clock):
    _shop(session)
    screen = _item(session, code="SCR")
    with pytest.raises(PriceListError, match="already used by “Screen replacement”") as clash:
        _item(session, "Other screen", code="scr")
    assert clash.value.field == "code"
    other = _item(session, "Battery", code="BAT")
    with pytest.raises(PriceListError, match="already used"):
        seen = next(v.version for v in list_items(session) if v.id == other.id)
        update_item(session, other.id, ItemForm(name="Battery", price="49", code="SCR"), STAFF, seen_version=seen)
    # A retired code can be given to a new item; bringing the old one back then clashes.
    set_active(session, screen.id, False, STAFF)
    reused = _item(session, "Screen (new supplier)", code="SCR")
    with pytest.raises(PriceListError, match="already used"):
        set_active(session, screen.id, True, STAFF)
    assert (session.get(PriceListItem, screen.id).active, reused.active) == (False, True)
    # Items without a code never clash.
    _item(session, "No code 1")
    _item(session, "No code 2")


def test_editing_saves_and_refuses_an_edit_of_an_older_copy(session, clock):
    _shop(session)
    item = _item(session, code="BAT", price="49")
    seen = list_items(session)[0].version
    clock.advance(minutes=1)
    update_item(
        session, item.id, ItemForm(name="Battery (original)", price="59.99", code="bat"), STAFF, seen_version=seen
    )
    saved = session.get(PriceListItem, item.id)
    assert (saved.name, saved.unit_price_minor, saved.code, saved.sort_order) == ("Battery (original)", 5999, "BAT", 10)
    with pytest.raises(PriceListError, match="Someone else changed"):
        update_item(session, item.id, ItemForm(name="Battery", price="1"), STAFF, seen_version=seen)
    assert session.get(PriceListItem, item.id).unit_price_minor == 5999
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "price_list.updated")).one()
    assert json.loads(event.detail)["before"]["price_minor"] == 4900


def test_deactivated_items_leave_the_picker_but_stay_listed_for_settings(session, clock):
    _shop(session)
    item = _item(session)
    _item(session, "Battery")
    set_active(session, item.id, False, STAFF)
    set_active(session, item.id, False, STAFF)  # twice: nothing more happens
    assert [v.name for v in list_items(session)] == ["Battery"]
    assert [(v.name, v.active) for v in list_items(session, include_inactive=True)] == [
        ("Battery", True),
        ("Screen replacement", False),
    ]
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.action.like("price_list.%")))]
    assert actions.count("price_list.deactivated") == 1
    for forged in (None, "²", -1, 10**30, "1e3", True):
        with pytest.raises(PriceListError, match="no longer on the price list"):
            set_active(session, forged, True, STAFF)


def test_search_matches_code_or_name_ignoring_case_and_wildcards(session):
    _shop(session)
    _item(session, "iPhone 13 screen", code="SCR-IP13")
    _item(session, "Battery 100%", code="BAT_1")
    _item(session, "Tempered glass", code="TG")
    assert [v.name for v in list_items(session, "ip13")] == ["iPhone 13 screen"]
    assert [v.name for v in list_items(session, "  GLASS ")] == ["Tempered glass"]
    assert [v.name for v in list_items(session, "100%")] == ["Battery 100%"]
    assert [v.name for v in list_items(session, "%")] == ["Battery 100%"]  # a literal percent sign
    assert [v.name for v in list_items(session, "_")] == ["Battery 100%"]  # only the code with a real "_"


# --- adding to quotes ----------------------------------------------------------------------------


def test_adding_starts_a_draft_and_appends_a_frozen_copy(session, clock):
    location = _shop(session)
    order = factories.order(session, location).order
    screen = _item(session, code="SCR", price="89")
    glass = _item(session, "Tempered glass", "12.50", optional_by_default=True)
    added = add_to_quote(session, order, screen.id, STAFF)
    assert (added.version, added.description, added.started_from) == (1, "Screen replacement", 0)
    again = add_to_quote(session, order, glass.id, STAFF)
    assert (again.version, again.started_from) == (1, 0)  # the unsent draft grows in place
    draft = session.exec(select(Quote).where(Quote.order_id == order.id)).one()
    assert draft.status == "draft" and quote_decisions.customer_view_of_quote(session, order.id) is None
    assert _lines(session, draft.id) == [("Screen replacement", 1, 8900, False), ("Tempered glass", 1, 1250, True)]
    # Later price changes and retiring the item leave the quote's copy alone.
    clock.advance(minutes=1)
    seen = list_items(session, "screen")[0].version
    update_item(session, screen.id, ItemForm(name="Screen (OEM)", price="120"), STAFF, seen_version=seen)
    set_active(session, glass.id, False, STAFF)
    assert _lines(session, draft.id)[0] == ("Screen replacement", 1, 8900, False)
    assert quotes.quote_totals(session, draft).total == (8900 + 1250) * 12 // 10


def test_editing_with_a_stale_version_is_refused_even_for_an_empty_version(session):
    _shop(session)
    item = _item(session)
    with pytest.raises(PriceListError, match="Someone else"):
        update_item(session, item.id, ItemForm(name="X", price="1"), STAFF, seen_version="")


def test_adding_to_a_sent_quote_makes_a_new_draft_version_and_leaves_the_sent_one(session, clock):
    location = _shop(session)
    order = factories.order(session, location).order
    sent = quotes.create_quote(session, order, [quotes.LineSpec("Labour", 1, 3000)], STAFF, notes="Parts in 2 days")
    quotes.send_quote(session, sent, STAFF)
    item = _item(session, "Battery", "49")
    added = add_to_quote(session, order, item.id, STAFF)
    assert (added.version, added.started_from) == (2, 1)
    v1, v2 = session.exec(select(Quote).where(Quote.order_id == order.id).order_by(Quote.version)).all()
    assert (v1.status, v2.status, v2.notes) == ("sent", "draft", "Parts in 2 days")
    assert _lines(session, v1.id) == [("Labour", 1, 3000, False)]
    assert _lines(session, v2.id) == [("Labour", 1, 3000, False), ("Battery", 1, 4900, False)]
    assert quote_decisions.customer_view_of_quote(session, order.id).version == 1  # until v2 is sent


def test_adding_refuses_retired_forged_and_unknown_items_and_full_quotes(session):
    location = _shop(session)
    order = factories.order(session, location).order
    item = _item(session)
    set_active(session, item.id, False, STAFF)
    for forged in (item.id, 424242, "x", None, True):
        with pytest.raises(PriceListError, match="no longer on the price list"):
            add_to_quote(session, order, forged, STAFF)
    assert session.exec(select(Quote)).all() == []
    live = _item(session, "Battery", "49")
    full = [quotes.LineSpec(f"Line {n}", 1, 100) for n in range(quote_builder.MAX_LINES)]
    quotes.create_quote(session, order, full, STAFF)
    with pytest.raises(PriceListError, match="at most 50 lines"):
        add_to_quote(session, order, live.id, STAFF)


def test_a_form_row_is_the_same_copy(session):
    _shop(session)
    item = _item(session, "Tempered glass", "12.5", optional_by_default=True)
    assert form_line(session, item.id) == quote_builder.FormLine("Tempered glass", "1", "12.50", True)
    set_active(session, item.id, False, STAFF)
    with pytest.raises(PriceListError):
        form_line(session, item.id)


def _index_holds(engine):
    from sqlalchemy.exc import IntegrityError

    from repair_portal.db import write_session

    def add(code, active=True):
        with write_session(engine) as s:
            s.add(PriceListItem(code=code, name=code, unit_price_minor=100, active=active))

    add("DUP")
    add("DUP", active=False)  # retired items may share a code
    add("DUP", active=False)
    with pytest.raises(IntegrityError):
        add("DUP")


def test_the_database_keeps_active_codes_unique_on_sqlite(engine):
    _index_holds(engine)


def test_the_database_keeps_active_codes_unique_on_postgresql(pg_engine):
    _index_holds(pg_engine)
