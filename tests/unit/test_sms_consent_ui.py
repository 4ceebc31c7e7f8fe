"""Texting consent where people give it: the intake's own "Text me updates" tick, the staff customer form, the
customer's switch in the portal; and how the ledger reads back (the staff page's history, the masked number)."""

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Customer, Role, SmsConsent
from repair_portal.services import audit, customers, sms_consent, sms_consent_view
from repair_portal.services.intake import IntakeError, IntakeForm, book_in

from .. import factories
from ..conftest import TEST_SECRET_KEY

LONG_AGO = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _form(location_id, **overrides) -> IntakeForm:
    data = {
        "first_name": "Chloé",
        "last_name": "Moreau",
        "email": "chloe@example.com",
        "phone": "07400 900123",
        "email_updates": "on",
        "device_kind": "phone",
        "make": "Apple",
        "model": "iPhone 15",
        "problem": "Screen cracked",
        "location_id": str(location_id),
    }
    data.update(overrides)
    return IntakeForm.from_form(data)


def _desk(session):
    user = factories.staff(session, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
    return audit.Actor("staff", user.id, user.email)


def _ledger(session, customer_id) -> list[SmsConsent]:
    return list(session.exec(select(SmsConsent).where(SmsConsent.customer_id == customer_id).order_by(SmsConsent.id)))


def test_the_texts_tick_is_recorded_with_the_wording_the_staff_member_and_the_number(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    result = book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on"), desk)
    customer = session.get(Customer, result.new.order.customer_id)
    assert customer.sms_updates is True and customer.email_updates is True
    [row] = _ledger(session, customer.id)
    assert (row.granted, row.channel, row.phone, row.staff_user_id) == (True, "intake", "+447400900123", desk.id)
    assert row.wording == sms_consent.INTAKE_WORDING and row.at is not None
    rows = sms_consent_view.history_rows(session, customer.id, "Europe/London", "GB")
    assert [(r.on, r.how, r.number) for r in rows] == [(True, "at intake by Dee Desk", "07400 900123")]
    given = session.exec(select(AuditEvent).where(AuditEvent.action == "sms.consent_given")).one()
    assert json.loads(given.detail) == {"channel": "intake"} and given.actor_id == desk.id


def test_email_updates_alone_never_mean_texts(session):
    _, location = factories.shop(session)
    result = book_in(session, TEST_SECRET_KEY, _form(location.id), _desk(session))
    customer = session.get(Customer, result.new.order.customer_id)
    assert customer.email_updates is True and customer.sms_updates is False
    assert _ledger(session, customer.id) == []
    # The tick's ref (a boolean) wins over its hidden input, as the browser sends both.
    assert IntakeForm.from_form({"sms_updates": "on", "f_sms_updates": False}).sms_updates is False
    assert IntakeForm.from_form({"f_sms_updates": True}).sms_updates is True


def test_texts_need_a_mobile_number(session):
    _, location = factories.shop(session)
    with pytest.raises(IntakeError) as caught:
        book_in(session, TEST_SECRET_KEY, _form(location.id, phone="", sms_updates="on"), _desk(session))
    assert caught.value.errors == {"sms_updates": "Enter a mobile number to text updates."}
    assert session.exec(select(Customer)).all() == [] and session.exec(select(SmsConsent)).all() == []


def test_a_returning_customer_who_ticks_texts_is_texted_at_the_number_they_gave(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    old = Customer(first_name="Chloé", last_name="Moreau", email="chloe@example.com", phone="+447400900999")
    old.updated_at = LONG_AGO
    session.add(old)
    session.flush()
    result = book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on"), desk)
    assert result.matched_existing_customer and result.new.order.customer_id == old.id
    session.refresh(old)
    assert old.phone == "+447400900123" and old.sms_updates is True and old.updated_at > LONG_AGO
    assert [r.phone for r in _ledger(session, old.id)] == ["+447400900123"]
    updated = session.exec(select(AuditEvent).where(AuditEvent.action == "customer.updated")).one()
    assert json.loads(updated.detail)["fields"] == ["phone"] and "900123" not in updated.detail
    # Already agreed: a second booking with the tick adds nothing to the ledger.
    book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on", serial="TWO"), desk)
    assert len(_ledger(session, old.id)) == 1


def test_the_staff_customer_form_changes_texts_through_the_ledger(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    customer.phone, customer.updated_at = "+447400900123", LONG_AGO
    session.add(customer)
    session.flush()
    form = customers.CustomerForm.of(customer)
    changed = customers.update_customer(
        session, customer.id, customers.CustomerForm(**{**form.__dict__, "sms_updates": True}),
        expected_updated_at=LONG_AGO, actor=desk,
    )  # fmt: skip
    assert changed == ["sms_updates"] and session.get(Customer, customer.id).sms_updates is True
    customers.update_customer(
        session, customer.id, customers.CustomerForm(**{**form.__dict__, "sms_updates": False}),
        expected_updated_at=session.get(Customer, customer.id).updated_at, actor=desk,
    )  # fmt: skip
    assert [(r.granted, r.channel, r.staff_user_id) for r in _ledger(session, customer.id)] == [
        (True, "staff", desk.id),
        (False, "staff", desk.id),
    ]
    rows = sms_consent_view.history_rows(session, customer.id, "Europe/London", "GB")
    assert [(r.on, r.how) for r in rows] == [(False, "by staff (Dee Desk)"), (True, "by staff (Dee Desk)")]
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("customer.consent_changed") == 2 and "sms.consent_withdrawn" in actions


def test_history_says_how_each_change_came(session):
    _, location = factories.shop(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    customer.phone = "+447400900123"
    for granted, channel in ((True, "portal"), (False, "keyword"), (True, "keyword"), (False, "intake")):
        sms_consent.set_consent(session, customer, granted, channel, audit.SYSTEM)
    rows = sms_consent_view.history_rows(session, customer.id, "Europe/London", "GB")
    assert [(r.on, r.how) for r in rows] == [
        (False, "at intake"),
        (True, "by replying START"),
        (False, "by replying STOP"),
        (True, "in the portal"),
    ]
    assert sms_consent_view.history_rows(session, customer.id + 1, "Europe/London", "GB") == []


@pytest.mark.parametrize(
    ("stored", "region", "shown"),
    [
        ("+447700900123", "GB", "•••• 0123"),
        ("+353851234567", "GB", "•••• 4567"),
        ("+12015550123", "US", "•••• 0123"),
        ("", "GB", ""),
        ("12", "GB", ""),
    ],
)
def test_the_customer_sees_only_the_last_four_digits(stored, region, shown):
    assert sms_consent_view.masked(stored, region) == shown


def test_the_portal_switch_records_the_portal_wording_and_needs_a_number(session):
    _, location = factories.shop(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    who = audit.Actor("customer", customer.id, customer.full_name)
    assert sms_consent_view.texts_choice(session, customer) == sms_consent_view.TextsChoice()  # no number: no switch
    with pytest.raises(sms_consent_view.TextsRefused):
        sms_consent_view.set_from_portal(session, customer, True, who)
    assert customer.sms_updates is False and _ledger(session, customer.id) == []
    customer.phone = "+447400900123"
    assert sms_consent_view.texts_choice(session, customer) == sms_consent_view.TextsChoice(True, "•••• 0123", False)
    assert sms_consent_view.set_from_portal(session, customer, True, who) is True
    assert sms_consent_view.set_from_portal(session, customer, True, who) is False  # already on: nothing new
    assert sms_consent_view.set_from_portal(session, customer, False, who) is True
    rows = _ledger(session, customer.id)
    assert [(r.granted, r.channel, r.staff_user_id) for r in rows] == [(True, "portal", None), (False, "portal", None)]
    assert all(r.wording == sms_consent.PORTAL_WORDING for r in rows)
    assert sms_consent_view.texts_choice(session, customer).on is False


def test_staff_cannot_switch_texts_back_on_after_the_customer_replied_stop(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    customer.phone, customer.updated_at = "+447400900123", LONG_AGO
    sms_consent.set_consent(session, customer, True, "intake", desk)
    sms_consent.set_consent(session, customer, False, "keyword", audit.SYSTEM)
    form = customers.CustomerForm(**{**customers.CustomerForm.of(customer).__dict__, "sms_updates": True})
    with pytest.raises(customers.CustomerInvalid) as caught:
        customers.update_customer(session, customer.id, form, expected_updated_at=LONG_AGO, actor=desk)
    assert caught.value.errors == {"sms_updates": customers.STOPPED}
    assert customer.sms_updates is False and len(_ledger(session, customer.id)) == 2
    sms_consent.set_consent(session, customer, True, "keyword", audit.SYSTEM)  # they replied START
    sms_consent.set_consent(session, customer, False, "staff", desk)  # then asked at the counter: no texts
    changed = customers.update_customer(session, customer.id, form, expected_updated_at=LONG_AGO, actor=desk)
    assert changed == ["sms_updates"] and customer.sms_updates is True


def test_an_edit_that_leaves_the_texts_switch_alone_keeps_a_choice_made_meanwhile(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    customer.phone, customer.updated_at, customer.sms_updates = "+447400900123", LONG_AGO, True
    loaded = customers.CustomerForm.of(customer)  # the staff member opens the form: texts on
    sms_consent.set_consent(session, customer, False, "keyword", audit.SYSTEM)  # the customer texts STOP
    mine = customers.CustomerForm(**{**loaded.__dict__, "last_name": "Nowak-Smith"})
    changed = customers.update_customer(
        session, customer.id, mine, expected_updated_at=LONG_AGO, actor=desk, original=loaded
    )
    assert changed == ["last_name"] and customer.sms_updates is False and customer.last_name == "Nowak-Smith"
    assert [r.channel for r in _ledger(session, customer.id)] == ["keyword"]


def test_a_new_number_on_the_customer_form_turns_texts_off_until_they_agree_for_it(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    customer = session.get(Customer, factories.order(session, location).order.customer_id)
    customer.phone, customer.updated_at = "+447400900123", LONG_AGO
    session.add(customer)
    sms_consent.set_consent(session, customer, True, "intake", desk, wording=sms_consent.INTAKE_WORDING)
    session.flush()
    form = customers.CustomerForm.of(customer)
    customers.update_customer(
        session, customer.id, customers.CustomerForm(**{**form.__dict__, "phone": "07400 900456"}),
        expected_updated_at=session.get(Customer, customer.id).updated_at, actor=desk,
    )  # fmt: skip
    assert session.get(Customer, customer.id).sms_updates is False
    last = _ledger(session, customer.id)[-1]
    assert (last.granted, last.channel, last.phone, last.wording) == (
        False, "staff", "+447400900456", customers.NUMBER_CHANGED,
    )  # fmt: skip


def test_ticking_texts_at_intake_for_a_number_that_replied_stop_is_refused(session):
    from repair_portal.services.intake import STOPPED_NUMBER

    _, location = factories.shop(session)
    desk = _desk(session)
    earlier = book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on"), desk)
    customer = session.get(Customer, earlier.new.order.customer_id)
    sms_consent.set_consent(session, customer, False, "keyword", audit.SYSTEM, always=True)  # they texted STOP
    with pytest.raises(IntakeError) as refused:
        book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on"), desk)
    assert refused.value.errors == {"sms_updates": STOPPED_NUMBER}


def test_a_returning_customer_on_a_new_number_agrees_again_for_that_number(session):
    _, location = factories.shop(session)
    desk = _desk(session)
    first = book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on"), desk)
    book_in(session, TEST_SECRET_KEY, _form(location.id, sms_updates="on", phone="07400 900777"), desk)
    rows = _ledger(session, first.new.order.customer_id)
    assert [(r.granted, r.phone) for r in rows] == [(True, "+447400900123"), (True, "+447400900777")]
