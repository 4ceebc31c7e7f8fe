"""The customer pages' handlers, called directly: sessions, roles, forged ids, edits and conflicts."""

from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Customer, Role
from repair_portal.services import staff_auth
from repair_portal.state.staff_customers import StaffCustomersState, StaffCustomerState

from .. import factories
from .conftest import as_staff, redirect_path


def _setup(engine, app_env, orders: int = 3):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN, name="Tess Tech")
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        factories.staff(s, email="boss@example.com", role=Role.OWNER, name="Olive Owner")
        ids = []
        for i in range(orders):
            new = factories.order(s, location, last_name=f"Nowak{i:02d}")
            customer = s.get(Customer, new.order.customer_id)
            customer.email, customer.phone = f"ada{i}@example.com", f"+4477009001{i:02d}"
            s.add(customer)
            ids.append(customer.id)

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return ids, token


def _toast(result) -> str:
    return str(getattr(result, "args", result))


def _open(state_factory, customer_id, token):
    state = state_factory(StaffCustomerState, path=f"/staff/customers/{customer_id}")
    as_staff(state, token)
    assert state.load_customer() is None
    return state


def _stored(engine, customer_id) -> Customer:
    with write_session(engine) as s:
        return s.get(Customer, customer_id)


def test_list_and_detail_need_a_session(state_factory, engine, app_env):
    ids, _ = _setup(engine, app_env)
    listing = state_factory(StaffCustomersState, path="/staff/customers")
    for result in (listing.load_customers(), listing.handle_search("Nowak"), listing.next_page(), listing.prev_page()):
        assert redirect_path(result) == "/staff/login?next=/staff/customers"
    assert listing.customer_rows == [] and listing.customers_total == 0
    detail = state_factory(StaffCustomerState, path=f"/staff/customers/{ids[0]}")
    as_staff(detail, "forged-token-value-aaaaaaaaaa")
    for result in (detail.load_customer(), detail.open_edit(), detail.handle_save({"last_name": "X"})):
        assert redirect_path(result) == f"/staff/login?next=/staff/customers/{ids[0]}"
    assert detail.display_name == "" and detail.customer_orders == []
    assert _stored(engine, ids[0]).last_name == "Nowak00"


def test_signed_in_staff_list_search_and_page(state_factory, engine, app_env):
    ids, token = _setup(engine, app_env, orders=27)
    state = state_factory(StaffCustomersState, path="/staff/customers")
    as_staff(state, token("tech@example.com"))
    assert state.load_customers() is None
    assert state.customers_total == 27 and len(state.customer_rows) == 25
    assert state.customers_page_label == "1–25 of 27" and state.customers_has_next
    first = state.customer_rows[0]
    assert first.orders == 1 and first.last_order.startswith("R-") and first.last_order_date != ""
    state.next_page()
    assert len(state.customer_rows) == 2 and not state.customers_has_next and state.customers_has_prev
    state.handle_search("07700 900105")  # typed the way the customer says it
    assert [r.id for r in state.customer_rows] == [ids[5]] and state.customers_page == 0
    state.handle_search("nobody")
    assert state.customer_rows == [] and state.customers_total == 0 and state.customers_loaded


def test_technician_sees_the_customer_read_only_and_cannot_save(state_factory, engine, app_env):
    ids, token = _setup(engine, app_env)
    state = _open(state_factory, ids[1], token("tech@example.com"))
    assert state.found and state.display_name == "Ada Nowak01" and not state.can_edit
    assert [o.reference for o in state.customer_orders] and state.devices[0].serial == "SN123"
    assert "can't edit customers" in _toast(state.open_edit()) and not state.editing
    # A forged event straight to the save handler is refused server-side.
    state.editing, state._loaded_version = True, "2000-01-01T00:00:00+00:00"
    result = state.handle_save({"last_name": "Hacked", "email": "evil@example.com", "phone": ""})
    assert redirect_path(result) is None and "can't edit customers" in _toast(result)
    stored = _stored(engine, ids[1])
    assert stored.last_name == "Nowak01" and stored.email == "ada1@example.com"
    with write_session(engine) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "customer.updated")).all() == []


