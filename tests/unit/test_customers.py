"""The customer directory: search in every format staff type, paging, the detail record, edits with
validation, optimistic locking that never overwrites, and the audit trail."""

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Customer, Order, Stage
from repair_portal.services import audit, customers, workflow
from repair_portal.services.intake import IntakeForm, book_in

from .. import factories
from ..conftest import TEST_SECRET_KEY

LONG_AGO = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _book(session, location, last_name, *, first_name="", email="", phone="", company="", serial="", make="Apple"):
    form = IntakeForm(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        company=company,
        email_updates=True,
        device_kind="phone",
        make=make,
        model="Model X",
        serial=serial,
        problem="Broken",
        intake_condition="",
        promised_date="",
        location_id=location.id,
        assigned_to_id=None,
    )
    order = book_in(session, TEST_SECRET_KEY, form, factories.ACTOR).new.order
    customer = session.get(Customer, order.customer_id)
    customer.updated_at = customer.created_at = LONG_AGO  # activity then comes from the orders
    session.add(customer)
    session.flush()
    return customer, order


def _directory(session, clock):
    _, location = factories.shop(session)
    ada, _ = _book(
        session, location, "Nowak", first_name="Ada", email="ada@example.com", phone="07400 900123", serial="SN-ABC-1"
    )
    clock.advance(hours=1)
    bob, _ = _book(
        session,
        location,
        "Baker",
        first_name="Bob",
        email="bob@bakery.example",
        phone="+1 (201) 555-0123",
        company="Baker & Sons",
        serial="IMEI356938035643809",
    )
    clock.advance(hours=1)
    cy, _ = _book(session, location, "O'Neil", first_name="Cy", email="cy_100%@example.com", phone="020 7946 0000")
    return location, ada, bob, cy


def _ids(rows):
    return [r.id for r in rows]


def _find(session, term):
    rows, total = customers.list_customers(session, search=term)
    assert total == len(rows)
    return _ids(rows)


def test_search_by_name_company_email_and_serial(session, clock):
    _, ada, bob, _ = _directory(session, clock)
    assert _find(session, "nowak") == [ada.id]
    assert _find(session, "NOWA") == [ada.id]  # a surname prefix, any case
    assert _find(session, "  ADA  ") == [ada.id]
    assert _find(session, "ada nowak") == [ada.id]  # the full name, as staff say it
    assert _find(session, "baker & s") == [bob.id]  # company (its start, any case)
    assert _find(session, "sons") == []  # names and companies match from their start
    assert _find(session, "BOB@bakery") == [bob.id]  # an email, from its start
    assert _find(session, "bakery.example") == []
    assert _find(session, "sn-abc") == [ada.id]  # serial, any case, from its start
    assert _find(session, "imei3569380") == [bob.id]
    assert _find(session, "nobody-like-this") == []


def test_phone_search_finds_normalised_numbers_whatever_the_format_typed(session, clock):
    _, ada, bob, cy = _directory(session, clock)
    assert session.get(Customer, ada.id).phone == "+447400900123"
    for typed in ("07400 900123", "+44 7400 900123", "00447400900123", "(07400) 900-123", "900123", "07400"):
        assert _find(session, typed) == [ada.id], typed
    assert _find(session, "201-555-0123") == [bob.id]
    assert _find(session, "020 7946") == [cy.id]


def test_like_wildcards_in_the_search_are_literal(session, clock):
    _, _, _, cy = _directory(session, clock)
    assert _find(session, "cy_100%") == [cy.id]  # '%' and '_' are plain characters
    assert _find(session, "%") == []
    assert _find(session, "_") == []
    assert _find(session, "o'neil") == [cy.id]


def test_rows_carry_order_counts_and_last_order_and_are_alphabetical(session, clock):
    location, ada, bob, cy = _directory(session, clock)
    clock.advance(hours=1)
    # Ada books a second repair: she becomes the most recent activity.
    _, latest = _book(session, location, "Nowak", first_name="Ada", email="ada@example.com", serial="SN-2")
    idle = Customer(first_name="Zed", last_name="Idle", email="z@example.com", updated_at=LONG_AGO)
    also_idle = Customer(first_name="Al", last_name="Idle", email="al@example.com", updated_at=LONG_AGO)
    session.add_all([idle, also_idle])
    session.flush()
    rows, total = customers.list_customers(session)
    assert total == 5
    assert _ids(rows) == [bob.id, also_idle.id, idle.id, ada.id, cy.id]  # last name, then first: Al before Zed
    first = rows[3]
    assert first.order_count == 2 and first.last_order_reference == latest.reference
    assert first.last_order_id == latest.id and first.last_order_at == latest.booked_in_at
    assert first.name == "Ada Nowak" and first.phone == "07400 900123"  # as the shop's country writes it
    assert rows[0].phone == "+1 201-555-0123"  # from abroad: with its country code
    assert first.last_activity_at == latest.updated_at
    assert rows[1].order_count == 0 and rows[1].last_order_reference == "" and rows[1].last_order_at is None
    assert rows[1].last_activity_at == LONG_AGO


