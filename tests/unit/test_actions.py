"""The user actions as plain functions: what each changes, who hears about it, what it refuses."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.actions import order_page, portal
from repair_portal.db import write_session
from repair_portal.models import (
    AuditEvent,
    Message,
    Order,
    OutboxMessage,
    Payment,
    PortalLink,
    Quote,
    QuoteLine,
    Signature,
    Stage,
)
from repair_portal.services import audit, consents
from repair_portal.services.quote_view import document_sha256

from .. import factories
from .quote_helpers import data_url, pad_png, shop_with_sent_quote

STAFF = audit.Actor("staff", 1, "desk@example.com", "198.51.100.1", "pytest")
CLIENT = portal.Client("203.0.113.5", "phone-browser")


@pytest.fixture
def order(app_env, engine):
    with write_session(engine) as s:
        setup = shop_with_sent_quote(s)
        factories.staff(s, email="desk@example.com")
        return s.get(Order, setup.order_id)


def _rows(engine, model, **where):
    with write_session(engine) as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.exec(query).all()


def test_change_stage_moves_emails_and_refuses_a_stale_page(order, engine):
    with write_session(engine) as s:
        stages = s.exec(select(Stage).order_by(Stage.position)).all()
        target = next(st for st in stages if st.id != order.stage_id)
    stale = order_page.change_stage(order.id, target.id, str(order.stage_id + 999), STAFF)
    assert not stale.ok and stale.stale and stale.level == "warning"
    moved = order_page.change_stage(order.id, target.id, str(order.stage_id), STAFF)
    assert moved.ok and moved.changed == "stage" and moved.order_id == order.id and target.name in moved.message
    assert _rows(engine, Order, id=order.id)[0].stage_id == target.id
    assert not order_page.change_stage(order.id, None, str(target.id), STAFF).ok
    assert order_page.change_stage(10**9, target.id, "1", STAFF).message.startswith("That order or stage")


def test_payments_and_refunds_with_form_errors_beside_the_form(order, engine):
    from repair_portal.services.payments import new_payment_key

    def form(**fields):
        return {"method": "cash", "key": new_payment_key(), **fields}

    paid = order_page.record_payment(order.id, form(amount="50.00"), STAFF)
    refund = order_page.record_payment(order.id, form(amount="10", refund="on", note="x"), STAFF)
    bad = order_page.record_payment(order.id, form(amount="lots"), STAFF)
    assert paid.ok and paid.changed == "payments" and refund.message == "Refund recorded."
    assert not bad.ok and bad.level == "form" and bad.message
    assert sorted(p.amount_minor for p in _rows(engine, Payment, order_id=order.id)) == [-1000, 5000]
    assert order_page.record_payment(10**9, form(amount="5"), STAFF).message == "That order no longer exists."


def test_a_staff_reply_reaches_the_thread_and_the_customer(order, engine):
    outcome = order_page.staff_reply(order.id, "Your screen arrived", "Dee", STAFF)
    assert outcome.ok and outcome.changed == "messages"
    assert [m.body for m in _rows(engine, Message, order_id=order.id)] == ["Your screen arrived"]
    assert not order_page.staff_reply(order.id, "   ", "Dee", STAFF).ok


def test_rotating_and_revoking_links(order, engine):
    rotated = order_page.rotate_link(order.id, STAFF)
    assert rotated.ok and rotated.changed == "link"
    revoked = order_page.revoke_link(order.id, STAFF)
    assert revoked.ok and "revoked" in revoked.message
    again = order_page.revoke_link(order.id, STAFF)
    assert again.level == "info" and "no live link" in again.message
    assert all(link.revoked_at for link in _rows(engine, PortalLink, order_id=order.id))


def test_customer_messages_and_feedback_reach_the_shop_unless_switched_off(order, engine):
    message = portal.post_message(order.id, "Is it ready?", CLIENT, is_feedback=False)
    feedback = portal.post_message(order.id, "Great work", CLIENT, is_feedback=True)
    assert message.ok and message.changed == "messages" and feedback.ok and feedback.changed is None
    assert {m.template for m in _rows(engine, OutboxMessage)} >= {"customer_message", "feedback_received"}
    with write_session(engine) as s:
        from repair_portal.models import ShopSettings

        s.get(ShopSettings, 1).show_messages = False
    off = portal.post_message(order.id, "Hello?", CLIENT, is_feedback=False)
    assert not off.ok and "switched messages off" in off.message
    assert len(_rows(engine, Message, order_id=order.id)) == 2


def _approval(engine, order, **overrides) -> portal.Approval:
    with write_session(engine) as s:
        quote = s.exec(select(Quote).where(Quote.order_id == order.id)).one()
        sha = document_sha256(s, quote)
    values = {
        "quote_version": 1,
        "signer_name": "Ada Nowak",
        "agreed_to_terms": True,
        "signature_png": data_url(pad_png()),
        "shown_sha256": sha,
    }
    return portal.Approval(**{**values, **overrides})


def test_approving_twice_signs_once_and_tells_the_shop_once(order, engine):
    first = portal.approve_quote(order.id, _approval(engine, order), CLIENT)
    second = portal.approve_quote(order.id, _approval(engine, order), CLIENT)
    assert first.ok and second.ok and first.changed == "quote"
    assert len(_rows(engine, Signature)) == 1
    assert len([m for m in _rows(engine, OutboxMessage) if m.template == "quote_decided"]) == 1
    signed = _rows(engine, Signature)[0]
    assert (signed.ip, signed.user_agent) == (CLIENT.ip, CLIENT.user_agent)


def test_a_quote_changed_since_it_was_shown_is_refused(order, engine):
    outcome = portal.approve_quote(order.id, _approval(engine, order, shown_sha256="0" * 64), CLIENT)
    assert not outcome.ok and outcome.stale and outcome.level == "form"
    assert _rows(engine, Signature) == []


def test_declining_needs_a_reason_and_optional_lines_can_be_chosen(order, engine):
    with write_session(engine) as s:
        quote = s.exec(select(Quote).where(Quote.order_id == order.id)).one()
        optional = s.exec(select(QuoteLine).where(QuoteLine.quote_id == quote.id, QuoteLine.optional)).one()
    assert portal.choose_optional_line(order.id, optional.id, False, CLIENT).ok
    assert not portal.choose_optional_line(order.id, 10**9, False, CLIENT).ok
    assert not portal.decline_quote(order.id, 1, "   ", CLIENT).ok
    declined = portal.decline_quote(order.id, 1, "Too expensive", CLIENT)
    assert declined.ok and declined.changed == "quote"
    assert any(e.action == "quote.declined" for e in _rows(engine, AuditEvent, order_id=order.id))


def test_signing_a_consent_records_where_from(order, engine):
    with write_session(engine) as s:
        pending = consents.pending(s, s.get(Order, order.id))
    assert pending, "the shop's terms ask for a signature before approval"
    outcome = portal.sign_consent(order.id, pending[0].purpose, "Ada Nowak", data_url(pad_png()), CLIENT)
    assert outcome.ok and outcome.changed == "signature"
    assert not portal.sign_consent(order.id, "not-a-purpose", "Ada", data_url(pad_png()), CLIENT).ok


def test_quote_drafts_sends_and_counter_decisions(order, engine):
    from repair_portal.services.quote_builder import FormLine

    rows = [FormLine("Battery", "1", "49.00", False)]
    draft = order_page.save_quote_draft(order.id, rows, STAFF)
    assert draft.ok and draft.changed is None and "Draft v2" in draft.message  # v1 was sent already
    bad = order_page.send_quote(order.id, [FormLine("", "x", "free", False)], STAFF)
    assert not bad.ok and bad.level == "form"
    sent = order_page.send_quote(order.id, rows, STAFF)
    assert sent.ok and sent.changed == "quote" and "Quote v2 sent" in sent.message
    assert not order_page.record_staff_decision(order.id, 2, "maybe", STAFF).ok
    # An approval is never a one-click decision: it goes through the confirmation (record_staff_approval).
    assert not order_page.record_staff_decision(order.id, 2, "phone-yes", STAFF).ok
    nameless = order_page.record_staff_approval(order.id, 2, "phone", " ", {}, "", STAFF)
    assert not nameless.ok and nameless.level == "form" and "name" in nameless.errors["approver"]
    wordy = order_page.record_staff_approval(order.id, 2, "phone", "Ada " * 60, {}, "", STAFF)  # 239 characters
    assert not wordy.ok and wordy.errors["approver"] == "That name is too long (200 characters at most)."
    odd = order_page.record_staff_approval(order.id, 2, "carrier pigeon", "Ada Nowak", {}, "", STAFF)
    assert not odd.ok and odd.level == "form"
    stale = order_page.record_staff_approval(order.id, 1, "phone", "Ada Nowak", {}, "", STAFF)  # v1 superseded
    assert not stale.ok and stale.stale and "changed" in stale.message
    decided = order_page.record_staff_approval(order.id, 2, "in_person", "Ada Nowak", {}, "Paid a deposit", STAFF)
    assert decided.ok and decided.changed == "quote" and "at the counter by Ada Nowak" in decided.message
    again = order_page.record_staff_approval(order.id, 2, "in_person", "Ada Nowak", {}, "", STAFF)
    assert again.ok and again.level == "info" and "already approved" in again.message
    assert [e.action for e in _rows(engine, AuditEvent, order_id=order.id)].count("quote.approved") == 1
    assert _rows(engine, Quote, order_id=order.id, version=2)[0].decision_note == "Paid a deposit"


def test_a_price_list_item_goes_into_the_draft(order, engine):
    from repair_portal.services import price_list

    with write_session(engine) as s:
        item = price_list.create_item(s, price_list.ItemForm(name="Battery", price="49"), STAFF)
    added = order_page.add_price_list_item(order.id, item.id, STAFF)
    assert added.ok and "draft v2 (a new draft, from v1)" in added.message
    assert added.changed is None  # the customer sees nothing yet
    draft = _rows(engine, Quote, order_id=order.id, version=2)[0]
    assert draft.status == "draft"
    assert [line.description for line in _rows(engine, QuoteLine, quote_id=draft.id)][-1] == "Battery"
    assert not order_page.add_price_list_item(order.id, 10**9, STAFF).ok
    assert not order_page.add_price_list_item(order.id, None, STAFF).ok
    assert not order_page.add_price_list_item(10**9, item.id, STAFF).ok


def test_booking_in_queues_the_email_and_names_the_fields_to_fix(app_env, engine):
    from repair_portal.actions import intake
    from repair_portal.services.intake import IntakeForm

    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com")
        location_id = location.id
    missing = intake.book_in_order(IntakeForm.from_form({"location_id": str(location_id)}), STAFF)
    assert not missing.ok and {"last_name", "problem"} <= set(missing.errors)
    form = IntakeForm.from_form(
        {
            "first_name": "Ada",
            "last_name": "Nowak",
            "email": "ada@example.com",
            "email_updates": "on",
            "make": "Apple",
            "model": "iPhone 15",
            "problem": "Cracked screen",
            "location_id": str(location_id),
        }
    )
    booked = intake.book_in_order(form, STAFF)
    assert booked.ok and booked.changed == "board" and booked.order_id and "queued" in booked.message
    assert [m.template for m in _rows(engine, OutboxMessage)] == ["order_booked"]
