"""Order detail edits: validation, three-way merge, conflicts that never overwrite, and the audit trail."""

from datetime import date

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Location, Order
from repair_portal.services import audit, order_activity, order_edit, workflow

from .. import factories

ALICE = audit.Actor("staff", None, "alice@example.com")
TZ = "Europe/London"


def _setup(session):
    _, location = factories.shop(session)
    alice = factories.staff(session, email="alice@example.com", name="Alice Able")
    bob = factories.staff(session, email="bob@example.com", name="Bob Baker")
    new = factories.order(session, location)
    return new.order, location, audit.Actor("staff", alice.id, alice.email), audit.Actor("staff", bob.id, bob.email)


def _edit(form, **changes):
    return order_edit.DetailsForm(**{**form.__dict__, **changes})


def test_a_saved_edit_changes_only_the_edited_fields_and_bumps_the_version(write, clock):
    with write() as s:
        order, _, alice, _ = _setup(s)
        loaded = order_edit.form_for(order, TZ)
        version = order.version
        saved, changed = order_edit.save_details(
            s, order.id, loaded, _edit(loaded, internal_note="Battery swollen", promised="2026-11-20"), alice, tz=TZ
        )
        assert changed == ["internal_note", "promised"]
        assert saved.internal_note == "Battery swollen" and saved.version == version + 1
        assert saved.promised_at.date() == date(2026, 11, 20) and saved.problem == "Cracked screen"
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "order.details_changed")).one()
        assert '"internal_note"' in event.detail and "Battery swollen" not in event.detail


def test_two_staff_editing_the_same_field_the_second_save_is_refused_and_names_the_field(write, clock):
    with write() as s:
        order, _, alice, bob = _setup(s)
        alice_loaded = order_edit.form_for(order, TZ)
        bob_loaded = order_edit.form_for(order, TZ)
        order_edit.save_details(
            s, order.id, alice_loaded, _edit(alice_loaded, internal_note="Alice's note"), alice, tz=TZ
        )
        with pytest.raises(order_edit.EditConflict) as info:
            order_edit.save_details(s, order.id, bob_loaded, _edit(bob_loaded, internal_note="Bob's note"), bob, tz=TZ)
        assert info.value.changed == ["internal_note"]
        message = str(info.value)
        assert "Alice Able" in message and "internal note" in message and "not saved" in message
        assert s.get(Order, order.id).internal_note == "Alice's note"  # nothing overwritten


def test_edits_to_different_fields_merge(write, clock):
    with write() as s:
        order, _, alice, bob = _setup(s)
        alice_loaded = order_edit.form_for(order, TZ)
        bob_loaded = order_edit.form_for(order, TZ)
        order_edit.save_details(
            s, order.id, alice_loaded, _edit(alice_loaded, internal_note="needs a part"), alice, tz=TZ
        )
        _, changed = order_edit.save_details(
            s, order.id, bob_loaded, _edit(bob_loaded, public_note="We ordered the part"), bob, tz=TZ
        )
        order = s.get(Order, order.id)
        assert changed == ["public_note"]
        assert (order.internal_note, order.public_note) == ("needs a part", "We ordered the part")


def test_a_stage_change_by_someone_else_does_not_block_a_note_edit(write, clock):
    with write() as s:
        order, _, alice, bob = _setup(s)
        loaded = order_edit.form_for(order, TZ)
        workflow.change_stage(s, order, workflow.booking_stages(s)[1], bob)
        _, changed = order_edit.save_details(
            s, order.id, loaded, _edit(loaded, public_note="On the bench"), alice, tz=TZ
        )
        assert changed == ["public_note"]


def test_the_same_value_saved_twice_is_not_a_conflict(write, clock):
    with write() as s:
        order, _, alice, bob = _setup(s)
        a = order_edit.form_for(order, TZ)
        b = order_edit.form_for(order, TZ)
        order_edit.save_details(s, order.id, a, _edit(a, public_note="Ready Friday"), alice, tz=TZ)
        _, changed = order_edit.save_details(s, order.id, b, _edit(b, public_note="Ready Friday "), bob, tz=TZ)
        assert changed == []


def test_validation_names_each_bad_field_and_writes_nothing(write, clock):
    with write() as s:
        order, _location, alice, _ = _setup(s)
        closed = Location(name="Closed branch", active=False)
        s.add(closed)
        s.flush()
        loaded = order_edit.form_for(order, TZ)
        bad = _edit(loaded, problem="  ", promised="24/12/2026", assigned_to_id="999", location_id=str(closed.id))
        with pytest.raises(order_edit.DetailsInvalid) as info:
            order_edit.save_details(s, order.id, loaded, bad, alice, tz=TZ)
        assert set(info.value.errors) == {"problem", "promised", "assigned_to_id", "location_id"}
        assert "2026-12-24" in info.value.errors["promised"]
        assert s.get(Order, order.id).problem == "Cracked screen"


def test_technician_and_location_can_be_reassigned_and_cleared(write, clock):
    with write() as s:
        order, _location, alice, bob = _setup(s)
        other = Location(name="Station Road")
        s.add(other)
        s.flush()
        loaded = order_edit.form_for(order, TZ)
        order_edit.save_details(
            s, order.id, loaded, _edit(loaded, assigned_to_id=str(bob.id), location_id=str(other.id)), alice, tz=TZ
        )
        order = s.get(Order, order.id)
        assert (order.assigned_to_id, order.location_id) == (bob.id, other.id)
        loaded = order_edit.form_for(order, TZ)
        order_edit.save_details(s, order.id, loaded, _edit(loaded, assigned_to_id=""), alice, tz=TZ)
        assert s.get(Order, order.id).assigned_to_id is None


def test_the_activity_trail_reads_as_sentences_with_staff_names(write, clock):
    with write() as s:
        order, _, alice, bob = _setup(s)
        loaded = order_edit.form_for(order, TZ)
        order_edit.save_details(s, order.id, loaded, _edit(loaded, internal_note="x"), alice, tz=TZ)
        workflow.change_stage(s, order, workflow.booking_stages(s)[1], bob)
        items = order_activity.order_activity(s, order.id, TZ)
        sentences = [(i.who, i.what) for i in items]
        assert ("Bob Baker", "Moved to “Diagnosing”") in sentences
        assert ("Alice Able", "Changed internal note") in sentences
        assert sentences[-1][1].startswith("Booked in as R-")  # oldest last
        assert all(i.at for i in items)


def test_out_of_range_ids_are_field_errors_not_crashes(write, clock):
    with write() as s:
        order, _, alice, _ = _setup(s)
        loaded = order_edit.form_for(order, TZ)
        bad = _edit(loaded, assigned_to_id="9" * 20, location_id="²")
        with pytest.raises(order_edit.DetailsInvalid) as info:
            order_edit.save_details(s, order.id, loaded, bad, alice, tz=TZ)
        assert set(info.value.errors) == {"assigned_to_id", "location_id"}
