import pytest
from sqlmodel import select

from repair_portal.models import Customer, Order, OutboxMessage, Role
from repair_portal.services import audit, notifications, workflow
from repair_portal.services.intake import IntakeError, IntakeForm, book_in
from repair_portal.services.mail import LinkSettings
from repair_portal.services.permissions import MATRIX, Action, can

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = LinkSettings("https://shop.example", TEST_SECRET_KEY)
DESK = audit.Actor("system", label="desk")


def _form(location_id, **overrides) -> IntakeForm:
    data = {
        "first_name": "Chloé",
        "last_name": "Moreau",
        "email": "Chloe@Example.com",
        "phone": "07400 900123",
        "email_updates": "on",
        "device_kind": "phone",
        "make": "Apple",
        "model": "iPhone 15",
        "serial": "IMEI123",
        "problem": "Screen cracked",
        "intake_condition": "Case included",
        "promised_date": "2026-12-01",
        "location_id": str(location_id),
        "assigned_to_id": "",
    }
    data.update(overrides)
    return IntakeForm.from_form(data)


def test_the_phone_number_is_read_in_the_shops_country_and_checked(session):
    shop, location = factories.shop(session)
    with pytest.raises(IntakeError) as caught:
        book_in(session, TEST_SECRET_KEY, _form(location.id, phone="0740"), DESK)
    assert caught.value.errors == {"phone": "That phone number looks too short."}
    shop.country = "IE"
    session.add(shop)
    with pytest.raises(IntakeError) as caught:
        book_in(session, TEST_SECRET_KEY, _form(location.id, phone="07400 900123"), DESK)
    assert "doesn't look like an Irish phone number" in caught.value.errors["phone"]
    result = book_in(session, TEST_SECRET_KEY, _form(location.id, phone="087 123 4567"), DESK)
    assert session.get(Customer, result.new.order.customer_id).phone == "+353871234567"
    abroad = book_in(session, TEST_SECRET_KEY, _form(location.id, last_name="Abroad", phone="+44 7400 900123"), DESK)
    assert session.get(Customer, abroad.new.order.customer_id).phone == "+447400900123"


def test_a_number_already_on_a_customers_record_is_accepted_at_the_counter(session):
    _, location = factories.shop(session)
    session.add(Customer(first_name="Chloé", last_name="Moreau", phone="+447700900123"))  # saved before checks
    session.flush()
    result = book_in(session, TEST_SECRET_KEY, _form(location.id, email="", phone="07700 900123"), DESK)
    assert result.matched_existing_customer
    with pytest.raises(IntakeError) as caught:  # a new number in the same fictional range is refused
        book_in(session, TEST_SECRET_KEY, _form(location.id, email="", phone="07700 900124"), DESK)
    assert "doesn't look like a UK phone number" in caught.value.errors["phone"]


def test_booking_in_creates_customer_device_order_and_a_confirmation_email(session):
    _, location = factories.shop(session)
    result = book_in(session, TEST_SECRET_KEY, _form(location.id), DESK)
    assert not result.matched_existing_customer
    order = result.new.order
    customer = session.get(Customer, order.customer_id)
    assert (customer.email, customer.phone, customer.email_updates) == ("chloe@example.com", "+447400900123", True)
    assert order.promised_at.isoformat() == "2026-12-01T17:00:00+00:00"  # 5 pm London, winter time
    assert notifications.order_booked(session, LINKS, order, DESK)
    message = session.exec(select(OutboxMessage)).one()
    assert (
        message.to_email == "chloe@example.com" and f"https://shop.example/track/{result.new.code}" in message.text_body
    )


def test_returning_customers_are_matched_by_phone_or_email(session):
    _, location = factories.shop(session)
    first = book_in(session, TEST_SECRET_KEY, _form(location.id), DESK)
    by_phone = book_in(session, TEST_SECRET_KEY, _form(location.id, email="", phone="+44 7400 900123"), DESK)
    by_email = book_in(session, TEST_SECRET_KEY, _form(location.id, email="CHLOE@example.com", phone=""), DESK)
    assert by_phone.matched_existing_customer and by_email.matched_existing_customer
    ids = {first.new.order.customer_id, by_phone.new.order.customer_id, by_email.new.order.customer_id}
    assert len(ids) == 1
    assert len(session.exec(select(Customer)).all()) == 1


