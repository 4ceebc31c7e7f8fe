"""Typed text is checked one way everywhere (services/text_input.py): over-long input is refused with a
message saying the limit (never cut silently), a NUL character is refused, and nothing is saved."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.actions import invoices as invoice_actions
from repair_portal.actions import order_page
from repair_portal.db import session_scope, write_session
from repair_portal.models import Customer, EmailTemplateText, Message, Order, Payment, Quote, QuoteLine
from repair_portal.services import (
    audit,
    email_templates,
    invoices,
    messages,
    money,
    passkeys,
    payments,
    quote_builder,
    quote_decisions,
)
from repair_portal.services.intake import IntakeError, book_in
from repair_portal.services.text_input import TextInputError, clean_text, has_nul, text_problem

from .. import factories
from ..conftest import TEST_SECRET_KEY
from .test_intake_and_permissions import _form

STAFF = audit.Actor("staff", None, "desk@example.com")


# --- the helper -------------------------------------------------------------------------------------------


def test_clean_text_strips_and_keeps_text_up_to_the_limit():
    assert clean_text("  Screen cracked \n", "The problem", 14) == "Screen cracked"
    assert clean_text("a" * 10, "The name", 10) == "a" * 10
    assert clean_text(None, "The name", 10) == ""
    assert clean_text(" two \n  lines ", "The name", 20, one_line=True) == "two lines"
    assert clean_text(12345, "The number", 5) == "12345"


def test_one_character_over_is_refused_with_the_limit_and_the_length():
    with pytest.raises(TextInputError) as refused:
        clean_text("a" * 11, "The name", 10, field="name")
    assert str(refused.value) == "The name is too long: at most 10 characters (this one has 11)."
    assert refused.value.field == "name"
    assert "at most 2,000 characters (this one has 2,001)" in text_problem("x" * 2001, "The note", 2000)
    assert text_problem("x" * 2000, "The note", 2000) is None
    assert text_problem("  " + "x" * 10 + "  ", "The note", 10) is None  # the spaces around don't count


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "ok\n\x00"])
def test_a_nul_is_refused_however_short(value):
    with pytest.raises(TextInputError, match="NUL"):
        clean_text(value, "The note", 100)
    assert "The note contains a character that can't be saved" in text_problem(value, "The note", 100)


def test_has_nul_looks_through_dicts_lists_and_keys():
    assert not has_nul({"a": ["b", ("c", {"d": 1})], "e": None, "f": b"\x00"})  # bytes are files, not text
    for value in ("\x00", ["a", "\x00"], {"k": {"deep": ["x", "y\x00"]}}, {"ke\x00y": "v"}, ("t", {"\x00"})):
        assert has_nul(value), value
    nested: list = ["x"]
    for _ in range(40):
        nested = [nested]
    assert has_nul(nested)  # deeper than any form: suspicious, refused


# --- where people type --------------------------------------------------------------------------------------


@pytest.fixture
def order_id(engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        return factories.order(s, location).order.id


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return len(s.exec(select(model)).all())


def test_a_payment_reference_or_reason_too_long_is_refused_not_cut(app_env, engine, order_id):
    key = payments.new_payment_key()
    long_ref = order_page.record_payment(
        order_id, {"amount": "5", "method": "cash", "reference": "R" * 201, "key": key}, STAFF
    )
    long_note = order_page.record_payment(
        order_id, {"amount": "5", "method": "cash", "note": "n" * 2001, "refund": "on", "key": key}, STAFF
    )
    long_amount = order_page.record_payment(order_id, {"amount": "5" + " " * 30 + "0", "key": key}, STAFF)
    assert not long_ref.ok and long_ref.level == "form" and "at most 200 characters" in long_ref.message
    assert not long_note.ok and "at most 2,000 characters" in long_note.message
    assert not long_amount.ok and "The amount is too long" in long_amount.message
    assert _count(engine, Payment) == 0
    exact = order_page.record_payment(order_id, {"amount": "5", "reference": "R" * 200, "key": key}, STAFF)
    assert exact.ok
    with session_scope(engine) as s:
        assert s.exec(select(Payment)).one().reference == "R" * 200  # all of it, not a character fewer


def test_a_staff_reply_too_long_is_refused_whole(app_env, engine, order_id):
    refused = order_page.staff_reply(order_id, "w" * (messages.MAX_LENGTH + 1), "Dee", STAFF)
    assert not refused.ok and "The message is too long: at most 2,000 characters" in refused.message
    assert _count(engine, Message) == 0
    assert order_page.staff_reply(order_id, "w" * messages.MAX_LENGTH, "Dee", STAFF).ok


def test_quote_lines_and_notes_too_long_are_refused(session):
    _, location = factories.shop(session)
    order = factories.order(session, location).order
    too_long = [quote_builder.FormLine("d" * 501, "1", "10", False)]
    with pytest.raises(quote_builder.QuoteFormError, match="Line 1's description is too long: at most 500"):
        quote_builder.save_draft(session, order, too_long, STAFF)
    fine = [quote_builder.FormLine("d" * 500, "1", "10", False)]
    with pytest.raises(quote_builder.QuoteFormError, match="notes is too long: at most 2,000"):
        quote_builder.save_draft(session, order, fine, STAFF, notes="n" * 2001)
    assert session.exec(select(Quote)).all() == []
    quote_builder.save_draft(session, order, fine, STAFF)
    assert session.exec(select(QuoteLine)).one().description == "d" * 500


def test_intake_fields_too_long_are_refused_each_with_its_message(session):
    _, location = factories.shop(session)
    form = _form(location.id, last_name="L" * 101, problem="p" * 4001, serial="S" * 101, promised_date="2026-12-011")
    with pytest.raises(IntakeError) as refused:
        book_in(session, TEST_SECRET_KEY, form, STAFF)
    errors = refused.value.errors
    assert errors["last_name"] == "The last name is too long: at most 100 characters (this one has 101)."
    assert "at most 4,000" in errors["problem"] and "at most 100" in errors["serial"]
    assert "The promised date is too long" in errors["promised_date"]
    assert session.exec(select(Order)).all() == [] and session.exec(select(Customer)).all() == []
    made = book_in(session, TEST_SECRET_KEY, _form(location.id, last_name="L" * 100), STAFF)
    assert session.get(Customer, made.new.order.customer_id).last_name == "L" * 100


def test_an_email_intro_too_long_is_refused_and_the_stored_one_kept(session):
    email_templates.save_texts(session, "order_booked", "Booked in", "Thanks")
    with pytest.raises(email_templates.TemplateError, match="The intro is too long: at most 4,000"):
        email_templates.save_texts(session, "order_booked", "Booked in", "i" * 4001)
    assert session.get(EmailTemplateText, "order_booked").intro == "Thanks"


def test_a_decline_reason_with_a_nul_is_refused_not_quietly_cleaned():
    with pytest.raises(quote_decisions.InvalidDecision, match="NUL"):
        quote_decisions._clean_reason("Too dear\x00", required=True)
    with pytest.raises(quote_decisions.InvalidDecision, match="at most 2,000"):
        quote_decisions._clean_note("n" * 2001)


def test_a_passkey_name_too_long_is_said_before_the_ceremony():
    assert "at most 100 characters" in passkeys.name_problem("k" * 101)
    assert passkeys.name_problem("Work laptop") is None


def test_an_amount_padded_past_its_limit_is_refused_not_read_as_its_start():
    assert money.parse_amount("12.50") == 1250
    with pytest.raises(money.AmountError, match="too long"):
        money.parse_amount("12.50" + " " * 30 + "9")


def test_an_invoice_line_quantity_too_long_is_refused_not_cut_to_six_digits(app_env, engine):
    from repair_portal.models import InvoiceLine

    from ..invoice_factories import account, approved_order

    with write_session(engine) as s:
        _, location = factories.shop(s)
        order = approved_order(s, location, account(s))
        order_id, invoice_id = order.id, invoices.create_draft(s, order, audit.SYSTEM).id

    def lines() -> int:
        with session_scope(engine) as s:
            return len(s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)).all())

    before = lines()
    refused = invoice_actions.add_line(
        order_id, invoice_id, {"description": "Call-out", "quantity": "1000001", "price": "10"}, STAFF
    )
    assert not refused.ok and "The quantity is too long: at most 6 characters" in refused.message
    long_description = {"description": "x" * 501, "quantity": "1", "price": "10"}
    assert not invoice_actions.add_line(order_id, invoice_id, long_description, STAFF).ok
    assert lines() == before
    added = {"description": "Call-out", "quantity": "2", "price": "10"}
    assert invoice_actions.add_line(order_id, invoice_id, added, STAFF).ok and lines() == before + 1
