"""Settings → Price list and the quote card's "Add from price list", called directly."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import PriceListItem, Quote, QuoteLine, Role
from repair_portal.services import audit, price_list, quotes, staff_auth
from repair_portal.state.staff_order_quote import StaffOrderQuoteState
from repair_portal.state.staff_price_list import StaffPriceListState

from .. import factories
from .conftest import as_staff, redirect_path

ROUTE = "/staff/settings/price-list"


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def shop(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        for role in (Role.OWNER, Role.MANAGER, Role.TECHNICIAN, Role.FRONT_DESK):
            factories.staff(s, email=f"{role.value}@example.com", role=role, name=f"{role.value.title()} User")
        order_id = factories.order(s, location).order.id
        screen = price_list.create_item(s, price_list.ItemForm(name="Screen", price="89", code="SCR"), audit.SYSTEM)
        glass = price_list.create_item(
            s,
            price_list.ItemForm(name="Tempered glass", price="12.50", kind="part", optional_by_default=True),
            audit.SYSTEM,
        )
    tokens = {
        role: staff_auth.sign_in(
            engine, app_env, email=f"{role.value}@example.com", password=factories.STAFF_PASSWORD
        ).token
        for role in Role
    }
    return {"order_id": order_id, "screen": screen.id, "glass": glass.id, "tokens": tokens}


def _settings(state_factory, shop, role):
    state = state_factory(StaffPriceListState, path=ROUTE)
    as_staff(state, shop["tokens"][role])
    return state


def _items(engine):
    with write_session(engine) as s:
        return sorted((i.name, i.code, i.unit_price_minor, i.active) for i in s.exec(select(PriceListItem)))


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FRONT_DESK])
def test_only_owners_and_managers_keep_the_price_list(state_factory, engine, shop, role):
    before = _items(engine)
    state = _settings(state_factory, shop, role)
    assert redirect_path(state.load_price_list()) == "/staff" and state.items == []
    state.editing_id = shop["screen"]  # forged: as if an editor were open
    state.handle_save_item({"name": "Free screen", "price": "0"})
    state.handle_deactivate(shop["screen"])
    state.start_edit(shop["screen"])
    assert _items(engine) == before and not state.editor_open
    manager = _settings(state_factory, shop, Role.MANAGER)
    manager.load_price_list()
    assert [i.name for i in manager.items] == ["Screen", "Tempered glass"]


def test_add_edit_search_deactivate_and_reactivate(state_factory, engine, shop):
    state = _settings(state_factory, shop, Role.OWNER)
    state.load_price_list()
    state.start_add()
    assert state.editor_open and state.editing_id == 0
    state.set_kind("part")
    state.handle_save_item({"name": "", "price": "ten", "code": "", "sort_order": ""})
    assert state.name_error and not state.price_error and state.editor_open  # one message at a time, by field
    state.handle_save_item({"name": "Battery", "price": "ten", "code": "", "sort_order": ""})
    assert state.price_error and state.f_name == "Battery"  # what was typed stays
    state.handle_save_item({"name": "Battery", "price": "49", "code": "scr", "sort_order": ""})
    assert "already used by “Screen”" in state.code_error
    state.handle_save_item({"name": "Battery", "price": "49", "code": "bat", "sort_order": "5"})
    assert not state.editor_open and state.code_error == ""
    first = state.items[0]  # position 5 puts it before the others
    assert (first.name, first.code, first.kind, first.price) == ("Battery", "BAT", "part", "£49.00")
    # Edit: the editor opens with the saved values and saves over them.
    state.start_edit(shop["screen"])
    assert (state.f_name, state.f_price, state.f_code) == ("Screen", "89.00", "SCR")
    state.handle_save_item({"name": "Screen (OEM)", "price": "99.99", "code": "SCR", "sort_order": "10"})
    assert ("Screen (OEM)", "SCR", 9999, True) in _items(engine)
    # Search narrows the list; deactivate and reactivate.
    state.handle_search("glass")
    assert [i.name for i in state.items] == ["Tempered glass"]
    state.handle_search("")
    state.handle_deactivate(shop["glass"])
    assert ("Tempered glass", None, 1250, False) in _items(engine)
    state.handle_reactivate(shop["glass"])
    assert ("Tempered glass", None, 1250, True) in _items(engine)
    assert state.start_edit(10**9) is not None and not state.editor_open  # a toast, no editor


def test_an_over_long_position_is_refused_not_cut_to_another_number(state_factory, engine, shop):
    """A "5", nine spaces and a "0" were once cut to "5" (position 5) without a word; now the whole text is read."""
    before = _items(engine)
    state = _settings(state_factory, shop, Role.OWNER)
    state.load_price_list()
    state.start_add()
    typed = "5" + " " * 9 + "0"
    state.handle_save_item({"name": "Battery", "price": "49", "code": "", "sort_order": typed})
    assert "0 to 9999" in state.sort_order_error and state.editor_open
    assert state.f_sort_order == typed and _items(engine) == before  # kept as typed, nothing saved


def test_a_second_editor_cannot_silently_overwrite_the_first(state_factory, engine, shop):
    owner, manager = _settings(state_factory, shop, Role.OWNER), _settings(state_factory, shop, Role.MANAGER)
    for state in (owner, manager):
        state.load_price_list()
        state.start_edit(shop["screen"])
    owner.handle_save_item({"name": "Screen", "price": "95", "code": "SCR", "sort_order": "10"})
    manager.handle_save_item({"name": "Screen", "price": "79", "code": "SCR", "sort_order": "10"})
    assert "Someone else changed" in manager.form_error and manager.editor_open
    assert ("Screen", "SCR", 9500, True) in _items(engine)


# --- the quote card --------------------------------------------------------------------------------


def _order_page(state_factory, shop, role=Role.TECHNICIAN):
    state = state_factory(StaffOrderQuoteState, path=f"/staff/orders/{shop['order_id']}")
    as_staff(state, shop["tokens"][role])
    state.load_order()
    return state


def _quote_lines(engine, order_id):
    with write_session(engine) as s:
        quote = s.exec(select(Quote).where(Quote.order_id == order_id).order_by(Quote.version.desc())).first()
        if quote is None:
            return None, []
        lines = s.exec(select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(QuoteLine.position)).all()
        return quote.status, [(x.description, x.unit_price_minor, x.optional) for x in lines]


def test_two_taps_add_a_line_to_a_draft_and_open_it(state_factory, engine, shop):
    state = _order_page(state_factory, shop)
    state.set_price_picker_open(True)  # tap one
    assert state.price_picker_open and [i.name for i in state.price_items] == ["Screen", "Tempered glass"]
    state.handle_price_search("scr")
    assert [i.code for i in state.price_items] == ["SCR"]
    _run(state.handle_add_from_price_list(shop["screen"]))  # tap two
    assert not state.price_picker_open and state.quote_form_open and state.draft_version == 1
    assert [(r.description, r.price, r.optional) for r in state.quote_rows] == [("Screen", "89.00", False)]
    assert _quote_lines(engine, shop["order_id"]) == ("draft", [("Screen", 8900, False)])


def test_with_the_form_open_the_item_becomes_a_row_of_the_form(state_factory, engine, shop):
    state = _order_page(state_factory, shop)
    state.open_quote_form()
    assert [r.description for r in state.quote_rows] == [""]
    _run(state.handle_add_from_price_list(shop["glass"]))
    assert [(r.description, r.quantity, r.price, r.optional) for r in state.quote_rows] == [
        ("Tempered glass", "1", "12.50", True)  # the empty starting line was replaced
    ]
    state.add_quote_row()
    state.set_quote_cell(1, "description", "Labour")  # a free line beside it
    state.set_quote_cell(1, "price", "30")
    assert _quote_lines(engine, shop["order_id"]) == (None, [])  # nothing saved until the form is
    _run(state.handle_save_draft())
    assert _quote_lines(engine, shop["order_id"]) == (
        "draft",
        [("Tempered glass", 1250, True), ("Labour", 3000, False)],
    )


def test_retired_and_forged_items_are_refused(state_factory, engine, shop):
    with write_session(engine) as s:
        price_list.set_active(s, shop["glass"], False, audit.SYSTEM)
    state = _order_page(state_factory, shop)
    for forged in (shop["glass"], 10**9, "²", -1):
        assert _run(state.handle_add_from_price_list(forged)) is not None  # an error toast
    assert _quote_lines(engine, shop["order_id"]) == (None, []) and not state.quote_form_open
    state.open_quote_form()
    _run(state.handle_add_from_price_list(shop["glass"]))
    assert [r.description for r in state.quote_rows] == [""]


def test_adding_to_a_sent_quote_starts_the_next_version(state_factory, engine, shop):
    with write_session(engine) as s:
        from repair_portal.models import Order

        sent = quotes.create_quote(
            s, s.get(Order, shop["order_id"]), [quotes.LineSpec("Labour", 1, 3000)], audit.SYSTEM
        )
        quotes.send_quote(s, sent, audit.SYSTEM)
    state = _order_page(state_factory, shop, Role.FRONT_DESK)
    result = _run(state.handle_add_from_price_list(shop["screen"]))
    assert result is not None and state.draft_version == 2 and state.quote_version == 1
    assert [r.description for r in state.quote_rows] == ["Labour", "Screen"]