def test_paging_returns_each_customer_once_with_the_full_total(session, clock):
    _, location = factories.shop(session)
    for i in range(30):
        clock.advance(minutes=1)
        _book(session, location, f"Person{i:02d}", email=f"p{i}@example.com")
    first, total = customers.list_customers(session, limit=25, offset=0)
    rest, total_again = customers.list_customers(session, limit=25, offset=25)
    assert total == total_again == 30
    assert len(first) == 25 and len(rest) == 5
    assert len(set(_ids(first)) | set(_ids(rest))) == 30
    matching, matching_total = customers.list_customers(session, search="person1", limit=5)
    assert matching_total == 10 and len(matching) == 5  # Person10..Person19, total counts them all


def test_detail_lists_contact_consent_devices_and_orders_newest_first(session, clock):
    location, ada, _, _ = _directory(session, clock)
    clock.advance(days=1)
    _, newer = _book(session, location, "Nowak", email="ada@example.com", serial="SN-NEW", make="Samsung")
    ready = session.exec(select(Stage).where(Stage.kind == "ready")).first()
    workflow_stage = ready or workflow.active_stages(session)[-1]
    order = session.get(Order, newer.id)
    order.stage_id = workflow_stage.id
    session.add(order)
    session.flush()
    detail = customers.customer_detail(session, ada.id)
    assert detail.name == "Ada Nowak" and detail.email == "ada@example.com" and detail.phone == "+447400900123"
    assert (detail.phone_display, detail.country) == ("07400 900123", "GB")
    assert detail.email_updates is True and detail.sms_updates is False
    assert detail.updated_at == LONG_AGO
    assert {d.serial for d in detail.devices} == {"SN-ABC-1", "SN-NEW"}
    assert {d.label for d in detail.devices} == {"Apple Model X", "Samsung Model X"}
    assert detail.orders[0].id == newer.id and len(detail.orders) == 2
    assert detail.orders[0].stage == workflow_stage.name and detail.orders[0].stage_color == workflow_stage.color
    assert detail.orders[0].device == "Samsung Model X"
    assert detail.orders[0].booked_in_at > detail.orders[1].booked_in_at
    assert detail.orders_total == 2 and detail.devices_total == 2
    assert customers.customer_detail(session, 999_999) is None


def test_a_big_account_shows_its_newest_orders_and_how_many_there_are(session, clock, monkeypatch):
    monkeypatch.setattr(customers, "SHOWN_ON_PAGE", 3)
    location, ada, _, _ = _directory(session, clock)
    for i in range(4):
        clock.advance(days=1)
        _book(session, location, "Nowak", email="ada@example.com", serial=f"SN-{i}")
    detail = customers.customer_detail(session, ada.id)
    assert len(detail.orders) == 3 and detail.orders_total == 5
    assert len(detail.devices) == 3 and detail.devices_total == 5
    assert detail.orders[0].booked_in_at >= detail.orders[-1].booked_in_at


def _form(customer, **changes):
    return customers.CustomerForm(**{**customers.CustomerForm.of(customer).__dict__, **changes})


def _alice_and_bob(session):
    alice = factories.staff(session, email="alice@example.com", name="Alice Able")
    bob = factories.staff(session, email="bob@example.com", name="Bob Baker")
    return audit.Actor("staff", alice.id, alice.email), audit.Actor("staff", bob.id, bob.email)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_name": "   "}, "last_name", "last name"),
        ({"email": "not-an-email"}, "email", "doesn't look right"),
        ({"phone": "0770"}, "phone", "too short"),
        ({"phone": "07400 9001 23 45 67 89 01"}, "phone", "too long"),
        ({"phone": "call me maybe"}, "phone", "digits only"),
        ({"email": "", "phone": ""}, "phone", "phone number or an email"),
        ({"first_name": "x" * 101}, "first_name", "100 characters"),
        ({"company": "x" * 201}, "company", "200 characters"),
        ({"phone": "", "sms_updates": True}, "sms_updates", "SMS"),
    ],
)
def test_invalid_edits_are_refused_with_a_message_on_the_field(write, clock, changes, field, message):
    with write() as s:
        _, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", first_name="Ada", email="ada@example.com", phone="07400 900123")
        with pytest.raises(customers.CustomerInvalid) as info:
            customers.update_customer(
                s, customer.id, _form(customer, **changes), expected_updated_at=LONG_AGO, actor=factories.ACTOR
            )
        assert field in info.value.errors and message in info.value.errors[field]
    with write() as s:
        stored = s.get(Customer, customer.id)
        assert stored.updated_at == LONG_AGO and stored.last_name == "Nowak" and stored.phone == "+447400900123"
        assert s.exec(select(AuditEvent).where(AuditEvent.action.like("customer.%updated"))).all() == []