def test_front_desk_edits_and_saves_with_inline_errors_first(state_factory, engine, app_env):
    ids, token = _setup(engine, app_env)
    state = _open(state_factory, ids[0], token("desk@example.com"))
    assert state.can_edit
    assert state.open_edit() is None and state.editing
    assert state.edit_values["email"] == "ada0@example.com" and state.edit_email_updates is True
    assert state.phone == state.edit_values["phone"] == "07700 900100"  # shown and typed the UK way
    form = {**state.edit_values, "email_updates": "on"}
    state.handle_save({**form, "last_name": " ", "email": "nope"})
    # The stored number (Ofcom's fictional range, not a valid number) is not judged again.
    assert state.editing and set(state.field_errors) == {"last_name", "email"}
    assert state.edit_values["email"] == "nope"  # what they typed stays in the form
    assert _stored(engine, ids[0]).last_name == "Nowak00"
    # The switches report through their refs as booleans; that wins over the hidden input.
    result = state.handle_save(
        {**form, "phone": "07400 900 777", "company": "Nowak Ltd", "customer_email_updates": False}
    )
    assert "Customer saved." in _toast(result)
    assert not state.editing and state.field_errors == {} and state.phone == "07400 900777"
    assert state.company == "Nowak Ltd" and state.email_updates is False
    stored = _stored(engine, ids[0])
    assert (stored.phone, stored.company, stored.email_updates) == ("+447400900777", "Nowak Ltd", False)
    with write_session(engine) as s:
        actions = {e.action: e for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("customer.%")))}
        assert actions["customer.updated"].actor_label == "desk@example.com"
        assert actions["customer.updated"].ip == "203.0.113.9"
        assert "customer.consent_changed" in actions


def test_second_editor_gets_a_conflict_nothing_overwritten_and_their_values_under_mine(state_factory, engine, app_env):
    ids, token = _setup(engine, app_env)
    dee = _open(state_factory, ids[2], token("desk@example.com"))
    olive = _open(state_factory, ids[2], token("boss@example.com"))
    dee.open_edit()
    olive.open_edit()
    dee_form, olive_form = {**dee.edit_values, "email_updates": "on"}, {**olive.edit_values, "email_updates": "on"}
    assert "saved" in _toast(dee.handle_save({**dee_form, "email": "dee@example.com"}))
    result = olive.handle_save({**olive_form, "first_name": "Olga"})
    assert "Not saved" in _toast(result) and olive.editing
    assert olive.conflict_message.startswith("Dee Desk saved this customer while you were editing (changed: email)")
    stored = _stored(engine, ids[2])
    assert stored.email == "dee@example.com" and stored.first_name == "Ada"
    # the form now holds their saved email with Olive's own edit on top
    assert olive.email == "dee@example.com" and olive.editing
    assert (olive.edit_values["email"], olive.edit_values["first_name"]) == ("dee@example.com", "Olga")
    assert "saved" in _toast(olive.handle_save({**olive.edit_values, "email_updates": "on", "first_name": "Olga"}))
    stored = _stored(engine, ids[2])
    assert (stored.first_name, stored.email) == ("Olga", "dee@example.com")


def test_forged_or_missing_customer_ids_show_not_found_without_crashing(state_factory, engine, app_env):
    ids, token = _setup(engine, app_env)
    desk = token("desk@example.com")
    for path_id in ("999999", "abc", "-1", "9" * 40):
        state = _open(state_factory, path_id, desk)
        assert not state.found and state.display_name == "" and state.customer_orders == []
        assert "doesn't exist" in _toast(state.open_edit()) and not state.editing
        assert "nothing was saved" in _toast(state.handle_save({"last_name": "X", "email": "x@example.com"}))
    # Form fields can't redirect a save to another customer: the id comes from the loaded page only.
    state = _open(state_factory, ids[0], desk)
    state.open_edit()
    form = {**state.edit_values, "email_updates": "on", "customer_id": str(ids[1]), "id": str(ids[1])}
    state.handle_save({**form, "company": "Only Mine"})
    assert _stored(engine, ids[0]).company == "Only Mine" and _stored(engine, ids[1]).company == ""


def test_a_customer_removed_while_editing_is_reported(state_factory, engine, app_env):
    with write_session(engine) as s:
        factories.shop(s)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        lonely = Customer(first_name="Lo", last_name="Nely", email="lo@example.com")
        s.add(lonely)
        s.flush()
        lonely_id = lonely.id
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    state = _open(state_factory, lonely_id, token)
    state.open_edit()
    with write_session(engine) as s:
        s.delete(s.get(Customer, lonely_id))
    result = state.handle_save({**state.edit_values, "company": "Gone"})
    assert "doesn't exist" in _toast(result) and not state.found