def test_bad_intake_input_gets_a_message_per_field_and_saves_nothing(session):
    _, location = factories.shop(session)
    with pytest.raises(IntakeError) as caught:
        book_in(
            session,
            TEST_SECRET_KEY,
            _form(999, last_name="", email="not-an-email", problem="", promised_date="tomorrow"),
            DESK,
        )
    assert set(caught.value.errors) == {"last_name", "email", "problem", "location_id", "promised_date"}
    with pytest.raises(IntakeError) as caught:
        book_in(session, TEST_SECRET_KEY, _form(location.id, email="", phone=""), DESK)
    assert "phone" in caught.value.errors
    assert session.exec(select(Order)).all() == []


def test_stage_emails_follow_the_stage_settings(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    stages = {s.name: s for s in workflow.active_stages(session)}
    assert not notifications.stage_changed(session, LINKS, new.order, stages["Diagnosing"], DESK)
    assert not notifications.stage_changed(session, LINKS, new.order, stages["Awaiting approval"], DESK)
    assert notifications.stage_changed(session, LINKS, new.order, stages["Ready for collection"], DESK)
    stages["Repairing"].notify_customer = True
    assert notifications.stage_changed(session, LINKS, new.order, stages["Repairing"], DESK)
    templates = [m.template for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert templates == ["ready_for_collection", "stage_changed"]


def test_share_text_is_ready_for_sms():
    text = notifications.share_text("FixPoint", "R-10001", "https://x/track/abc")
    assert text.startswith("FixPoint: follow your repair R-10001") and "https://x/track/abc" in text


EXPECTED = {
    Role.OWNER: set(Action),
    Role.MANAGER: set(Action) - {Action.MANAGE_USERS, Action.MANAGE_PAYMENTS},
    Role.TECHNICIAN: {
        Action.VIEW_ORDERS,
        Action.CHANGE_STAGE,
        Action.PRINT_DOCUMENTS,
        Action.SEND_PORTAL_LINK,
        Action.MANAGE_QUOTES,
        Action.EDIT_ORDER_DETAILS,
        Action.VIEW_AS_CUSTOMER,
        Action.SIGN_AT_COUNTER,
        Action.REVEAL_PASSCODE,
        Action.RECORD_ASSET_TESTS,
        Action.WRITE_REPORTS,
    },
    Role.FRONT_DESK: {
        Action.VIEW_ORDERS,
        Action.CREATE_ORDER,
        Action.CHANGE_STAGE,
        Action.PRINT_DOCUMENTS,
        Action.SEND_PORTAL_LINK,
        Action.MANAGE_LINKS,
        Action.MANAGE_QUOTES,
        Action.RECORD_PAYMENTS,
        Action.EDIT_ORDER_DETAILS,
        Action.EDIT_CUSTOMERS,
        Action.VIEW_AS_CUSTOMER,
        Action.SIGN_AT_COUNTER,
        Action.REVEAL_PASSCODE,
        Action.MANAGE_INVOICES,
        Action.MANAGE_ASSETS,
        Action.RECORD_ASSET_TESTS,
    },
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_permission_matrix(role, action):
    assert can(role, action) == (action in EXPECTED[role])
    assert can(role.value, action) == (action in MATRIX[role])


def test_unknown_roles_can_do_nothing():
    assert not any(can("intern", action) for action in Action)


def test_shared_phone_with_another_surname_makes_a_new_customer(session):
    _, location = factories.shop(session)
    first = book_in(session, TEST_SECRET_KEY, _form(location.id), DESK)
    partner = book_in(
        session, TEST_SECRET_KEY, _form(location.id, first_name="Luc", last_name="Brennan", email=""), DESK
    )
    assert not partner.matched_existing_customer
    assert partner.new.order.customer_id != first.new.order.customer_id
    assert session.get(Customer, partner.new.order.customer_id).last_name == "Brennan"


def test_the_sidebar_follows_the_permission_table():
    from repair_portal.components.staff_shell import NAV, SETTINGS_NAV, roles_for
    from repair_portal.services.permissions import Action

    entries = {label: set(roles) for label, _, _, roles in NAV + SETTINGS_NAV}
    assert entries["New order"] == {"owner", "manager", "front_desk"}  # technicians can't book in
    assert entries["Staff"] == entries["Payments"] == {"owner"}
    assert entries["Shop"] == entries["Price list"] == entries["Shared files"] == {"owner", "manager"}
    assert entries["Orders"] == set(roles_for(Action.VIEW_ORDERS)) == {"owner", "manager", "technician", "front_desk"}


def test_one_email_check_everywhere():
    from repair_portal.services.emails import is_valid_email, normalise_email

    assert is_valid_email("ada@example.com") and normalise_email("  Ada@Example.COM ") == "ada@example.com"
    for bad in ("ada", "ada@", "ada@example", "a b@example.com", "x" * 250 + "@example.com"):
        assert not is_valid_email(bad)