def test_a_save_normalises_phone_and_email_and_moves_the_version(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        alice, _ = _alice_and_bob(s)
        customer, _ = _book(s, location, "Nowak", first_name="Ada", email="ada@example.com", phone="07400 900123")
        form = _form(customer, phone=" 07400 900 555 ", email="  Ada.N@Example.COM ", first_name=" Adele ")
        changed = customers.update_customer(s, customer.id, form, expected_updated_at=LONG_AGO, actor=alice)
        assert changed == ["first_name", "email", "phone"]
    with write() as s:
        stored = s.get(Customer, customer.id)
        assert (stored.first_name, stored.email, stored.phone) == ("Adele", "ada.n@example.com", "+447400900555")
        assert stored.updated_at == clock.now()


def test_edits_read_numbers_in_the_shops_country_and_name_it_in_messages(write, clock):
    with write() as s:
        shop, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", email="ada@example.com", phone="07400 900123")
        shop.country = "IE"
        s.add(shop)
    with write() as s:
        with pytest.raises(customers.CustomerInvalid) as info:
            customers.update_customer(
                s,
                customer.id,
                _form(customer, phone="099 123 4567"),
                expected_updated_at=LONG_AGO,
                actor=factories.ACTOR,
            )
        assert info.value.errors["phone"].startswith("That doesn't look like an Irish phone number.")
        irish = _form(customer, phone="087 123 4567")
        assert customers.update_customer(
            s, customer.id, irish, expected_updated_at=LONG_AGO, actor=factories.ACTOR
        ) == ["phone"]
        assert s.get(Customer, customer.id).phone == "+353871234567"
        detail = customers.customer_detail(s, customer.id)
        assert (detail.phone_display, detail.country) == ("087 123 4567", "IE")
        assert customers.list_customers(s, search="087 123")[0][0].phone == "087 123 4567"


def test_a_number_saved_before_numbers_were_checked_does_not_block_other_edits(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", email="ada@example.com", phone="07400 900123")
        s.get(Customer, customer.id).phone = "+447700900123"  # Ofcom's fictional range: not a valid number
    with write() as s:
        loaded = s.get(Customer, customer.id)
        form = _form(loaded, first_name="Ada", phone="07700 900123")  # shown nationally, saved back unchanged
        assert customers.update_customer(s, customer.id, form, expected_updated_at=LONG_AGO, actor=factories.ACTOR) == [
            "first_name"
        ]
        version = s.get(Customer, customer.id).updated_at
        with pytest.raises(customers.CustomerInvalid) as info:  # a new number is checked
            customers.update_customer(
                s, customer.id, _form(loaded, phone="07700 900124"), expected_updated_at=version, actor=factories.ACTOR
            )
        assert "doesn't look like a UK phone number" in info.value.errors["phone"]


def test_saving_without_changes_writes_nothing(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", email="ada@example.com", phone="07400 900123")
        same = _form(customer, phone="07400 900123", email=" ADA@example.com")  # same values once normalised
        assert (
            customers.update_customer(s, customer.id, same, expected_updated_at=LONG_AGO, actor=factories.ACTOR) == []
        )
    with write() as s:
        assert s.get(Customer, customer.id).updated_at == LONG_AGO
        assert s.exec(select(AuditEvent).where(AuditEvent.action.like("customer.%"))).all()[-1].action == (
            "customer.created"
        )


def test_a_stale_save_is_refused_names_who_and_what_changed_and_leaves_their_save_intact(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        alice, bob = _alice_and_bob(s)
        customer, _ = _book(s, location, "Nowak", first_name="Ada", email="ada@example.com", phone="07400 900123")
        loaded = customers.customer_detail(s, customer.id)
    alice_form = customers.CustomerForm.of(loaded)
    bob_form = customers.CustomerForm.of(loaded)
    # Same frozen clock tick for both saves: the version must still move.
    with write() as s:
        customers.update_customer(
            s,
            customer.id,
            _form(loaded, email="new@example.com", phone="07400 900999"),
            expected_updated_at=loaded.updated_at,
            actor=alice,
            original=alice_form,
        )
    with write() as s, pytest.raises(customers.CustomerConflict) as info:
        customers.update_customer(
            s,
            customer.id,
            _form(loaded, company="Bob's edit"),
            expected_updated_at=loaded.updated_at,
            actor=bob,
            original=bob_form,
        )
    assert info.value.changed == ["email", "phone"] and info.value.by == "Alice Able"
    message = str(info.value)
    assert message.startswith("Alice Able saved this customer while you were editing (changed: email, phone).")
    assert "were not saved" in message and "their values with your edits on top" in message
    with write() as s:
        stored = s.get(Customer, customer.id)
        assert (stored.email, stored.phone, stored.company) == ("new@example.com", "+447400900999", "")
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all()) == 1
        # Without the loaded values the message still names the fields, from the audit trail.
        with pytest.raises(customers.CustomerConflict) as again:
            customers.update_customer(s, customer.id, _form(loaded), expected_updated_at=loaded.updated_at, actor=bob)
        assert again.value.changed == ["email", "phone"] and again.value.by == "Alice Able"
        # With the fresh version, Bob's save goes through.
        fresh = customers.customer_detail(s, customer.id)
        customers.update_customer(
            s, customer.id, _form(fresh, company="Bob's edit"), expected_updated_at=fresh.updated_at, actor=bob
        )
        assert s.get(Customer, customer.id).company == "Bob's edit"
        assert s.get(Customer, customer.id).email == "new@example.com"
        # Bob saved in the same clock tick as Alice, yet the version moved: Alice's copy is stale now.
        assert s.get(Customer, customer.id).updated_at > fresh.updated_at
        with pytest.raises(customers.CustomerConflict) as third:
            customers.update_customer(
                s, customer.id, _form(fresh, first_name="Late"), expected_updated_at=fresh.updated_at, actor=alice
            )
        assert third.value.changed == ["company"] and third.value.by == "Bob Baker"


def test_concurrent_saves_from_the_same_version_exactly_one_wins(engine, write, clock):
    with write() as s:
        _, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", email="ada@example.com", phone="07400 900123")
        loaded = customers.customer_detail(s, customer.id)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def save(company):
        start.wait()
        try:
            with write() as s:
                customers.update_customer(
                    s,
                    customer.id,
                    _form(loaded, company=company),
                    expected_updated_at=loaded.updated_at,
                    actor=factories.ACTOR,
                )
            outcomes.append(company)
        except customers.CustomerConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(f"Company {i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o != "conflict"]
    assert len(winners) == 1 and outcomes.count("conflict") == 3
    with write() as s:
        assert s.get(Customer, customer.id).company == winners[0]
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all()) == 1


def test_audit_rows_name_the_fields_keep_contact_values_out_and_record_consent_changes(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        alice, _ = _alice_and_bob(s)
        customer, _ = _book(s, location, "Nowak", first_name="Ada", email="ada@example.com", phone="07400 900123")
        form = _form(
            customer, last_name="Nowak-Smith", email="secret@example.com", email_updates=False, sms_updates=True
        )
        customers.update_customer(s, customer.id, form, expected_updated_at=LONG_AGO, actor=alice)
    with write() as s:
        events = {e.action: e for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("customer.%"))).all()}
        updated = events["customer.updated"]
        detail = json.loads(updated.detail)
        assert updated.actor_id == alice.id and updated.actor_type == "staff"
        assert detail["customer_id"] == customer.id and detail["fields"] == ["last_name", "email"]
        assert detail["changes"] == {"last_name": ["Nowak", "Nowak-Smith"]}
        assert "secret@example.com" not in updated.detail and "ada@example.com" not in updated.detail
        consent = json.loads(events["customer.consent_changed"].detail)
        assert consent["fields"] == ["email_updates", "sms_updates"]
        assert consent["changes"] == {"email_updates": [True, False], "sms_updates": [False, True]}
        stored = s.get(Customer, customer.id)
        assert stored.email_updates is False and stored.sms_updates is True


def test_a_consent_only_change_writes_only_the_consent_event(write, clock):
    with write() as s:
        _, location = factories.shop(s)
        customer, _ = _book(s, location, "Nowak", email="ada@example.com", phone="07400 900123")
        changed = customers.update_customer(
            s, customer.id, _form(customer, sms_updates=True), expected_updated_at=LONG_AGO, actor=factories.ACTOR
        )
        assert changed == ["sms_updates"]
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("customer.%")))]
        assert actions == ["customer.created", "customer.consent_changed"]


def test_editing_a_missing_customer_is_refused(write, clock):
    with write() as s:
        factories.shop(s)
        with pytest.raises(customers.CustomerNotFound):
            customers.update_customer(
                s,
                424242,
                customers.CustomerForm(last_name="X", email="x@example.com"),
                expected_updated_at=LONG_AGO,
                actor=factories.ACTOR,
            )


def test_form_values_from_the_browser_are_bounded_and_flags_parsed():
    form = customers.CustomerForm.from_form(
        {"first_name": "a" * 5000, "last_name": None, "email_updates": "on", "sms_updates": False, "junk": "x"}
    )
    assert len(form.first_name) == 1000 and form.last_name == ""
    assert form.email_updates is True and form.sms_updates is False
    assert customers.flag(True) and customers.flag("true") and not customers.flag("off") and not customers.flag(None)
