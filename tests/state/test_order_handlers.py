"""The staff order page's handlers, called directly: permissions, edits, conflicts, links."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from reflex_base.utils.format import json_dumps
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import Order, Payment, PortalLink, Role
from repair_portal.services import staff_auth
from repair_portal.state.staff_order import StaffOrderState
from repair_portal.state.staff_order_details import StaffOrderDetailsState
from repair_portal.state.staff_order_link import StaffOrderLinkState
from repair_portal.state.staff_order_payments import StaffOrderPaymentState

from .. import factories
from .conftest import as_staff, redirect_path, shown_link


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _setup(engine, app_env):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN, name="Tess Tech")
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        order_id = factories.order(s, location).order.id

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return order_id, token


def _open(state_factory, cls, order_id, token):
    state = state_factory(cls, path=f"/staff/orders/{order_id}")
    as_staff(state, token)
    state.load_order()
    return state


def test_loading_fills_the_page_and_the_activity_trail(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderState, order_id, token("tech@example.com"))
    assert state.found and state.summary.reference.startswith("R-") and state.summary.customer_name == "Ada Nowak"
    assert state.can_edit_details and state.can_view_as_customer and not state.can_record_payments
    assert [a.what for a in state.activity][-1].startswith("Booked in as")
    assert {o.name for o in state.staff_options} == {"Tess Tech", "Dee Desk"}


def test_without_a_session_every_action_redirects_to_sign_in(state_factory, engine, app_env):
    order_id, _ = _setup(engine, app_env)
    state = state_factory(StaffOrderDetailsState, path=f"/staff/orders/{order_id}")
    for result in (state.load_order(), state.open_edit(), _run(state.handle_save_details({"internal_note": "x"}))):
        assert redirect_path(result).startswith("/staff/login?next=/staff/orders/")
    with write_session(engine) as s:
        assert s.get(Order, order_id).internal_note == ""


def test_edit_save_and_a_conflicting_second_save(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    tess = _open(state_factory, StaffOrderDetailsState, order_id, token("tech@example.com"))
    dee = _open(state_factory, StaffOrderDetailsState, order_id, token("desk@example.com"))
    tess.open_edit()
    dee.open_edit()
    form = dict(tess.edit_values)
    _run(tess.handle_save_details({**form, "internal_note": "Tess: board damage"}))
    assert not tess.editing and tess.internal_note == "Tess: board damage"  # substate wrote the parent's var
    _run(dee.handle_save_details({**form, "internal_note": "Dee: customer wants a call"}))
    assert dee.editing and "Tess Tech" in dee.conflict_message and "internal note" in dee.conflict_message
    assert [c.theirs for c in dee.conflicts] == ["Tess: board damage"]
    with write_session(engine) as s:
        assert s.get(Order, order_id).internal_note == "Tess: board damage"
    # Having seen theirs, saving again is a deliberate replace.
    _run(dee.handle_save_details({**form, "internal_note": "Dee: customer wants a call"}))
    assert not dee.editing
    with write_session(engine) as s:
        assert s.get(Order, order_id).internal_note == "Dee: customer wants a call"


def test_invalid_details_show_field_messages_and_keep_the_typed_values(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderDetailsState, order_id, token("desk@example.com"))
    state.open_edit()
    _run(state.handle_save_details({**state.edit_values, "problem": "", "promised": "tomorrow"}))
    assert set(state.field_errors) == {"problem", "promised"} and state.editing
    assert state.edit_values["promised"] == "tomorrow"


def test_a_technician_cannot_record_payments_even_by_calling_the_handler(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderPaymentState, order_id, token("tech@example.com"))
    result = _run(state.handle_payment({"amount": "50.00", "method": "cash"}))
    assert result is not None and state.payment_error == ""  # a denial toast, not a form error
    with write_session(engine) as s:
        assert s.exec(select(Payment)).all() == []


def test_a_double_clicked_record_payment_records_once_and_the_next_form_gets_a_new_key(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderPaymentState, order_id, token("desk@example.com"))
    key = state.payment_key
    assert len(key) >= 16
    form = {"amount": "50.00", "method": "cash", "key": key}
    _run(state.handle_payment(dict(form)))
    assert state.payment_error == "" and state.payment_key != key  # the form is drawn again with a new key
    _run(state.handle_payment(dict(form)))  # the second click of the double click: the old key
    assert state.payment_error == ""
    with write_session(engine) as s:
        assert [p.amount_minor for p in s.exec(select(Payment))] == [5000]
    _run(state.handle_payment({**form, "key": state.payment_key}))  # a second payment, deliberately
    with write_session(engine) as s:
        assert [p.amount_minor for p in s.exec(select(Payment))] == [5000, 5000]


def test_revoking_the_link_switches_the_portal_off(state_factory, engine, app_env):
    order_id, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderLinkState, order_id, token("desk@example.com"))
    url = shown_link(state.refresh())
    assert state.has_link and url.startswith("http://shop.test/track/")
    assert url.rsplit("/", 1)[1] not in json_dumps(state._get_root_state().dict())  # shown, never kept
    _run(state.handle_revoke_link())
    assert not state.has_link and shown_link(state.refresh()) is None
    with write_session(engine) as s:
        assert all(link.revoked_at for link in s.exec(select(PortalLink).where(PortalLink.order_id == order_id)))
    tech = _open(state_factory, StaffOrderLinkState, order_id, token("tech@example.com"))
    _run(tech.handle_rotate_link())  # technicians may not manage links
    assert not tech.has_link


def test_the_bell_counts_per_person_and_the_order_page_reads_and_handles(state_factory, engine, app_env):
    from repair_portal.models import AlertKind
    from repair_portal.services import alerts
    from repair_portal.state.staff_alerts import StaffAlertsState

    order_id, token = _setup(engine, app_env)
    tess_token, dee_token = token("tech@example.com"), token("desk@example.com")
    with write_session(engine) as s:
        alerts.record(s, s.get(Order, order_id), AlertKind.APPROVED, "Quote v1, £120.00")

    def bell(tok):
        state = state_factory(StaffAlertsState, path="/staff/alerts")
        as_staff(state, tok)
        state.load_alerts()
        return state

    tess, dee = bell(tess_token), bell(dee_token)
    assert tess.unread == dee.unread == 1 and tess.items[0].label == "Approved the quote"
    page = _open(state_factory, StaffOrderState, order_id, tess_token)  # opening the order reads it
    assert [a.label for a in page.summary.open_alerts] == ["Approved the quote"]
    tess.refresh_bell()
    dee.refresh_bell()
    assert (tess.unread, dee.unread) == (0, 1)
    page.handle_customer_actions()
    assert page.summary.open_alerts == []
    dee.mark_all_read()
    assert dee.unread == 0 and not dee.items[0].unread and dee.items[0].handled
    forged = state_factory(StaffAlertsState, path="/staff/alerts")
    as_staff(forged, "forged-token-value-aaaaaaaaaa")
    assert redirect_path(forged.load_alerts()).startswith("/staff/login") and forged.items == []


def _sent_quote(engine, order_id):
    from repair_portal.services import audit, quotes

    with write_session(engine) as s:
        quote = quotes.create_quote(
            s,
            s.get(Order, order_id),
            [quotes.LineSpec("Screen", 1, 10000), quotes.LineSpec("Tempered glass", 1, 1000, optional=True)],
            audit.SYSTEM,
        )
        quotes.send_quote(s, quote, audit.SYSTEM)
        return quote.id


def test_an_approval_by_phone_is_confirmed_with_extras_who_and_a_note(state_factory, engine, app_env):
    import json

    from repair_portal.models import AuditEvent, Quote, QuoteLine
    from repair_portal.services.quote_decisions import customer_view_of_quote
    from repair_portal.state.staff_order_approval import StaffOrderApprovalState

    order_id, token = _setup(engine, app_env)
    quote_id = _sent_quote(engine, order_id)
    state = _open(state_factory, StaffOrderApprovalState, order_id, token("desk@example.com"))
    state.open_approval("in_person")
    assert state.approval_open and state.approval_channel == "in_person" and state.approval_version == 1
    assert [(r.description, r.price, r.include) for r in state.approval_lines] == [("Tempered glass", "£10.00", True)]
    assert state.approval_name == "Ada Nowak" and state.approval_total == "£132.00"
    state.set_approval_include(0, False)
    state.set_approval_include(7, True)  # no such row: ignored
    state.set_approval_channel("carrier pigeon")  # not a channel: ignored
    state.set_approval_channel("phone")
    assert state.approval_total == "£120.00" and state.approval_channel == "phone"
    _run(state.handle_confirm_approval({"approver": "  ", "note": ""}))
    assert state.approver_error and state.approval_open  # the name is required; nothing recorded
    with write_session(engine) as s:
        assert s.get(Quote, quote_id).status == "sent"
    _run(state.handle_confirm_approval({"approver": "Jan Nowak", "note": "Wants it by Friday"}))
    assert not state.approval_open and state.quote_state == "approved"
    assert "Note: Wants it by Friday" in state.quote_summary and "Jan Nowak" in state.quote_summary
    _run(state.handle_confirm_approval({"approver": "Jan Nowak", "note": ""}))  # a double click
    with write_session(engine) as s:
        quote = s.get(Quote, quote_id)
        assert (quote.status, quote.decision_channel, quote.decided_by_name, quote.decision_note) == (
            "approved",
            "phone",
            "Jan Nowak",
            "Wants it by Friday",
        )
        glass = s.exec(select(QuoteLine).where(QuoteLine.quote_id == quote_id).where(QuoteLine.optional)).one()
        assert glass.decision == "declined"
        approvals = s.exec(select(AuditEvent).where(AuditEvent.action == "quote.approved")).all()
        assert len(approvals) == 1 and json.loads(approvals[0].detail)["left_out"] == ["Tempered glass"]
        view = customer_view_of_quote(s, order_id)  # what the customer's portal shows
        assert (view.status, view.total, view.decided_by_name) == ("approved", "£120.00", "Jan Nowak")
    assert state.open_approval("phone") is not None and not state.approval_open  # nothing awaits an answer now


def test_an_approval_confirmed_on_an_outdated_quote_is_refused(state_factory, engine, app_env):
    from repair_portal.models import Quote
    from repair_portal.services import audit
    from repair_portal.services.quote_builder import FormLine, send_new_quote
    from repair_portal.state.staff_order_approval import StaffOrderApprovalState

    order_id, token = _setup(engine, app_env)
    _sent_quote(engine, order_id)
    state = _open(state_factory, StaffOrderApprovalState, order_id, token("tech@example.com"))
    state.open_approval("phone")
    with write_session(engine) as s:  # meanwhile a colleague sends version 2
        send_new_quote(s, s.get(Order, order_id), [FormLine("Battery", "1", "49", False)], audit.SYSTEM)
    result = _run(state.handle_confirm_approval({"approver": "Ada Nowak", "note": ""}))
    assert result is not None and not state.approval_open and state.quote_version == 2
    with write_session(engine) as s:
        assert [q.status for q in s.exec(select(Quote).order_by(Quote.version))] == ["superseded", "sent"]
