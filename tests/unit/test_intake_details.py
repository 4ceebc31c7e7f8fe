"""Intake beyond the problem: the shop's checklist, what was left with the device, a deposit, and a
passcode kept encrypted, revealed only with an audit row and deleted on collection."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from repair_portal.integrations import vault
from repair_portal.models import AuditEvent, Order, Payment, ShopSettings, Stage, StageKind
from repair_portal.services import audit, intake, passcodes, workflow
from repair_portal.services.intake import IntakeError, book_in

from .. import factories
from ..conftest import TEST_SECRET_KEY
from .test_intake_and_permissions import _form

DESK = audit.Actor("system", None, "desk@example.com")
KEY = vault.Fernet.generate_key()


def _book(session, location, **fields):
    return book_in(session, TEST_SECRET_KEY, _form(location.id, **fields), DESK, passcode_key=KEY).new.order


def test_the_checklist_records_every_item_ticked_or_not_in_the_shops_order(session):
    shop, location = factories.shop(session)
    shop.intake_checklist = "Powers on\n\n  Screen   cracked \nPowers on\nCharges"
    assert intake.checklist(shop) == ["Powers on", "Screen cracked", "Charges"]
    order = _book(
        session,
        location,
        **{"check:Screen cracked": "on", "check:Not on the list": "on", "accessories": "Blue case, charger"},
    )
    assert json.loads(order.intake_checks_json) == {"Powers on": False, "Screen cracked": True, "Charges": False}
    assert [(c.item, c.ticked) for c in intake.checks_of(order.intake_checks_json)] == [
        ("Powers on", False),
        ("Screen cracked", True),
        ("Charges", False),
    ]
    assert order.accessories == "Blue case, charger"
    assert intake.checks_of("not json") == [] and intake.checks_of("[1]") == []


def test_a_deposit_taken_at_intake_is_a_payment_and_a_bad_one_saves_nothing(session):
    _, location = factories.shop(session)
    order = _book(session, location, deposit="£20", deposit_method="cash")
    paid = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (paid.amount_minor, paid.method, paid.note) == (2000, "cash", "Deposit at intake")
    for amount, method, field in (
        ("twenty", "cash", "deposit"),
        ("0", "cash", "deposit"),
        ("5", "bitcoin", "deposit_method"),
    ):
        with pytest.raises(IntakeError) as refused:
            _book(session, location, deposit=amount, deposit_method=method, last_name="Other")
        assert field in refused.value.errors
    assert len(session.exec(select(Order)).all()) == 1


def test_the_passcode_is_encrypted_revealed_with_an_audit_row_and_deleted_on_collection(session):
    _, location = factories.shop(session)
    order = _book(session, location, passcode="  1 2 3 4 9 ")
    assert order.passcode_encrypted and "1 2 3 4 9" not in order.passcode_encrypted
    assert "1 2 3 4 9" not in repr(_form(location.id, passcode="1 2 3 4 9"))  # never in the double-submit key
    assert passcodes.reveal(session, order, KEY, DESK) == "1 2 3 4 9"
    revealed = session.exec(select(AuditEvent).where(AuditEvent.action == "order.passcode_revealed")).all()
    assert len(revealed) == 1 and revealed[0].actor_label == "desk@example.com"
    with pytest.raises(vault.VaultError):  # another installation's key reads nothing
        passcodes.reveal(session, order, vault.Fernet.generate_key(), DESK)

    collected = session.exec(select(Stage).where(Stage.kind == StageKind.COLLECTED.value)).one()
    workflow.change_stage(session, order, collected, DESK)
    assert order.passcode_encrypted is None and order.passcode_deleted_at is not None
    with pytest.raises(passcodes.PasscodeError, match="No passcode"):
        passcodes.reveal(session, order, KEY, DESK)
    deleted = session.exec(select(AuditEvent).where(AuditEvent.action == "order.passcode_deleted")).one()
    assert '"collected"' in deleted.detail


def test_odd_passcodes_are_refused_with_a_message(session):
    _, location = factories.shop(session)
    for raw, message in (("12\x0034", "letters, digits"), ("9" * 65, "too long")):
        with pytest.raises(IntakeError) as refused:
            _book(session, location, passcode=raw)
        assert message in refused.value.errors["passcode"]
    assert session.exec(select(Order)).all() == []
    order = _book(session, location, passcode="   ")  # blank: nothing kept
    assert order.passcode_encrypted is None


def test_a_passcode_is_kept_whole_or_refused_never_cut(session):
    """Spaces around it used to count towards a cut made before they were trimmed: a 64-character passcode
    pasted with two spaces in front lost its last character without a word."""
    _, location = factories.shop(session)
    order = _book(session, location, passcode="  " + "7" * 63 + "8")
    assert passcodes.reveal(session, order, KEY, DESK) == "7" * 63 + "8"
    with pytest.raises(IntakeError) as refused:
        _book(session, location, passcode="  " + "7" * 64 + "8")
    assert "too long" in refused.value.errors["passcode"]


def test_the_key_file_is_private_and_stable(tmp_path):
    first = vault.create_key(tmp_path)
    assert vault.load_key(tmp_path) == first and vault.create_key(tmp_path) == first  # never replaced
    assert (tmp_path / "passcode_key").stat().st_mode & 0o777 == 0o600
    assert vault.decrypt(first, vault.encrypt(first, "Mönchengladbach 7")) == "Mönchengladbach 7"


def test_shop_default_checklist_is_there_for_a_new_shop(session):
    shop, _ = factories.shop(session)
    assert "Powers on" in intake.checklist(ShopSettings.current(session)) and shop.intake_checklist
